//! One model end to end: its minimal input built and validated, submitted
//! through the client, waited for, downloaded, and each file read by
//! ffprobe and judged against what the input asked.

use std::path::Path;
use std::time::{Duration, Instant};

use runcomfy::Client;
use runcomfy_testkit::ffprobe::ffprobe;
use runcomfy_types::ModelSpec;
use serde_json::Value;

use super::expect::Expected;
use super::input::minimal_input;
use super::report::ModelOutcome;
use super::validity::check_input;

/// How long one job may take, far beyond the emulator's scaled run times.
const JOB_TIMEOUT: Duration = Duration::from_secs(60);

/// The outcome of `spec`'s model, its files downloaded under `downloads`.
pub(super) async fn run_model(
    client: &Client,
    spec: &'static ModelSpec,
    downloads: &Path,
) -> ModelOutcome {
    let started = Instant::now();
    let verdict = attempt(client, spec, downloads).await;
    ModelOutcome {
        model: spec.id,
        kind: spec.output_kind.as_str(),
        verdict,
        elapsed: started.elapsed(),
    }
}

/// Every step in turn; an error names the step that failed.
async fn attempt(client: &Client, spec: &ModelSpec, downloads: &Path) -> Result<String, String> {
    let schema: Value = serde_json::from_str(spec.input_schema)
        .map_err(|e| format!("the input schema is not JSON: {e}"))?;
    let input = minimal_input(&schema);
    check_input(spec.input_schema, &input).await?;
    let handle = client
        .submit_json(spec.id, &input)
        .await
        .map_err(|e| format!("submit: {e}"))?;
    let output = handle
        .wait()
        .timeout(JOB_TIMEOUT)
        .await
        .map_err(|e| format!("wait: {e}"))?;
    let files = handle
        .download(&output, downloads.join(spec.id))
        .await
        .map_err(|e| format!("download: {e}"))?;
    if files.is_empty() {
        return Err("download: the result has no file".into());
    }
    let expected = Expected::of(spec.output_kind, &input);
    let mut found = Vec::new();
    for file in files {
        let path = file.path.clone();
        let probed = tokio::task::spawn_blocking(move || ffprobe(&path))
            .await
            .map_err(|e| format!("probe: {e}"))??;
        let name = file.path.file_name().unwrap_or_default().to_string_lossy();
        found.push(
            expected
                .judge(&probed)
                .map_err(|e| format!("{name}: {e}"))?,
        );
    }
    Ok(found.join(", "))
}
