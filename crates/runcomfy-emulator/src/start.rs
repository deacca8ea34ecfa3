//! The start image of a job, made the still picture of its output video
//! or the source of its output images: fetched as the emulator fetches
//! media (a `data:` URI, a loopback URL, or any http(s) URL when told to
//! fetch remote media), decoded (PNG, JPEG or WebP) and, for a video,
//! scaled so that its long side is [`LONG_SIDE`] pixels, keeping its
//! aspect ratio as the model does (for images, at most
//! [`PICTURE_LONG_SIDE`]).
//!
//! Anything that cannot be fetched or decoded (an image the media rules
//! accepted from its header alone, say) leaves the job with the seeded
//! pattern instead; a job never fails for it. Decoded pictures are shared
//! by the jobs of the same image bytes, so a thousand jobs of one image
//! hold one.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};
use std::time::Duration;

use image::{DynamicImage, RgbImage};
use runcomfy_validate::media::DataUri;

use crate::video::{DEFAULT_WIDTH, Frame, MIN_DIMENSION};

/// The long side of a video made from a start image.
pub(crate) const LONG_SIDE: u32 = DEFAULT_WIDTH;
/// The long side of an image output's source, at most: larger ones are
/// scaled down, since no output is sharper than this.
pub(crate) const PICTURE_LONG_SIDE: u32 = 2048;
/// Start images larger than this are not rendered.
const MAX_IMAGE_BYTES: u64 = 32 * 1024 * 1024;
/// Start images wider or taller than this are not rendered.
const MAX_IMAGE_SIDE: u32 = 8192;
/// How long a loopback fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Dead cache entries are swept when the cache grows past this.
const SWEEP_AT: usize = 1024;

/// Decoded pictures by the SHA-256 of their bytes, held while a job holds one.
type Shared<T> = Mutex<HashMap<[u8; 32], Weak<T>>>;

/// Decoded start images, shared by the jobs that use the same bytes.
#[derive(Debug, Default)]
pub(crate) struct StartImages {
    frames: Shared<Frame>,
    pictures: Shared<RgbImage>,
    /// The client for loopback fetches, built on first use (`None`: it
    /// could not be built).
    http: OnceLock<Option<reqwest::Client>>,
    /// Whether any http(s) host may be fetched, not only loopback ones.
    fetch_remote: bool,
}

impl StartImages {
    /// No image decoded yet; `fetch_remote` lets any http(s) host be fetched.
    pub(crate) fn new(fetch_remote: bool) -> Self {
        Self {
            fetch_remote,
            ..Self::default()
        }
    }

    /// The video frame of the image `reference` points to, or `None` when
    /// it cannot be fetched from here or decoded.
    pub(crate) async fn frame(&self, reference: &str) -> Option<Arc<Frame>> {
        self.decoded(reference, &self.frames, decode).await
    }

    /// The image `reference` points to, as the source of image outputs,
    /// or `None` when it cannot be fetched from here or decoded.
    pub(crate) async fn picture(&self, reference: &str) -> Option<Arc<RgbImage>> {
        self.decoded(reference, &self.pictures, decode_picture)
            .await
    }

    /// The image `reference` points to, decoded by `decode` once for all
    /// the jobs of the same bytes.
    async fn decoded<T: Send + Sync + 'static>(
        &self,
        reference: &str,
        cache: &Shared<T>,
        decode: fn(&[u8]) -> Option<T>,
    ) -> Option<Arc<T>> {
        let bytes = self.fetch(reference).await?;
        let mut key = [0u8; 32];
        key.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, &bytes).as_ref());
        let held = cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .and_then(Weak::upgrade);
        if let Some(decoded) = held {
            return Some(decoded);
        }
        let decoded = Arc::new(
            tokio::task::spawn_blocking(move || decode(&bytes))
                .await
                .ok()??,
        );
        let mut entries = cache.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= SWEEP_AT {
            entries.retain(|_, entry| entry.strong_count() > 0);
        }
        entries.insert(key, Arc::downgrade(&decoded));
        Some(decoded)
    }

    /// The image's bytes: a `data:` URI decoded, or a loopback URL fetched.
    async fn fetch(&self, reference: &str) -> Option<Vec<u8>> {
        if reference
            .get(..5)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("data:"))
        {
            return DataUri::parse(reference).ok()?.decode(MAX_IMAGE_BYTES);
        }
        let url = url::Url::parse(reference).ok()?;
        if !matches!(url.scheme(), "http" | "https")
            || !(self.fetch_remote || runcomfy_validate::media::is_loopback_host(&url))
        {
            return None;
        }
        let client = self
            .http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .timeout(FETCH_TIMEOUT)
                    .redirect(reqwest::redirect::Policy::none())
                    .no_proxy()
                    .build()
                    .ok()
            })
            .as_ref()?;
        read_capped(client.get(url).send().await.ok()?).await
    }
}

