//! The batch's inputs: one JSONL line per input, told apart by its prompt.

use runcomfy_validate::fixtures::png_data_uri;
use serde_json::json;

/// The model every chaos input goes to.
pub const MODEL_ID: &str = "kling/kling-1-6/pro/image-to-video";

/// The prompt of input `line` (1-based): the emulator lists jobs by it.
pub fn prompt(line: usize) -> String {
    format!("chaos input {line}")
}

/// Input `line` as a JSONL line: the start image as a `data:` URI of a PNG
/// header saying 1280×720 (all the media rules read).
pub fn input_line(line: usize) -> String {
    json!({"image_url": png_data_uri(1280, 720), "prompt": prompt(line), "duration": 5}).to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn inputs_are_one_json_object_per_line_with_their_prompt() {
        let line: Value = serde_json::from_str(&input_line(12)).expect("json");
        assert_eq!(line["prompt"], "chaos input 12");
        assert!(
            line["image_url"]
                .as_str()
                .is_some_and(|u| u.starts_with("data:image/png;base64,"))
        );
    }
}
