//! What `cargo xtask emulate-all` says: one line a model (its verdict and
//! what ffprobe found, or the step that failed and why) and the summary
//! (`121 models: 121 ok`), with every failed model named.

use std::time::Duration;

/// How one model fared.
#[derive(Debug, Clone)]
pub struct ModelOutcome {
    /// The model id.
    pub model: &'static str,
    /// Its output kind, as the catalog writes it.
    pub kind: &'static str,
    /// What ffprobe found of its outputs, or the step that failed and why.
    pub verdict: Result<String, String>,
    /// From its input's build to its verdict.
    pub elapsed: Duration,
}

impl ModelOutcome {
    /// `ok      video  MODEL  h264 320x180 5.00 s  (0.4 s)`, or `FAILED`
    /// and the reason.
    pub fn line(&self) -> String {
        let (word, words) = match &self.verdict {
            Ok(found) => ("ok", found),
            Err(reason) => ("FAILED", reason),
        };
        let seconds = self.elapsed.as_secs_f64();
        format!(
            "{word:<7} {:<6} {}  {words}  ({seconds:.1} s)",
            self.kind, self.model
        )
    }
}

/// Every model's outcome, in id order, and how long the run took.
#[derive(Debug, Clone)]
pub struct Report {
    /// One outcome a model.
    pub outcomes: Vec<ModelOutcome>,
    /// From the emulator's start to the last model's verdict.
    pub elapsed: Duration,
}

impl Report {
    /// The models that failed, in id order.
    pub fn failed(&self) -> Vec<&'static str> {
        let failed = self.outcomes.iter().filter(|o| o.verdict.is_err());
        failed.map(|o| o.model).collect()
    }

    /// `121 models: 121 ok (34.2 s)`, or with the failed count and their ids.
    pub fn summary(&self) -> String {
        let failed = self.failed();
        let ok = self.outcomes.len() - failed.len();
        let seconds = self.elapsed.as_secs_f64();
        let mut summary = format!("{} models: {ok} ok", self.outcomes.len());
        if !failed.is_empty() {
            summary.push_str(&format!(", {} failed: {}", failed.len(), failed.join(", ")));
        }
        summary.push_str(&format!(" ({seconds:.1} s)"));
        summary
    }
}
