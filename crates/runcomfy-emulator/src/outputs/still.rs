//! Image outputs as files: a PNG, JPEG or WebP of a given size showing the
//! input picture scaled to fill it (centred, the overflow cropped), or the
//! seeded pattern the videos show. Deterministic: the same size, format,
//! picture and seed give the same bytes.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ExtendedColorType, ImageEncoder, Rgb, RgbImage};

use crate::outputs::image_size::{MAX_SIDE, MIN_SIDE};
use crate::video::pattern_rgb;

/// The quality of JPEG outputs: high, as image models answer.
const JPEG_QUALITY: u8 = 90;

/// The file format of an image output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum StillFormat {
    /// PNG, the default.
    Png,
    /// JPEG (baseline, 4:2:0).
    Jpeg,
    /// WebP (lossless).
    Webp,
}

impl StillFormat {
    /// The format an input's `output_format` asks for: `jpeg` or `jpg`,
    /// `webp`, else PNG.
    pub(crate) fn asked(output_format: Option<&str>) -> Self {
        match output_format.map(str::to_ascii_lowercase).as_deref() {
            Some("jpeg" | "jpg") => Self::Jpeg,
            Some("webp") => Self::Webp,
            _ => Self::Png,
        }
    }

    /// The file name extension: `png`, `jpg` or `webp`.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
        }
    }
}

/// Why an image output could not be written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StillError {
    /// A side outside [`MIN_SIDE`]..=[`MAX_SIDE`].
    #[error("an image output of {0}x{1} is outside {MIN_SIDE}..={MAX_SIDE} pixels a side")]
    Size(u32, u32),
    /// The encoder refused.
    #[error("could not encode the image: {0}")]
    Encode(#[from] image::ImageError),
}

/// The file of an image output of `width` × `height` in `format`: `source`
/// filling it when there is one, else the pattern of `seed`.
pub(crate) fn render_still(
    width: u32,
    height: u32,
    format: StillFormat,
    source: Option<&RgbImage>,
    seed: u64,
) -> Result<Vec<u8>, StillError> {
    let sides = MIN_SIDE..=MAX_SIDE;
    if !sides.contains(&width) || !sides.contains(&height) {
        return Err(StillError::Size(width, height));
    }
    let picture = match source {
        Some(source) => DynamicImage::ImageRgb8(source.clone())
            .resize_to_fill(width, height, FilterType::Triangle)
            .to_rgb8(),
        None => {
            let pixel = pattern_rgb(width, height, seed);
            RgbImage::from_fn(width, height, |x, y| Rgb(pixel(x, y)))
        }
    };
    let mut bytes = Vec::new();
    let (raw, colour) = (picture.as_raw(), ExtendedColorType::Rgb8);
    match format {
        StillFormat::Png => PngEncoder::new(&mut bytes).write_image(raw, width, height, colour),
        StillFormat::Jpeg => JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
            .write_image(raw, width, height, colour),
        StillFormat::Webp => {
            WebPEncoder::new_lossless(&mut bytes).write_image(raw, width, height, colour)
        }
    }?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> (image::ImageFormat, RgbImage) {
        let format = image::guess_format(bytes).expect("a known format");
        let image = image::load_from_memory(bytes).expect("decodes");
        (format, image.to_rgb8())
    }

    #[test]
    fn each_format_writes_a_file_of_the_size_asked() {
        for (format, want) in [
            (StillFormat::Png, image::ImageFormat::Png),
            (StillFormat::Jpeg, image::ImageFormat::Jpeg),
            (StillFormat::Webp, image::ImageFormat::WebP),
        ] {
            let bytes = render_still(160, 90, format, None, 7).expect("renders");
            let (read, image) = decoded(&bytes);
            assert_eq!(read, want);
            assert_eq!(image.dimensions(), (160, 90), "{format:?}");
            assert_eq!(
                render_still(160, 90, format, None, 7).expect("renders"),
                bytes,
                "deterministic"
            );
        }
        assert_ne!(
            render_still(64, 64, StillFormat::Png, None, 1).expect("renders"),
            render_still(64, 64, StillFormat::Png, None, 2).expect("renders"),
            "the seed shows"
        );
    }

    #[test]
    fn a_source_picture_fills_the_output_centred() {
        // Left red, right blue, 400x100: filling 100x100 keeps the centre.
        let source = RgbImage::from_fn(400, 100, |x, _| {
            Rgb(if x < 200 { [255, 0, 0] } else { [0, 0, 255] })
        });
        let bytes = render_still(100, 100, StillFormat::Png, Some(&source), 0).expect("renders");
        let (_, image) = decoded(&bytes);
        assert_eq!(image.dimensions(), (100, 100));
        assert_eq!(image.get_pixel(10, 50).0, [255, 0, 0]);
        assert_eq!(image.get_pixel(90, 50).0, [0, 0, 255]);
    }

    #[test]
    fn formats_follow_output_format_and_sizes_are_bounded() {
        for (asked, format, extension) in [
            (Some("jpeg"), StillFormat::Jpeg, "jpg"),
            (Some("JPG"), StillFormat::Jpeg, "jpg"),
            (Some("webp"), StillFormat::Webp, "webp"),
            (Some("png"), StillFormat::Png, "png"),
            (None, StillFormat::Png, "png"),
        ] {
            assert_eq!(StillFormat::asked(asked), format);
            assert_eq!(format.extension(), extension);
        }
        for (width, height) in [(8, 100), (100, MAX_SIDE + 1)] {
            assert!(matches!(
                render_still(width, height, StillFormat::Png, None, 0),
                Err(StillError::Size(..))
            ));
        }
    }
}
