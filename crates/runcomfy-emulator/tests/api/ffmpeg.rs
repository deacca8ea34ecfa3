//! ffprobe and ffmpeg on the emulator's videos, for tests that check what
//! it serves with the real tools (`.ci/run` installs them).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// ffprobe's JSON of `entries` (`stream=width,height`) of the MP4 at `path`.
pub(crate) fn ffprobe(path: &Path, entries: &str) -> Output {
    Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", entries, "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe is installed (.ci/run installs ffmpeg)")
}

/// The first frame of an MP4, decoded by ffmpeg: `(width, height, rgb24)`.
pub(crate) fn first_frame(mp4: &[u8]) -> (u64, u64, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("output.mp4");
    std::fs::write(&path, mp4).expect("write");
    let probe = ffprobe(&path, "stream=width,height");
    let streams: Value = serde_json::from_slice(&probe.stdout).expect("json");
    let size = |key: &str| streams["streams"][0][key].as_u64().expect("size");
    let frame = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&path)
        .args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg is installed (.ci/run installs it)");
    assert!(
        frame.status.success(),
        "{}",
        String::from_utf8_lossy(&frame.stderr)
    );
    (size("width"), size("height"), frame.stdout)
}
