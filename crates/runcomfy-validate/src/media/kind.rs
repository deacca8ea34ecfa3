//! [`MediaKind`]: image, video or audio, as a schema's media `format` names
//! it, as a `data:` URI's media type or a URL's extension says, and as a
//! file's first bytes show it.

use std::fmt;

/// What a media reference must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// A still image (`image_uri`, `image_uris`).
    Image,
    /// A video (`video_uri`, `video_uris`).
    Video,
    /// An audio file (`audio_uri`, `audio_uris`).
    Audio,
}

/// What a file's first bytes show it to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sniffed {
    pub(crate) kind: MediaKind,
    /// The container or codec, as people name it (`WAV`, `PNG`, `MP4`).
    pub(crate) format: String,
}

impl fmt::Display for Sniffed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.format, self.kind.name())
    }
}

/// Extensions whose kind is not in doubt. A URL whose path ends otherwise
/// (or has no extension) is not judged by kind until its bytes are read.
const EXTENSIONS: [(&str, MediaKind); 26] = [
    ("png", MediaKind::Image),
    ("jpg", MediaKind::Image),
    ("jpeg", MediaKind::Image),
    ("webp", MediaKind::Image),
    ("gif", MediaKind::Image),
    ("bmp", MediaKind::Image),
    ("tif", MediaKind::Image),
    ("tiff", MediaKind::Image),
    ("avif", MediaKind::Image),
    ("heic", MediaKind::Image),
    ("heif", MediaKind::Image),
    ("mp4", MediaKind::Video),
    ("m4v", MediaKind::Video),
    ("mov", MediaKind::Video),
    ("webm", MediaKind::Video),
    ("mkv", MediaKind::Video),
    ("avi", MediaKind::Video),
    ("mpeg", MediaKind::Video),
    ("mpg", MediaKind::Video),
    ("wav", MediaKind::Audio),
    ("mp3", MediaKind::Audio),
    ("m4a", MediaKind::Audio),
    ("aac", MediaKind::Audio),
    ("flac", MediaKind::Audio),
    ("ogg", MediaKind::Audio),
    ("opus", MediaKind::Audio),
];

/// `ftyp` brands of still images (HEIF, AVIF, JPEG in HEIF); any other
/// brand is a video (an audio brand aside).
const IMAGE_BRANDS: [&[u8]; 17] = [
    b"heic", b"heix", b"heis", b"hevs", b"heim", b"hevm", b"hevc", b"hevx", b"avif", b"avio",
    b"avis", b"jpeg", b"jpgs", b"mif1", b"msf1", b"mif2", b"miaf",
];

impl MediaKind {
    /// Every media `format` a schema may give a field, as written.
    pub const FORMATS: [&'static str; 6] = [
        "image_uri",
        "image_uris",
        "video_uri",
        "video_uris",
        "audio_uri",
        "audio_uris",
    ];

    /// The kind a media `format` names, and whether it is an array of
    /// references (`image_uris`); `None` for any other format.
    pub fn of_format(format: &str) -> Option<(MediaKind, bool)> {
        let (stem, many) = match format.strip_suffix("_uris") {
            Some(stem) => (stem, true),
            None => (format.strip_suffix("_uri")?, false),
        };
        let kind = match stem {
            "image" => MediaKind::Image,
            "video" => MediaKind::Video,
            "audio" => MediaKind::Audio,
            _ => return None,
        };
        Some((kind, many))
    }

    /// The kind of a media type (`image/png` is an image); `None` for any
    /// other type (`text/plain`, `application/octet-stream`).
    pub fn of_mime_type(mime_type: &str) -> Option<MediaKind> {
        let (top, _) = mime_type.split_once('/')?;
        match top.trim().to_ascii_lowercase().as_str() {
            "image" => Some(MediaKind::Image),
            "video" => Some(MediaKind::Video),
            "audio" => Some(MediaKind::Audio),
            _ => None,
        }
    }

    /// The kind a URL path's extension says (`/a/b.WAV` is audio), with the
    /// extension as written; `None` when it has no extension this crate
    /// knows.
    pub fn of_extension(path: &str) -> Option<(MediaKind, &str)> {
        let name = path.rsplit('/').next()?;
        let (_, extension) = name.rsplit_once('.')?;
        EXTENSIONS
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(extension))
            .map(|&(_, kind)| (kind, extension))
    }

    /// `image`, `video` or `audio`.
    pub fn name(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
        }
    }

    /// The kind with its article, for sentences: `an image`, `a video`,
    /// `an audio file`.
    pub fn noun(self) -> &'static str {
        match self {
            MediaKind::Image => "an image",
            MediaKind::Video => "a video",
            MediaKind::Audio => "an audio file",
        }
    }
}

