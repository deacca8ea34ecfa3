//! The commands that need no service: `models`, `schema`, `completions`.

use serde_json::Value;

use crate::common::command::{KLING, runcomfy};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_schema_and_completions_need_no_service() {
    let models = runcomfy(None, &["models"]).await;
    assert_eq!(models.stdout.trim(), KLING);
    let schema = runcomfy(None, &["schema", KLING]).await;
    let schema: Value = serde_json::from_str(&schema.stdout).expect("json");
    assert_eq!(schema["properties"]["prompt"]["maxLength"], 1391);
    let output = runcomfy(None, &["schema", KLING, "--output"]).await;
    assert!(output.stdout.contains("\"video\""));
    assert_eq!(runcomfy(None, &["schema", "acme/none"]).await.code, 64);
    let bash = runcomfy(None, &["completions", "bash"]).await;
    assert!(bash.stdout.contains("runcomfy"));
}
