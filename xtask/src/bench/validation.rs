//! Scenario 1, validation: criterion's figure for our validator beside
//! Python `jsonschema`'s on the same schema and inputs, then the
//! differential.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use super::cargo::bench_command;
use super::differential::differential;
use super::python::python_with_jsonschema;
use super::row::Row;
use crate::files::write;

/// The scenario's name in the table when it has no figures.
const NAME: &str = "1. validation";

/// The criterion function whose estimate is the validation figure, and how
/// many validations one iteration makes (every valid example).
const CRITERION_ESTIMATE: &str = "kling_input/runcomfy_validate_valid_examples/new/estimates.json";
/// The folder of the inputs both validators time.
const VALID_EXAMPLES: &str = "schemas/examples/kling/kling-1-6/pro/image-to-video/valid";
const INPUT_SCHEMA: &str = "schemas/models/kling/kling-1-6/pro/image-to-video/input.json";

/// Scenario 1: criterion's figure for our validator, Python's for the same
/// schema and inputs.
pub(super) fn validation(root: &Path, target: &Path, out: &Path, quick: bool) -> Vec<Row> {
    let (inputs, ours) = match criterion(root, target, out, quick) {
        Ok(figures) => figures,
        Err(why) => return vec![Row::missing(NAME, why)],
    };
    let scenario = format!(
        "validation of the Kling input ({} valid examples, no media)",
        inputs.len()
    );
    let mut row = Row {
        scenario,
        unit: "ns/validation".into(),
        ours,
        baseline: None,
        baseline_name: None,
        ratio: None,
        target: "faster than Python jsonschema".into(),
        pass: None,
    };
    print!("--- {NAME}: Python jsonschema on the same schema and inputs");
    let started = Instant::now();
    match python_timing(root, out, &inputs, quick) {
        Ok(python) => {
            row.baseline = Some(python);
            row.baseline_name = Some("Python jsonschema (Draft7Validator)".into());
            row.ratio = Some(ours / python);
            row.pass = Some(ours < python);
        }
        Err(why) => row.baseline_name = Some(format!("Python baseline not run: {why}")),
    }
    println!(" ({:.0} s)", started.elapsed().as_secs_f64());
    vec![row, differential(root, out, quick)]
}

/// Runs the criterion benchmark; the inputs it validates and its ns per
/// validation.
fn criterion(
    root: &Path,
    target: &Path,
    out: &Path,
    quick: bool,
) -> Result<(Vec<PathBuf>, f64), String> {
    let started = Instant::now();
    print!("--- {NAME}: cargo bench -p runcomfy-validate --bench validate (criterion)");
    let criterion_args: &[&str] = if quick {
        &["--warm-up-time", "0.5", "--measurement-time", "1"]
    } else {
        &[]
    };
    let output = bench_command(root, "validate", criterion_args)
        .stdin(Stdio::null())
        .output();
    if let Ok(output) = &output {
        let _ = std::fs::write(out.join("validate.log"), &output.stdout);
    }
    println!(" ({:.0} s)", started.elapsed().as_secs_f64());
    if !output.as_ref().is_ok_and(|o| o.status.success()) {
        return Err("the criterion benchmark failed".into());
    }
    let inputs = valid_examples(root)?;
    let estimate = target.join("criterion").join(CRITERION_ESTIMATE);
    let ours = std::fs::read(&estimate)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|v| v.pointer("/mean/point_estimate").and_then(Value::as_f64))
        .map(|ns| ns / inputs.len() as f64)
        .ok_or_else(|| format!("no estimate in {}", estimate.display()))?;
    Ok((inputs, ours))
}

fn valid_examples(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join(VALID_EXAMPLES);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no examples in {}", dir.display()));
    }
    Ok(files)
}

/// Python's ns per validation of `inputs` (the valid examples), timed by
/// `xtask/python/differential.py --time`.
fn python_timing(root: &Path, out: &Path, inputs: &[PathBuf], quick: bool) -> Result<f64, String> {
    let python = python_with_jsonschema(out)?;
    let mut lines = String::new();
    for path in inputs {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        lines.push_str(&value.to_string());
        lines.push('\n');
    }
    let jsonl = out.join("valid_examples.jsonl");
    write(&jsonl, &lines)?;
    let output = Command::new(python)
        .current_dir(root)
        .arg(root.join("xtask/python/differential.py"))
        .args(["--time", "--repeat", if quick { "200" } else { "2000" }])
        .arg(root.join(INPUT_SCHEMA))
        .arg(&jsonl)
        .output()
        .map_err(|e| format!("python: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the timing script failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    serde_json::from_slice::<Value>(&output.stdout)
        .ok()
        .and_then(|v| v.get("ns_per_validation").and_then(Value::as_f64))
        .ok_or_else(|| "the timing script printed no ns_per_validation".into())
}
