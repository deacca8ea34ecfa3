//! The commands that need no service: `models`, `schema`, `completions`,
//! `--help`.

use serde_json::Value;

use crate::common::command::{KLING, runcomfy};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_schema_and_completions_need_no_service() {
    let models = runcomfy(None, &["models"]).await;
    let ids: Vec<&str> = models.stdout.lines().collect();
    assert_eq!(ids.len(), 121, "the seed's model and the catalog's 120");
    for id in [
        KLING,
        "wan-ai/wan-3.0/text-to-video",
        "google/nano-banana-2-lite/text-to-image",
        "elevenlabs/elevenlabs/music-generation",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    let schema = runcomfy(None, &["schema", KLING]).await;
    let schema: Value = serde_json::from_str(&schema.stdout).expect("json");
    assert_eq!(schema["properties"]["prompt"]["maxLength"], 1391);
    let output = runcomfy(None, &["schema", KLING, "--output"]).await;
    assert!(output.stdout.contains("\"video\""));
    assert_eq!(runcomfy(None, &["schema", "acme/none"]).await.code, 64);
    let bash = runcomfy(None, &["completions", "bash"]).await;
    assert!(bash.stdout.contains("runcomfy"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_lists_the_commands_flags_and_exit_codes_of_costs_and_tokens() {
    let help = runcomfy(None, &["--help"]).await;
    assert_eq!(help.code, 0, "{}", help.explain());
    for said in [
        "balance",
        "--serverless-base-url",
        "token file of the provider's own CLI (`runcomfy login`)",
        "  64  usage error (including a request id that cannot be one, given or in a batch's journal)",
        "  77  missing, expired or rejected token",
        "or the balance cannot pay for",
    ] {
        assert!(help.stdout.contains(said), "{said:?} in {}", help.stdout);
    }
    for command in ["run", "batch"] {
        let help = runcomfy(None, &[command, "--help"]).await;
        assert!(
            help.stdout.contains("--estimate"),
            "{command}: {}",
            help.stdout
        );
    }
}
