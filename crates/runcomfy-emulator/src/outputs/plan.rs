//! What a job's output files will be ([`Render`]), decided at submit from
//! its model's output kind, what the input asks and the start picture: a
//! video's length and size, an image's size, format and count, audio's
//! length and sample rate.

use std::sync::Arc;

use image::RgbImage;

use crate::durations::{DEFAULT_AUDIO_SECS, DEFAULT_VIDEO_SECS, Workload};
use crate::kind::OutputKind;
use crate::outputs::asked::Asked;
use crate::outputs::image_size::{SizeAsked, image_size, ratio};
use crate::outputs::still::StillFormat;
use crate::outputs::wav::{DEFAULT_SAMPLE_RATE, MAX_AUDIO_SECS};
use crate::start::video_size;
use crate::video::{DEFAULT_HEIGHT, DEFAULT_WIDTH, Frame, MAX_DURATION_SECS};

/// The most images one job makes.
const MAX_IMAGES: u32 = 8;

/// A start picture, decoded for the kind of output that shows it.
#[derive(Debug, Clone)]
pub(crate) enum Picture {
    /// A video's still picture, at the video's size.
    Frame(Arc<Frame>),
    /// An image output's source, scaled to fill each image.
    Image(Arc<RgbImage>),
}

/// What a job's output files are.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Render {
    /// An H.264 MP4 of `secs` seconds showing the start picture, or the
    /// seeded pattern at `width` × `height`.
    Video {
        /// Its length.
        secs: u32,
        /// Its width, the start picture's when there is one.
        width: u32,
        /// Its height, the start picture's when there is one.
        height: u32,
        /// The start picture.
        start: Option<Arc<Frame>>,
    },
    /// `count` images of `width` × `height` in `format`.
    Image {
        /// Each image's width.
        width: u32,
        /// Each image's height.
        height: u32,
        /// Their file format.
        format: StillFormat,
        /// How many.
        count: u32,
        /// The input picture each one shows.
        source: Option<Arc<RgbImage>>,
    },
    /// A WAV of `secs` seconds at `sample_rate`.
    Audio {
        /// Its length.
        secs: f64,
        /// Samples a second.
        sample_rate: u32,
    },
}

impl Render {
    /// The output of a job of `kind` asking for `asked`, with its start
    /// picture when the input has one the emulator could read.
    pub(crate) fn plan(kind: OutputKind, asked: &Asked, picture: Option<Picture>) -> Self {
        match kind {
            OutputKind::Image => {
                let source = match picture {
                    Some(Picture::Image(source)) => Some(source),
                    _ => None,
                };
                let size = SizeAsked {
                    aspect_ratio: asked.aspect_ratio.as_deref(),
                    resolution: asked.resolution.as_deref(),
                    image_size: asked.image_size.as_deref(),
                    width: asked.width,
                    height: asked.height,
                };
                let (width, height) = image_size(size, source.as_ref().map(|s| s.dimensions()));
                Self::Image {
                    width,
                    height,
                    format: StillFormat::asked(asked.output_format.as_deref()),
                    count: asked.count.unwrap_or(1).clamp(1, MAX_IMAGES),
                    source,
                }
            }
            OutputKind::Audio => Self::Audio {
                secs: asked
                    .seconds
                    .unwrap_or(DEFAULT_AUDIO_SECS)
                    .min(MAX_AUDIO_SECS),
                sample_rate: sample_rate(asked),
            },
            OutputKind::Video => video(asked, picture),
        }
    }

    /// What its run time is drawn for.
    pub(crate) fn workload(&self) -> Workload {
        let (kind, requested_secs) = match self {
            Self::Video { secs, .. } => (OutputKind::Video, Some(f64::from(*secs))),
            Self::Image { .. } => (OutputKind::Image, None),
            Self::Audio { secs, .. } => (OutputKind::Audio, Some(*secs)),
        };
        Workload {
            kind,
            requested_secs,
        }
    }

    /// How many outputs it makes (images may be several).
    pub(crate) fn count(&self) -> u32 {
        match self {
            Self::Image { count, .. } => *count,
            Self::Video { .. } | Self::Audio { .. } => 1,
        }
    }

    /// The seconds a per-second price charges: the video's or the audio's
    /// length (whole seconds, rounded up); none for images.
    pub(crate) fn charged_secs(&self) -> u32 {
        match self {
            Self::Video { secs, .. } => *secs,
            Self::Audio { secs, .. } => secs.ceil() as u32,
            Self::Image { .. } => 0,
        }
    }

    /// Its files' name extension.
    pub(crate) fn extension(&self) -> &'static str {
        match self {
            Self::Video { .. } => "mp4",
            Self::Image { format, .. } => format.extension(),
            Self::Audio { .. } => "wav",
        }
    }
}

