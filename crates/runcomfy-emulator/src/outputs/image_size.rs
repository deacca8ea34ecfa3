//! The size of an image output, from what the input asks ([`SizeAsked`]):
//! explicit `width`/`height`, a named `image_size`, or an aspect ratio
//! (`16:9`; `auto` follows the input image) at a resolution (`1K`, `2K`,
//! `4K`: about (1024·N)² pixels; `1080p`: that short side). Pure.

/// The smallest side an image output has.
pub(crate) const MIN_SIDE: u32 = 16;
/// The largest side an image output has (an 8K frame's long side).
pub(crate) const MAX_SIDE: u32 = 8192;

/// What an input says of its output image's size; `None` where it says nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SizeAsked<'a> {
    /// `16:9`, `1:1`, `auto`, `adaptive`.
    pub(crate) aspect_ratio: Option<&'a str>,
    /// `1K`, `2k`, `4K`, `1080p`, `720P`.
    pub(crate) resolution: Option<&'a str>,
    /// A named size: `square_hd`, `landscape_16_9`, …
    pub(crate) image_size: Option<&'a str>,
    /// Explicit pixels, used when both are given.
    pub(crate) width: Option<u32>,
    /// Explicit pixels, used when both are given.
    pub(crate) height: Option<u32>,
}

/// The output's width and height for what the input asks; `source` is the
/// input image's size, which `auto` (or no aspect ratio) follows.
pub(crate) fn image_size(asked: SizeAsked<'_>, source: Option<(u32, u32)>) -> (u32, u32) {
    if let (Some(width), Some(height)) = (asked.width, asked.height) {
        return (clamped(width), clamped(height));
    }
    if let Some(size) = asked.image_size.and_then(named_size) {
        return size;
    }
    let (across, down) = asked
        .aspect_ratio
        .and_then(ratio)
        .or(source.filter(|(w, h)| *w > 0 && *h > 0))
        .unwrap_or((1, 1));
    let (across, down) = (f64::from(across), f64::from(down));
    let (width, height) = match asked.resolution.and_then(Resolution::parse) {
        Some(Resolution::ShortSide(short)) => {
            let short = f64::from(short);
            let long = |ratio: f64| (short * ratio / 2.0).round() * 2.0;
            if across >= down {
                (long(across / down), short)
            } else {
                (short, long(down / across))
            }
        }
        Some(Resolution::Kilo(n)) => area_sides(f64::from(n) * 1024.0, across, down),
        None => area_sides(1024.0, across, down),
    };
    (clamped_f64(width), clamped_f64(height))
}

/// How a resolution is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolution {
    /// `2K`: about (1024·N)² pixels.
    Kilo(u32),
    /// `1080p`: the short side.
    ShortSide(u32),
}

impl Resolution {
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_lowercase();
        if let Some(n) = text.strip_suffix('k') {
            return n.parse().ok().filter(|n| *n >= 1).map(Self::Kilo);
        }
        let n = text.strip_suffix('p')?;
        n.parse().ok().filter(|n| *n >= 1).map(Self::ShortSide)
    }
}

/// `W:H` (or `W/H`) as two positive numbers.
pub(crate) fn ratio(text: &str) -> Option<(u32, u32)> {
    let (across, down) = text.split_once(':').or_else(|| text.split_once('/'))?;
    let across: u32 = across.trim().parse().ok()?;
    let down: u32 = down.trim().parse().ok()?;
    (across > 0 && down > 0 && across <= 64 && down <= 64).then_some((across, down))
}

/// The sides of an image of `side`² pixels at `across:down`, each a
/// multiple of 16 as image models make them.
fn area_sides(side: f64, across: f64, down: f64) -> (f64, f64) {
    let scale = (across / down).sqrt();
    let sixteen = |length: f64| (length / 16.0).round().max(1.0) * 16.0;
    (sixteen(side * scale), sixteen(side / scale))
}

/// The sizes of the named `image_size` values.
fn named_size(name: &str) -> Option<(u32, u32)> {
    Some(match name {
        "square_hd" => (1024, 1024),
        "square" => (512, 512),
        "portrait_4_3" => (768, 1024),
        "portrait_16_9" => (576, 1024),
        "landscape_4_3" => (1024, 768),
        "landscape_16_9" => (1024, 576),
        _ => return None,
    })
}

fn clamped(side: u32) -> u32 {
    side.clamp(MIN_SIDE, MAX_SIDE)
}

fn clamped_f64(side: f64) -> u32 {
    side.clamp(f64::from(MIN_SIDE), f64::from(MAX_SIDE)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked<'a>(aspect_ratio: Option<&'a str>, resolution: Option<&'a str>) -> SizeAsked<'a> {
        SizeAsked {
            aspect_ratio,
            resolution,
            ..SizeAsked::default()
        }
    }

    #[test]
    fn the_size_follows_the_aspect_ratio_and_the_resolution() {
        for (aspect, resolution, source, size) in [
            (None, None, None, (1024, 1024)),
            (Some("1:1"), Some("1K"), None, (1024, 1024)),
            (Some("1:1"), Some("2K"), None, (2048, 2048)),
            (Some("1:1"), Some("4k"), None, (4096, 4096)),
            (Some("16:9"), Some("1K"), None, (1360, 768)),
            (Some("9:16"), Some("1k"), None, (768, 1360)),
            (Some("16:9"), Some("2K"), None, (2736, 1536)),
            (Some("4:3"), None, None, (1184, 880)),
            (Some("21:9"), Some("1K"), None, (1568, 672)),
            (Some("16:9"), Some("1080p"), None, (1920, 1080)),
            (Some("9:16"), Some("720P"), None, (720, 1280)),
            (Some("1:1"), Some("480p"), None, (480, 480)),
            (Some("auto"), Some("1K"), Some((1600, 900)), (1360, 768)),
            (Some("adaptive"), None, None, (1024, 1024)),
            (None, Some("1080p"), Some((1000, 2000)), (1080, 2160)),
            (Some("16:9"), Some("1K"), Some((100, 100)), (1360, 768)),
            (Some("16:9"), Some("ultra"), None, (1360, 768)),
            (Some("0:9"), None, None, (1024, 1024)),
        ] {
            assert_eq!(
                image_size(asked(aspect, resolution), source),
                size,
                "{aspect:?} {resolution:?} {source:?}"
            );
        }
    }

    #[test]
    fn explicit_pixels_and_named_sizes_come_first() {
        let explicit = SizeAsked {
            width: Some(800),
            height: Some(600),
            aspect_ratio: Some("1:1"),
            ..SizeAsked::default()
        };
        assert_eq!(image_size(explicit, None), (800, 600));
        let tiny = SizeAsked {
            width: Some(1),
            height: Some(99_999),
            ..SizeAsked::default()
        };
        assert_eq!(image_size(tiny, None), (MIN_SIDE, MAX_SIDE));
        for (name, size) in [
            ("square_hd", (1024, 1024)),
            ("square", (512, 512)),
            ("portrait_4_3", (768, 1024)),
            ("portrait_16_9", (576, 1024)),
            ("landscape_4_3", (1024, 768)),
            ("landscape_16_9", (1024, 576)),
        ] {
            let named = SizeAsked {
                image_size: Some(name),
                ..SizeAsked::default()
            };
            assert_eq!(image_size(named, None), size, "{name}");
        }
        assert_eq!(ratio("3/2"), Some((3, 2)));
        assert_eq!(ratio("wide"), None);
    }
}
