//! How anything is shown: JSON or human text, remarks, the report of an error.
//!
//! A result goes to stdout as JSON (`--json`) or human text, remarks to
//! stderr (none with `-q`). The only module of the binary that decides
//! between JSON and text.

use std::io::IsTerminal as _;

use serde_json::{Value, json};

use crate::exit::CliError;

/// The choices of `--json`, `-q` and `-v`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub(crate) json: bool,
    pub(crate) quiet: bool,
    pub(crate) verbose: bool,
}

impl Output {
    /// Human text on stderr, unless quiet.
    pub(crate) fn say(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", text.as_ref());
        }
    }

    /// Human text on stderr with `-v` only (and never with `-q`).
    pub(crate) fn detail(&self, text: impl AsRef<str>) {
        if self.verbose {
            self.say(text);
        }
    }

    /// A result on stdout: JSON with `--json`, else the human text.
    pub(crate) fn print(&self, json: &Value, human: impl FnOnce() -> String) {
        if self.json {
            println!("{}", serde_json::to_string_pretty(json).unwrap_or_default());
        } else {
            let text = human();
            if !text.is_empty() {
                println!("{text}");
            }
        }
    }

    /// The error on stderr, and with `--json` its document on stdout.
    pub(crate) fn report(&self, error: &CliError) {
        // A batch's results and summary are its JSON document already.
        if self.json && !matches!(error, CliError::Batch { .. }) {
            let errors: Vec<Value> = error
                .field_errors()
                .iter()
                .map(|e| json!({"field": e.field(), "pointer": e.pointer, "message": e.message}))
                .collect();
            let document = json!({
                "error": {"kind": error.kind(), "message": error.to_string(), "request_id": error.request_id(), "exit_code": error.code(), "errors": errors}
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            );
        }
        let prefix = if std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal() {
            "\x1b[31merror\x1b[0m"
        } else {
            "error"
        };
        eprintln!("{prefix}: {error}");
    }
}
