//! The output schema of an imported model, by its output kind (no public
//! source gives the models' own): a video model's `output` holds `video`
//! (one URL) or `videos`, an image model's `image` or `images`, an audio
//! model's `audio` (one URL or a list). Other keys stay allowed, as the
//! client keeps keys it does not know.

use serde_json::{Value, json};

use super::kind::OutputKind;

/// The schema `output.json` holds for a model of this kind.
pub fn for_kind(model_id: &str, kind: OutputKind) -> Value {
    let (keys, properties) = match kind {
        OutputKind::Video => (
            "`video` or `videos`",
            json!({"video": url("single video URL"), "videos": urls("multiple video URLs")}),
        ),
        OutputKind::Image => (
            "`image` or `images`",
            json!({"image": url("single image URL"), "images": urls("multiple image URLs")}),
        ),
        OutputKind::Audio => (
            "`audio`",
            json!({"audio": {
                "description": "audio URL, or a list of them",
                "anyOf": [url("single audio URL"), urls("multiple audio URLs")]
            }}),
        ),
    };
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Output",
        "description": format!(
            "The `output` object of a succeeded result of {model_id} (output kind {}: it answers with {keys}; other keys may come and are kept).",
            kind.name()
        ),
        "type": "object",
        "properties": properties
    })
}

fn url(description: &str) -> Value {
    json!({"description": description, "type": "string", "format": "uri"})
}

fn urls(description: &str) -> Value {
    json!({"description": description, "type": "array", "items": {"type": "string", "format": "uri"}})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(kind: OutputKind, output: Value) -> bool {
        let schema = for_kind("a/b", kind);
        runcomfy_validate::Validator::new(&schema)
            .expect("compiles")
            .is_valid(&output)
    }

    #[test]
    fn each_kind_reads_its_keys_and_keeps_others() {
        let url = "https://x.runcomfy.net/a";
        assert!(valid(OutputKind::Video, json!({"video": url, "seed": 3})));
        assert!(valid(OutputKind::Video, json!({"videos": [url]})));
        assert!(!valid(OutputKind::Video, json!({"video": [url]})));
        assert!(valid(
            OutputKind::Image,
            json!({"images": [url], "width": 9})
        ));
        assert!(valid(OutputKind::Audio, json!({"audio": url})));
        assert!(valid(OutputKind::Audio, json!({"audio": [url, url]})));
        assert!(!valid(OutputKind::Audio, json!({"audio": 3})));
    }
}
