//! What ffprobe says of a media file: its first stream's codec, size and
//! duration, for the end-to-end checks of the emulator's outputs (`.ci/run`
//! installs ffmpeg).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The first stream of a file, as ffprobe reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Probed {
    /// ffprobe's codec name: `h264`, `png`, `mjpeg`, `webp`, `pcm_s16le`.
    pub codec: String,
    /// The picture's width (none for audio).
    pub width: Option<u64>,
    /// The picture's height (none for audio).
    pub height: Option<u64>,
    /// The stream's length in seconds (none for a still image).
    pub duration: Option<f64>,
}

/// Runs `ffprobe -v error -show_entries stream=codec_name,width,height,duration
/// -of json` on `path`; an error says what went wrong in words.
pub fn ffprobe(path: &Path) -> Result<Probed, String> {
    let entries = "stream=codec_name,width,height,duration";
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", entries, "-of", "json"])
        .arg(path)
        .output()
        .map_err(|e| format!("ffprobe could not run (is ffmpeg installed?): {e}"))?;
    if !output.status.success() {
        let words = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "ffprobe refused {}: {}",
            path.display(),
            words.trim()
        ));
    }
    let answer: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("ffprobe's answer is not JSON: {e}"))?;
    let stream = &answer["streams"][0];
    let codec = stream["codec_name"]
        .as_str()
        .ok_or_else(|| format!("ffprobe found no stream in {}", path.display()))?;
    Ok(Probed {
        codec: codec.to_owned(),
        width: stream["width"].as_u64(),
        height: stream["height"].as_u64(),
        duration: stream["duration"].as_str().and_then(|d| d.parse().ok()),
    })
}