/// A video: whole seconds within the writer's bounds; the start picture's
/// size, else the aspect ratio asked for at a long side of 320 pixels.
fn video(asked: &Asked, picture: Option<Picture>) -> Render {
    let secs = asked
        .seconds
        .unwrap_or(DEFAULT_VIDEO_SECS)
        .round()
        .clamp(1.0, f64::from(MAX_DURATION_SECS)) as u32;
    let start = match picture {
        Some(Picture::Frame(frame)) => Some(frame),
        _ => None,
    };
    let (width, height) = match &start {
        Some(frame) => (frame.width(), frame.height()),
        None => asked
            .aspect_ratio
            .as_deref()
            .and_then(ratio)
            .and_then(|(across, down)| video_size(across, down))
            .unwrap_or((DEFAULT_WIDTH, DEFAULT_HEIGHT)),
    };
    Render::Video {
        secs,
        width,
        height,
        start,
    }
}

/// The sample rate asked for (`sample_rate`, or the rate an
/// `output_format` such as `wav_16khz` names), else CD quality.
fn sample_rate(asked: &Asked) -> u32 {
    let named = match asked.output_format.as_deref() {
        Some("wav_16khz") => Some(16_000),
        Some("wav_22khz") => Some(22_050),
        Some("wav_24khz") => Some(24_000),
        Some("wav_cd_quality") => Some(44_100),
        _ => None,
    };
    asked
        .sample_rate
        .filter(|rate| (8_000..=192_000).contains(rate))
        .or(named)
        .unwrap_or(DEFAULT_SAMPLE_RATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(seconds: Option<f64>, aspect_ratio: Option<&str>) -> Asked {
        Asked {
            seconds,
            aspect_ratio: aspect_ratio.map(str::to_owned),
            ..Asked::default()
        }
    }

    #[test]
    fn a_video_has_the_length_and_shape_asked_for() {
        for (asked, want) in [
            (asking(None, None), (5, 320, 180)),
            (asking(Some(10.0), Some("9:16")), (10, 180, 320)),
            (asking(Some(7.4), Some("1:1")), (7, 320, 320)),
            (asking(Some(0.2), Some("auto")), (1, 320, 180)),
            (asking(Some(9_999.0), None), (MAX_DURATION_SECS, 320, 180)),
        ] {
            let Render::Video {
                secs,
                width,
                height,
                ..
            } = Render::plan(OutputKind::Video, &asked, None)
            else {
                panic!("a video");
            };
            assert_eq!((secs, width, height), want, "{asked:?}");
        }
        let frame = Arc::new(Frame::pattern(240, 320, 1));
        let framed = Render::plan(
            OutputKind::Video,
            &asking(None, Some("16:9")),
            Some(Picture::Frame(frame.clone())),
        );
        assert_eq!(
            framed,
            Render::Video {
                secs: 5,
                width: 240,
                height: 320,
                start: Some(frame)
            },
            "the start picture's shape wins"
        );
        assert_eq!(framed.workload(), Workload::video(5));
        assert_eq!((framed.charged_secs(), framed.count()), (5, 1));
    }

    #[test]
    fn images_and_audio_follow_their_fields() {
        let asked = Asked {
            aspect_ratio: Some("16:9".into()),
            output_format: Some("jpeg".into()),
            count: Some(3),
            ..Asked::default()
        };
        let images = Render::plan(OutputKind::Image, &asked, None);
        assert_eq!(
            images,
            Render::Image {
                width: 1360,
                height: 768,
                format: StillFormat::Jpeg,
                count: 3,
                source: None
            }
        );
        assert_eq!(
            (images.extension(), images.count(), images.charged_secs()),
            ("jpg", 3, 0)
        );
        let source = Arc::new(RgbImage::new(300, 600));
        let auto = Render::plan(
            OutputKind::Image,
            &Asked::default(),
            Some(Picture::Image(source)),
        );
        assert!(
            matches!(
                auto,
                Render::Image {
                    width: 720,
                    height: 1456,
                    ..
                }
            ),
            "{auto:?}"
        );
        for (asked, want) in [
            (Asked::default(), (DEFAULT_AUDIO_SECS, DEFAULT_SAMPLE_RATE)),
            (
                Asked {
                    seconds: Some(12.5),
                    output_format: Some("wav_16khz".into()),
                    ..Asked::default()
                },
                (12.5, 16_000),
            ),
            (
                Asked {
                    seconds: Some(9_000.0),
                    sample_rate: Some(8_000),
                    ..Asked::default()
                },
                (MAX_AUDIO_SECS, 8_000),
            ),
        ] {
            let audio = Render::plan(OutputKind::Audio, &asked, None);
            assert_eq!(
                audio,
                Render::Audio {
                    secs: want.0,
                    sample_rate: want.1
                }
            );
            assert_eq!(audio.extension(), "wav");
        }
        let audio = Render::plan(OutputKind::Audio, &asking(Some(2.5), None), None);
        assert_eq!(audio.charged_secs(), 3, "a started second counts");
        assert_eq!(audio.workload().requested_secs, Some(2.5));
    }
}
