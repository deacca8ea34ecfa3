//! Checks the hand-written H.264/MP4 writer against the real `ffprobe` and
//! `ffmpeg` tools. These tests FAIL (they do not skip) when the tools are
//! missing: CI installs ffmpeg.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use runcomfy_emulator::video::{Frame, VideoError, VideoSpec, render_mp4};

/// A file in the system temp dir, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn with_bytes(bytes: &[u8]) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "runcomfy-video-test-{}-{}.mp4",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, bytes).expect("write temp mp4");
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn render(spec: VideoSpec, seed: u64) -> Vec<u8> {
    let frame = Frame::pattern(spec.width, spec.height, seed);
    render_mp4(&spec, &frame).expect("valid spec renders")
}

fn run(program: &str, args: &[&str], file: &Path) -> std::process::Output {
    let mut command = Command::new(program);
    for arg in args {
        if *arg == "{file}" {
            command.arg(file);
        } else {
            command.arg(arg);
        }
    }
    command.output().unwrap_or_else(|error| {
        panic!("could not run `{program}` ({error}); install ffmpeg (apt-get install -y ffmpeg)")
    })
}

fn ffprobe(file: &Path) -> serde_json::Value {
    let output = run(
        "ffprobe",
        &[
            "-v",
            "error",
            "-show_entries",
            "stream=codec_name,codec_type,width,height,nb_frames,duration",
            "-show_entries",
            "format=duration,format_name",
            "-of",
            "json",
            "{file}",
        ],
        file,
    );
    assert!(
        output.status.success(),
        "ffprobe failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "ffprobe complained: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("ffprobe prints JSON")
}

/// Decodes every frame; ffmpeg must exit 0 and print nothing at `-v error`.
fn assert_decodes_cleanly(file: &Path) {
    let output = run(
        "ffmpeg",
        &["-v", "error", "-i", "{file}", "-f", "null", "-"],
        file,
    );
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "ffmpeg decode failed (status {:?}): {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `ffmpeg -v error -i <file>` with `args` (what to decode, in what
/// form); it must exit 0 and print nothing. Returns what it wrote to stdout.
fn ffmpeg_output(file: &Path, args: &[&str]) -> Vec<u8> {
    let mut all = vec!["-v", "error", "-i", "{file}"];
    all.extend_from_slice(args);
    let output = run("ffmpeg", &all, file);
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn as_f64(value: &serde_json::Value) -> f64 {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("expected a numeric string, got {value}"))
}

fn assert_probe(spec: VideoSpec, seed: u64) {
    let bytes = render(spec, seed);
    let file = TempFile::with_bytes(&bytes);
    let probe = ffprobe(file.path());
    let streams = probe["streams"].as_array().expect("streams array");
    assert_eq!(streams.len(), 1, "exactly one stream: {probe}");
    let stream = &streams[0];
    assert_eq!(stream["codec_name"], "h264", "{probe}");
    assert_eq!(stream["codec_type"], "video", "{probe}");
    assert_eq!(stream["width"], spec.width, "{probe}");
    assert_eq!(stream["height"], spec.height, "{probe}");
    let expected_frames = spec.duration_secs * spec.fps;
    assert_eq!(stream["nb_frames"], expected_frames.to_string(), "{probe}");
    let expected = f64::from(spec.duration_secs);
    let stream_duration = as_f64(&stream["duration"]);
    assert!((stream_duration - expected).abs() < 0.05, "{probe}");
    let format_duration = as_f64(&probe["format"]["duration"]);
    assert!((format_duration - expected).abs() < 0.05, "{probe}");
    let format_name = probe["format"]["format_name"]
        .as_str()
        .expect("format_name");
    assert!(format_name.contains("mp4"), "{probe}");
    assert_decodes_cleanly(file.path());
}

#[test]
fn five_second_video_probes_as_h264_320x180() {
    assert_probe(VideoSpec::new(5), 1);
}

#[test]
fn ten_second_video_probes_as_h264_320x180() {
    assert_probe(VideoSpec::new(10), 2);
}

#[test]
fn other_sizes_and_rates_probe_and_decode() {
    let specs = [
        // Smallest: a single macroblock, one frame per second.
        VideoSpec {
            width: 16,
            height: 16,
            duration_secs: 1,
            fps: 1,
        },
        // Cropped on the right and at the bottom.
        VideoSpec {
            width: 330,
            height: 186,
            duration_secs: 2,
            fps: 30,
        },
        // Portrait, MB-aligned, no cropping; frame_num wraps many times.
        VideoSpec {
            width: 176,
            height: 320,
            duration_secs: 3,
            fps: 60,
        },
        VideoSpec {
            width: 1280,
            height: 720,
            duration_secs: 1,
            fps: 25,
        },
    ];
    for (seed, spec) in specs.into_iter().enumerate() {
        assert_probe(spec, seed as u64);
    }
}

#[test]
fn largest_spec_renders_and_decodes() {
    let spec = VideoSpec {
        width: 4096,
        height: 4096,
        duration_secs: 600,
        fps: 60,
    };
    let bytes = render(spec, 9);
    let file = TempFile::with_bytes(&bytes);
    let probe = ffprobe(file.path());
    assert_eq!(probe["streams"][0]["width"], 4096, "{probe}");
    assert_eq!(probe["streams"][0]["nb_frames"], "36000", "{probe}");
    // Decoding 36 000 frames would be slow; the first carries all the data and
    // the next 19 are skip pictures (frame_num wraps after 16) with an
    // mb_skip_run of 65 536.
    ffmpeg_output(file.path(), &["-frames:v", "20", "-f", "null", "-"]);
}

#[test]
fn output_is_deterministic_per_seed_and_small() {
    let a = render(VideoSpec::new(5), 42);
    let b = render(VideoSpec::new(5), 42);
    let c = render(VideoSpec::new(5), 43);
    assert!(a == b, "same seed must give identical bytes");
    assert!(a != c, "different seeds must give different bytes");
    let ten = render(VideoSpec::new(10), 42);
    assert!(a.len() < 300_000, "5 s file is {} bytes", a.len());
    assert!(ten.len() < 300_000, "10 s file is {} bytes", ten.len());
    assert!(ten.len() > a.len(), "10 s has more samples than 5 s");
    // Frames are also deterministic on their own.
    let fa = Frame::pattern(320, 180, 7);
    let fb = Frame::pattern(320, 180, 7);
    assert!(fa == fb);
}

/// Top-level boxes, in order: ftyp, moov, mdat, covering the whole file.
#[test]
fn moov_comes_before_mdat() {
    let bytes = render(VideoSpec::new(5), 3);
    let mut kinds = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        let size = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        assert!(size >= 8, "box size {size} at {at}");
        kinds.push(String::from_utf8_lossy(&bytes[at + 4..at + 8]).into_owned());
        at += size;
    }
    assert_eq!(at, bytes.len(), "boxes cover the file exactly");
    assert_eq!(kinds, ["ftyp", "moov", "mdat"]);
}

#[test]
fn bad_specs_are_errors_not_panics() {
    let good = VideoSpec::new(5);
    let with = |change: fn(&mut VideoSpec)| {
        let mut spec = good;
        change(&mut spec);
        spec
    };
    let bad = [
        with(|s| s.width = 321),
        with(|s| s.height = 181),
        with(|s| s.duration_secs = 0),
        with(|s| s.duration_secs = 601),
        with(|s| s.fps = 0),
        with(|s| s.fps = 61),
        with(|s| s.width = 4098),
        with(|s| s.height = 8192),
        with(|s| s.width = 14),
        with(|s| s.width = 0),
        VideoSpec {
            width: u32::MAX - 1,
            height: u32::MAX - 1,
            duration_secs: u32::MAX,
            fps: u32::MAX,
        },
    ];
    // Validation happens before the frame is looked at.
    let small = Frame::pattern(16, 16, 1);
    for spec in bad {
        match render_mp4(&spec, &small) {
            Err(VideoError::BadSpec(message)) => assert!(!message.is_empty()),
            other => panic!(
                "{spec:?} should be BadSpec, got {:?}",
                other.map(|v| v.len())
            ),
        }
    }
    // A valid spec with a frame of another size.
    let frame = Frame::pattern(640, 360, 1);
    assert!(matches!(
        render_mp4(&good, &frame),
        Err(VideoError::FrameSizeMismatch {
            spec_width: 320,
            spec_height: 180,
            frame_width: 640,
            frame_height: 360,
        })
    ));
}

#[test]
fn from_rgb_rejects_bad_input() {
    let rgb = vec![0u8; 4 * 4 * 3];
    assert!(Frame::from_rgb(320, 180, 4, 4, &rgb).is_some());
    assert!(
        Frame::from_rgb(320, 180, 4, 5, &rgb).is_none(),
        "length mismatch"
    );
    assert!(
        Frame::from_rgb(320, 180, 4, 4, &rgb[1..]).is_none(),
        "length mismatch"
    );
    assert!(Frame::from_rgb(0, 180, 4, 4, &rgb).is_none());
    assert!(Frame::from_rgb(320, 0, 4, 4, &rgb).is_none());
    assert!(Frame::from_rgb(320, 180, 0, 4, &[]).is_none());
    assert!(Frame::from_rgb(320, 180, 4, 0, &[]).is_none());
    assert!(Frame::from_rgb(320, 180, u32::MAX, u32::MAX, &rgb).is_none());
}

/// Decodes frame 0 to RGB and returns the pixel at (x, y).
fn decoded_pixel(file: &Path, width: u32, height: u32, x: u32, y: u32) -> [u8; 3] {
    let stdout = ffmpeg_output(
        file,
        &["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
    );
    assert_eq!(stdout.len(), (width * height * 3) as usize);
    let at = ((y * width + x) * 3) as usize;
    [stdout[at], stdout[at + 1], stdout[at + 2]]
}

#[test]
fn from_rgb_red_image_decodes_reddish() {
    let (src_w, src_h) = (640u32, 360u32);
    let rgb: Vec<u8> = (0..src_w * src_h).flat_map(|_| [255u8, 0, 0]).collect();
    let spec = VideoSpec::new(5);
    let frame = Frame::from_rgb(spec.width, spec.height, src_w, src_h, &rgb).expect("valid image");
    let bytes = render_mp4(&spec, &frame).expect("renders");
    let file = TempFile::with_bytes(&bytes);
    let [r, g, b] = decoded_pixel(file.path(), spec.width, spec.height, 160, 90);
    assert!(r > 180 && g < 80 && b < 80, "centre pixel is {r},{g},{b}");
}

#[test]
fn from_rgb_keeps_layout() {
    // Left half blue, right half green, scaled down 2x: orientation and
    // nearest-neighbour scaling survive the round trip through ffmpeg.
    let (src_w, src_h) = (640u32, 360u32);
    let rgb: Vec<u8> = (0..src_h)
        .flat_map(|_| {
            (0..src_w).flat_map(|x| {
                if x < src_w / 2 {
                    [0u8, 0, 255]
                } else {
                    [0, 255, 0]
                }
            })
        })
        .collect();
    let spec = VideoSpec::new(1);
    let frame = Frame::from_rgb(spec.width, spec.height, src_w, src_h, &rgb).expect("valid image");
    let file = TempFile::with_bytes(&render_mp4(&spec, &frame).expect("renders"));
    let [r, g, b] = decoded_pixel(file.path(), spec.width, spec.height, 40, 170);
    assert!(b > 180 && r < 80 && g < 80, "left pixel is {r},{g},{b}");
    let [r, g, b] = decoded_pixel(file.path(), spec.width, spec.height, 280, 170);
    assert!(g > 180 && r < 80 && b < 80, "right pixel is {r},{g},{b}");
}

/// I_PCM is lossless: the decoded picture (every frame, since the others
/// are skipped copies) equals the frame's planes byte for byte, also when the
/// size needs cropping.
#[test]
fn decoded_pictures_equal_the_frame_exactly() {
    for (width, height) in [(320, 180), (330, 186), (48, 32)] {
        let spec = VideoSpec {
            width,
            height,
            duration_secs: 1,
            fps: 4,
        };
        let frame = Frame::pattern(width, height, u64::from(width));
        let file = TempFile::with_bytes(&render_mp4(&spec, &frame).expect("renders"));
        let stdout = ffmpeg_output(file.path(), &["-f", "rawvideo", "-pix_fmt", "yuv420p", "-"]);
        let picture: Vec<u8> = frame.planes().concat();
        assert_eq!(stdout.len(), picture.len() * 4, "{width}x{height}");
        for (index, decoded) in stdout.chunks(picture.len()).enumerate() {
            assert!(
                decoded == picture,
                "{width}x{height}: frame {index} differs"
            );
        }
    }
}
