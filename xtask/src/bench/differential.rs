//! The differential: our validator's verdicts against Python
//! `jsonschema`'s on inputs generated from the schema
//! (`crates/runcomfy-validate/examples/differential.rs`), as one row.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use super::cargo::cargo;
use super::python::python_with_jsonschema;
use super::row::Row;

/// The scenario's name in the table when it has no figures.
const NAME: &str = "1b. differential";

/// The example that compares the verdicts, as `cargo run` and the up-front
/// `cargo build` both name it: alone in its package set, its features are
/// not the benchmarks', so the benchmarks' build does not serve it.
pub(super) const EXAMPLE: [&str; 6] = [
    "-q",
    "--release",
    "-p",
    "runcomfy-validate",
    "--example",
    "differential",
];

/// The differential: our verdicts against Python's on inputs generated from
/// the schema (`examples/differential.rs`).
pub(super) fn differential(root: &Path, out: &Path, quick: bool) -> Row {
    let started = Instant::now();
    let cases = if quick { "500" } else { "5000" };
    print!("--- {NAME}: our verdicts against Python jsonschema's on {cases} generated inputs");
    let row = match python_with_jsonschema(out) {
        Err(why) => Row::missing(NAME, format!("Python side not run: {why}")),
        Ok(python) => {
            let output = Command::new(cargo())
                .current_dir(root)
                .arg("run")
                .args(EXAMPLE)
                .args(["--", "--json", "--cases", cases])
                .arg("--python")
                .arg(&python)
                .stdin(Stdio::null())
                .output();
            match output {
                Err(error) => Row::missing(NAME, format!("cargo: {error}")),
                Ok(output) => differential_row(out, &output),
            }
        }
    };
    println!(" ({:.0} s)", started.elapsed().as_secs_f64());
    row
}

fn differential_row(out: &Path, output: &std::process::Output) -> Row {
    let log = out.join("differential.log");
    let _ = std::fs::write(&log, &output.stderr);
    let summary = serde_json::from_slice::<Value>(&output.stdout).ok();
    let number = |key: &str| {
        summary
            .as_ref()
            .and_then(|s| s.get(key))
            .and_then(Value::as_f64)
    };
    let (Some(cases), Some(unexplained)) = (number("cases"), number("unexplained_mismatches"))
    else {
        return Row::missing(NAME, format!("no summary; see {}", log.display()));
    };
    Row {
        scenario: format!(
            "differential: verdicts unlike Python jsonschema's ({} explained)",
            number("explained_mismatches").unwrap_or(0.0)
        ),
        unit: "inputs".into(),
        ours: unexplained,
        baseline: Some(cases),
        baseline_name: Some("generated inputs compared".into()),
        ratio: None,
        target: "0 unexplained".into(),
        pass: Some(unexplained == 0.0 && output.status.success()),
    }
}