impl fmt::Display for MediaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the first bytes of a file show it to be, when they show it.
pub(crate) fn sniff_kind(head: &[u8]) -> Option<Sniffed> {
    let sniffed = |kind, format: &str| {
        Some(Sniffed {
            kind,
            format: format.to_owned(),
        })
    };
    let at = |range: std::ops::Range<usize>| head.get(range).unwrap_or_default();
    if at(4..8) == b"ftyp" {
        return match at(8..12) {
            b"M4A " | b"M4B " | b"M4P " => sniffed(MediaKind::Audio, "M4A"),
            b"qt  " => sniffed(MediaKind::Video, "QuickTime"),
            brand if IMAGE_BRANDS.contains(&brand) => image_format(head),
            _ => sniffed(MediaKind::Video, "MP4"),
        };
    }
    match (at(0..4), at(8..12)) {
        (b"RIFF", b"WAVE") => return sniffed(MediaKind::Audio, "WAV"),
        (b"RIFF", b"AVI ") => return sniffed(MediaKind::Video, "AVI"),
        (b"FORM", b"AIFF" | b"AIFC") => return sniffed(MediaKind::Audio, "AIFF"),
        (b"fLaC", _) => return sniffed(MediaKind::Audio, "FLAC"),
        (b"OggS", _) => return sniffed(MediaKind::Audio, "Ogg"),
        (b"\x1a\x45\xdf\xa3", _) => return sniffed(MediaKind::Video, "WebM or Matroska"),
        _ => {}
    }
    if at(0..3) == b"ID3" {
        return sniffed(MediaKind::Audio, "MP3");
    }
    // An MPEG audio frame starts with 11 set bits; ADTS (AAC) is the layer-0 case.
    if let [0xFF, second, ..] = *head
        && second & 0xE0 == 0xE0
    {
        let format = if second & 0xF6 == 0xF0 { "AAC" } else { "MP3" };
        return sniffed(MediaKind::Audio, format);
    }
    image_format(head)
}

/// The image format `imagesize` finds in `head`, if any.
fn image_format(head: &[u8]) -> Option<Sniffed> {
    let kind = imagesize::image_type(head).ok()?;
    Some(Sniffed {
        kind: MediaKind::Image,
        format: image_format_name(&kind),
    })
}

/// How messages name an image format: `PNG`, `JPEG`, `HEIF(HEVC)`.
pub(crate) fn image_format_name(kind: &imagesize::ImageType) -> String {
    format!("{kind:?}").to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_name_a_kind_and_whether_they_are_arrays() {
        assert_eq!(
            MediaKind::of_format("image_uri"),
            Some((MediaKind::Image, false))
        );
        assert_eq!(
            MediaKind::of_format("audio_uris"),
            Some((MediaKind::Audio, true))
        );
        assert_eq!(MediaKind::of_format("uri"), None);
        assert_eq!(MediaKind::of_format("text_uri"), None);
        for format in MediaKind::FORMATS {
            assert!(MediaKind::of_format(format).is_some(), "{format}");
        }
    }

    #[test]
    fn media_types_and_extensions_say_a_kind_or_nothing() {
        assert_eq!(MediaKind::of_mime_type("Audio/WAV"), Some(MediaKind::Audio));
        assert_eq!(MediaKind::of_mime_type("text/plain"), None);
        assert_eq!(MediaKind::of_mime_type("image"), None);
        assert_eq!(
            MediaKind::of_extension("/a/b.WAV"),
            Some((MediaKind::Audio, "WAV"))
        );
        assert_eq!(MediaKind::of_extension("/a.b/c"), None, "no extension");
        assert_eq!(MediaKind::of_extension("/a/b.bin"), None);
        assert_eq!(MediaKind::of_extension(""), None);
    }

    #[test]
    fn first_bytes_show_the_kind() {
        let wav = b"RIFF\x24\0\0\0WAVEfmt ";
        let found = sniff_kind(wav).expect("a WAV");
        assert_eq!(found.to_string(), "WAV audio");
        let mp4 = b"\0\0\0\x18ftypisom\0\0\x02\0";
        assert_eq!(sniff_kind(mp4).map(|s| s.kind), Some(MediaKind::Video));
        let m4a = b"\0\0\0\x18ftypM4A \0\0\x02\0";
        assert_eq!(sniff_kind(m4a).map(|s| s.kind), Some(MediaKind::Audio));
        let png = crate::fixtures::png_header(10, 10);
        assert_eq!(
            sniff_kind(&png).map(|s| s.to_string()).as_deref(),
            Some("PNG image")
        );
        assert_eq!(
            sniff_kind(b"ID3\x04\0\0").map(|s| s.kind),
            Some(MediaKind::Audio)
        );
        assert_eq!(
            sniff_kind(&[0xFF, 0xF1, 0x50, 0x80]).map(|s| s.format),
            Some("AAC".to_owned())
        );
        assert_eq!(sniff_kind(b"hello, world"), None);
        assert_eq!(sniff_kind(b""), None);
    }
}
