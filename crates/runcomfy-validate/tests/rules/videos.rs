//! Real MP4 files, made once per test binary by `ffmpeg` (on this machine
//! and installed by `.ci/run`): H.264 in an `avc1` sample entry or H.265 in
//! an `hvc1` one, with the `moov` box last (ffmpeg's default) or first
//! (`+faststart`).

use std::process::Command;
use std::sync::{LazyLock, Mutex};

/// Where a video's `moov` box is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Moov {
    First,
    Last,
}

/// How the video is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Codec {
    /// H.264 in an `avc1` sample entry.
    Avc1,
    /// H.265 in an `hvc1` sample entry.
    Hvc1,
}

/// Width, height, seconds, where `moov` is, the codec.
type Key = (u32, u32, u32, Moov, Codec);
/// The videos made so far, by what they were made of.
type Made = Vec<(Key, Vec<u8>)>;

static MADE: LazyLock<Mutex<Made>> = LazyLock::new(|| Mutex::new(Vec::new()));

/// An H.264 MP4 of `width` × `height` lasting `seconds` (a test pattern,
/// so that the media data grows with the length), `moov` where asked.
pub(crate) fn mp4(width: u32, height: u32, seconds: u32, moov: Moov) -> Vec<u8> {
    encoded((width, height, seconds, moov, Codec::Avc1))
}

/// An H.265 MP4 (`hvc1`) of `width` × `height`, one second, `moov` last.
pub(crate) fn hevc_mp4(width: u32, height: u32) -> Vec<u8> {
    encoded((width, height, 1, Moov::Last, Codec::Hvc1))
}

fn encoded(key: Key) -> Vec<u8> {
    let (width, height, seconds, moov, codec) = key;
    let mut made = MADE.lock().expect("the fixtures' lock");
    if let Some((_, bytes)) = made.iter().find(|(k, _)| *k == key) {
        return bytes.clone();
    }
    let name = format!(
        "runcomfy-validate-{}-{width}x{height}-{seconds}-{moov:?}-{codec:?}.mp4",
        std::process::id()
    );
    let path = std::env::temp_dir().join(name);
    let source = format!("testsrc=size={width}x{height}:duration={seconds}:rate=10");
    let mut command = Command::new("ffmpeg");
    command
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", &source])
        .args([
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-preset",
            "ultrafast",
        ]);
    if moov == Moov::First {
        command.args(["-movflags", "+faststart"]);
    }
    let status = command.arg(&path).status().expect("ffmpeg runs");
    assert!(status.success(), "ffmpeg made {}", path.display());
    let bytes = std::fs::read(&path).expect("ffmpeg's output");
    let _ = std::fs::remove_file(&path);
    made.push((key, bytes.clone()));
    bytes
}

/// Where the top-level box `kind` starts in `bytes`.
pub(crate) fn box_offset(bytes: &[u8], kind: &[u8; 4]) -> Option<usize> {
    let mut offset = 0;
    while offset + 8 <= bytes.len() {
        if &bytes[offset + 4..offset + 8] == kind {
            return Some(offset);
        }
        let size = u32::from_be_bytes(bytes[offset..offset + 4].try_into().ok()?);
        offset += usize::try_from(size).ok().filter(|s| *s >= 8)?;
    }
    None
}