/// A successful answer's body, when it is at most [`MAX_IMAGE_BYTES`].
async fn read_capped(mut response: reqwest::Response) -> Option<Vec<u8>> {
    if !response.status().is_success()
        || response
            .content_length()
            .is_some_and(|len| len > MAX_IMAGE_BYTES)
    {
        return None;
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > MAX_IMAGE_BYTES {
            return None;
        }
    }
    Some(bytes)
}

/// Decodes an image within the limits on start images.
fn read_image(bytes: &[u8]) -> Option<DynamicImage> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().ok()
}

/// Decodes an image as the source of image outputs: at most
/// [`PICTURE_LONG_SIDE`] a side, its aspect ratio kept.
fn decode_picture(bytes: &[u8]) -> Option<RgbImage> {
    let image = read_image(bytes)?;
    let image = if image.width().max(image.height()) > PICTURE_LONG_SIDE {
        image.thumbnail(PICTURE_LONG_SIDE, PICTURE_LONG_SIDE)
    } else {
        image
    };
    Some(image.to_rgb8())
}

/// Decodes an image and scales it to the video's size.
pub(crate) fn decode(bytes: &[u8]) -> Option<Frame> {
    let image = read_image(bytes)?;
    let (width, height) = video_size(image.width(), image.height())?;
    // Area-averaged down (or up) to the video's size, then sampled 1:1.
    let rgb = image.thumbnail_exact(width, height).to_rgb8();
    Frame::from_rgb(width, height, rgb.width(), rgb.height(), rgb.as_raw())
}

/// The video size for an image of `width` × `height`: the long side
/// [`LONG_SIDE`], the short one in proportion, both even and at least
/// [`MIN_DIMENSION`].
pub(crate) fn video_size(width: u32, height: u32) -> Option<(u32, u32)> {
    if width == 0 || height == 0 {
        return None;
    }
    let (long, short) = (width.max(height), width.min(height));
    let scaled = (u64::from(LONG_SIDE) * u64::from(short) + u64::from(long) / 2) / u64::from(long);
    let short = u32::try_from(scaled).ok()?;
    let short = (short / 2 * 2).max(MIN_DIMENSION);
    Some(if width >= height {
        (LONG_SIDE, short)
    } else {
        (short, LONG_SIDE)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG whose left half is pure red and right half pure blue.
    fn red_blue_png(width: u32, height: u32) -> Vec<u8> {
        runcomfy_testkit::images::halves_png(width, height, [255, 0, 0], [0, 0, 255])
    }

    #[test]
    fn the_video_keeps_the_images_aspect_ratio() {
        assert_eq!(video_size(1280, 720), Some((320, 180)));
        assert_eq!(video_size(720, 1280), Some((180, 320)));
        assert_eq!(video_size(1000, 1000), Some((320, 320)));
        assert_eq!(video_size(4000, 300), Some((320, 24)));
        assert_eq!(video_size(10_000, 10), Some((320, MIN_DIMENSION)));
        assert_eq!(video_size(0, 10), None);
    }

    #[test]
    fn a_decoded_image_is_the_frame_in_bt601_colours() {
        let frame = decode(&red_blue_png(640, 480)).expect("decodes");
        assert_eq!((frame.width(), frame.height()), (320, 240));
        let [y, cb, cr] = frame.planes();
        // BT.601 limited range: red is Y 81, Cb 90, Cr 240; blue Y 41, Cb 240, Cr 110.
        let near = |value: u8, want: u8| value.abs_diff(want) <= 2;
        let row = 120 * 320;
        assert!(near(y[row + 10], 81) && near(y[row + 310], 41), "luma");
        let chroma_row = 60 * 160;
        assert!(
            near(cb[chroma_row + 5], 90) && near(cr[chroma_row + 5], 240),
            "red"
        );
        assert!(
            near(cb[chroma_row + 155], 240) && near(cr[chroma_row + 155], 110),
            "blue"
        );
    }

    #[test]
    fn what_cannot_be_decoded_is_none_not_a_panic() {
        assert!(decode(b"").is_none());
        assert!(decode_picture(b"").is_none());
        let large = decode_picture(&red_blue_png(4096, 1024)).expect("decodes");
        assert_eq!(large.dimensions(), (PICTURE_LONG_SIDE, 512), "scaled down");
        assert!(decode(&crate::fixtures::png_header(1280, 720)).is_none());
        assert!(decode(b"\x89PNG\r\n\x1a\n garbage").is_none());
    }

    #[tokio::test]
    async fn data_uris_decode_and_equal_bytes_share_one_frame() {
        use base64::Engine as _;
        let uri = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(red_blue_png(400, 300))
        );
        let images = StartImages::default();
        let first = images.frame(&uri).await.expect("a frame");
        let second = images.frame(&uri).await.expect("a frame");
        assert!(Arc::ptr_eq(&first, &second));
        assert!(images.frame("https://example.com/a.png").await.is_none());
        let picture = images.picture(&uri).await.expect("a picture");
        assert_eq!(picture.dimensions(), (400, 300), "kept at its size");
        assert!(Arc::ptr_eq(
            &picture,
            &images.picture(&uri).await.expect("a picture")
        ));
        assert!(images.frame("data:image/png;base64,AAAA").await.is_none());
    }
}
