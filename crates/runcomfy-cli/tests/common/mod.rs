//! What the CLI's end-to-end tests share.

use std::path::Path;

use serde_json::Value;

/// Checks `document` against `schemas/cli/<schema_file>`.
pub(crate) fn check_schema(schema_file: &str, document: &Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas/cli")
        .join(schema_file);
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("json");
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{document} breaks {schema_file}: {errors:?}"
    );
}

/// Sends SIGINT (Ctrl-C) to `child`.
pub(crate) fn send_sigint(child: &tokio::process::Child) {
    let pid = child.id().expect("still running").to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
}

/// A child's stderr, read line by line, with everything read kept.
pub(crate) struct Stderr {
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStderr>>,
    /// Every line read so far.
    pub(crate) seen: String,
}

impl Stderr {
    /// Takes `child`'s piped stderr.
    pub(crate) fn of(child: &mut tokio::process::Child) -> Self {
        use tokio::io::AsyncBufReadExt as _;
        let pipe = child.stderr.take().expect("stderr is piped");
        Self {
            lines: tokio::io::BufReader::new(pipe).lines(),
            seen: String::new(),
        }
    }

    /// Reads up to and including a line that starts with `prefix`; false
    /// when stderr ends first.
    pub(crate) async fn until(&mut self, prefix: &str) -> bool {
        while let Some(line) = self.next().await {
            if line.starts_with(prefix) {
                return true;
            }
        }
        false
    }

    /// The next line, kept in `seen`.
    async fn next(&mut self) -> Option<String> {
        let line = self.lines.next_line().await.ok()??;
        self.seen.push_str(&line);
        self.seen.push('\n');
        Some(line)
    }
}
