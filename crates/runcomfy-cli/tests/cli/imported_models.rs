//! `schema` and `validate` take every model this build knows, not only the
//! seed's: one imported model of each kind (video, image, audio), its
//! `--set` values coerced by its own types, checked with no service.

use serde_json::Value;

use crate::common::command::{runcomfy, start_image};

/// An imported model of each output kind, and `--set`s of a valid input.
const MODELS: [(&str, &str, &[&str]); 3] = [
    (
        "kling/kling-3.0/pro/image-to-video",
        "video",
        &[
            "prompt=a fox",
            "duration=10",
            "cfg_scale=0.5",
            "generate_audio=true",
        ],
    ),
    (
        "qwen/qwen-image-2.1/edit",
        "image",
        &["prompt=a fox", "seed=7", "enhance_prompt=false"],
    ),
    (
        "bytedance/seed-audio-1.0/text-to-audio",
        "audio",
        &["prompt=a fox", "pitch=-3", "speed=1.5"],
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_and_validate_take_an_imported_model_of_each_kind() {
    let image = format!("@{}", start_image());
    for (model, kind, sets) in MODELS {
        let schema = runcomfy(None, &["schema", model]).await;
        assert_eq!(schema.code, 0, "{model}: {}", schema.explain());
        let schema: Value = serde_json::from_str(&schema.stdout).expect("json");
        assert!(schema["properties"]["prompt"].is_object(), "{model}");
        let output = runcomfy(None, &["schema", model, "--output"]).await;
        assert!(
            output.stdout.contains(&format!("\"{kind}\"")),
            "{model}: {}",
            output.stdout
        );

        let mut args = vec!["validate", model];
        for set in sets {
            args.extend(["--set", set]);
        }
        let media = match kind {
            "video" => format!("start_image_url={image}"),
            "image" => format!("image_urls={image}"),
            _ => String::new(),
        };
        if !media.is_empty() {
            args.extend(["--set", &media]);
        }
        let valid = runcomfy(None, &args).await;
        valid.assert_says(0, &format!("valid input for {model}"));

        let wrong_type = runcomfy(
            None,
            &[
                "validate",
                model,
                "--set",
                "prompt=a fox",
                "--set",
                "nonsense=1",
            ],
        )
        .await;
        assert_eq!(wrong_type.code, 65, "{model}: {}", wrong_type.explain());
    }
}
