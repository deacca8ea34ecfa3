//! Differential test against Python's `jsonschema`: generates inputs from a
//! model's input schema (the property tests' generator), asks our
//! [`Validator`] and `jsonschema.Draft7Validator` (formats asserted) for a
//! verdict on each, and compares them input by input.
//!
//! ```text
//! cargo run --release -p runcomfy-validate --example differential -- \
//!     --python /tmp/pyvenv/bin/python [--cases 2000] [--seed 1] \
//!     [--schema PATH] [--script PATH] [--keep DIR] [--time [--repeat 20]] [--json]
//! ```
//!
//! Both sides get the schema without the provider's `validations` keyword
//! (media rules), which Python does not know: the comparison is on the
//! standard keywords only. The Python side needs `jsonschema` with a `uri`
//! format checker (`pip install 'jsonschema[format-nongpl]'`).
//!
//! Prints each mismatch and a summary. Exit codes: 0 no unexplained
//! mismatch, 1 unexplained mismatches, 2 the Python side failed, 64 usage.
//!
//! `--time` also measures both sides on the same inputs (`is_valid`, each
//! input `--repeat` times) and prints ns per validation; with `--json` the
//! summary is one JSON object on stdout (for `cargo xtask bench`).

#![allow(missing_docs, clippy::print_stdout, clippy::print_stderr)]

// Shared with the property tests: the differential uses a part.
#[path = "../tests/support/inputs/mod.rs"]
#[allow(dead_code, unused_imports)]
mod inputs;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use proptest::strategy::{Strategy as _, ValueTree as _};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use runcomfy_validate::Validator;
use serde_json::{Value, json};

const USAGE: &str = "usage: differential --python PATH [--cases N] [--seed N] [--schema PATH] \
[--script PATH] [--keep DIR] [--time] [--repeat N] [--json]";

struct Args {
    python: String,
    cases: usize,
    seed: u64,
    schema: PathBuf,
    script: PathBuf,
    keep: Option<PathBuf>,
    time: bool,
    repeat: u32,
    json: bool,
}

fn workspace() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        python: "python3".into(),
        cases: 1000,
        seed: 1,
        schema: workspace().join("schemas/models/kling/kling-1-6/pro/image-to-video/input.json"),
        script: workspace().join("xtask/python/differential.py"),
        keep: None,
        time: false,
        repeat: 20,
        json: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--python" => args.python = value()?,
            "--cases" => args.cases = value()?.parse().map_err(|e| format!("--cases: {e}"))?,
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--schema" => args.schema = value()?.into(),
            "--script" => args.script = value()?.into(),
            "--keep" => args.keep = Some(value()?.into()),
            "--repeat" => args.repeat = value()?.parse().map_err(|e| format!("--repeat: {e}"))?,
            "--time" => args.time = true,
            "--json" => args.json = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// Why a mismatch is understood, if it is. Add a case only with the reason
/// the two readings differ.
fn explained(validator: &Validator, input: &Value, ours: bool) -> Option<&'static str> {
    // Python's `rfc3986-validator` (the `uri` format checker) matches with a
    // regex anchored by `$`, which also matches before a final newline, so
    // `"https://x/a\n"` passes there; it is not a URI (RFC 3986 has no
    // newline), and we reject it. Explained when every error of ours is such
    // a `format` error and the input is valid once those newlines go.
    if ours {
        return None;
    }
    let errors = validator.errors(input);
    let mut trimmed = input.clone();
    for error in &errors {
        let Some(Value::String(text)) = trimmed.pointer_mut(&error.pointer) else {
            return None;
        };
        match text.strip_suffix('\n') {
            Some(rest) if error.keyword == "format" => *text = rest.to_owned(),
            _ => return None,
        }
    }
    validator
        .is_valid(&trimmed)
        .then_some("python's uri check accepts a final newline (a `$`-anchored regex)")
}

fn generate(schema: &Value, cases: usize, seed: u64) -> Vec<Value> {
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = inputs::cases(schema);
    let any = inputs::any_json(schema);
    (0..cases)
        .map(|i| {
            // Mostly schema-shaped cases, some arbitrary JSON.
            let tree = if i % 8 == 7 {
                any.new_tree(&mut runner).map(|t| t.current())
            } else {
                strategy.new_tree(&mut runner).map(|t| t.current().input)
            };
            tree.unwrap_or(Value::Null)
        })
        .collect()
}

fn python(args: &Args, extra: &[&str], schema: &Path, inputs: &Path) -> Result<String, String> {
    let output = Command::new(&args.python)
        .arg(&args.script)
        .args(extra)
        .arg(schema)
        .arg(inputs)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", args.python))?;
    if !output.status.success() {
        return Err(format!(
            "{} {} failed ({}): {}",
            args.python,
            args.script.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("python's output is not UTF-8: {e}"))
}

fn ns_per_validation(validator: &Validator, inputs: &[Value], repeat: u32) -> f64 {
    for input in inputs {
        std::hint::black_box(validator.is_valid(input));
    }
    let start = Instant::now();
    for _ in 0..repeat {
        for input in inputs {
            std::hint::black_box(validator.is_valid(input));
        }
    }
    let count = f64::from(repeat) * inputs.len() as f64;
    start.elapsed().as_nanos() as f64 / count.max(1.0)
}

fn run(args: &Args) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(&args.schema)
        .map_err(|e| format!("{}: {e}", args.schema.display()))?;
    let full: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", args.schema.display()))?;
    let standard = inputs::standard_keywords_only(&full);
    let validator = Validator::new(&standard).map_err(|e| format!("schema: {e}"))?;
    let cases = generate(&full, args.cases, args.seed);

    let (verdicts, timing) = ask_python(args, &standard, &cases)?;
    let tally = compare(args, &validator, &cases, &verdicts);
    let mut summary = json!({
        "schema": args.schema.display().to_string(),
        "keywords": "standard (validations stripped)",
        "cases": cases.len(),
        "seed": args.seed,
        "valid": tally.valid,
        "invalid": cases.len() - tally.valid,
        "explained_mismatches": tally.explained,
        "unexplained_mismatches": tally.unexplained,
    });
    if let Some(timing) = timing {
        let python: Value = serde_json::from_str(timing?.trim())
            .map_err(|e| format!("python's timing is not JSON: {e}"))?;
        let full_validator = Validator::new(&full).map_err(|e| format!("schema: {e}"))?;
        summary["timing"] = json!({
            "repeat": args.repeat,
            "ours_ns_per_validation": ns_per_validation(&validator, &cases, args.repeat),
            "ours_with_validations_ns_per_validation": ns_per_validation(&full_validator, &cases, args.repeat),
            "python": python,
            "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
        });
    }
    report(args, &summary, &tally, cases.len());
    Ok(if tally.unexplained == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Python's verdict on each case, and its timing when `--time` asked for it
/// (an error in the timing run is reported only where the timing is read).
type PythonAnswers = (Vec<Value>, Option<Result<String, String>>);

/// Writes the schema and the cases where Python reads them, runs it, and
/// reads its verdicts (one JSON line per case).
fn ask_python(args: &Args, standard: &Value, cases: &[Value]) -> Result<PythonAnswers, String> {
    let dir = match &args.keep {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("runcomfy-differential-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let schema_path = dir.join("schema.json");
    let inputs_path = dir.join("inputs.jsonl");
    let lines: String = cases.iter().map(|c| format!("{c}\n")).collect();
    std::fs::write(&schema_path, standard.to_string())
        .and_then(|()| std::fs::write(&inputs_path, lines))
        .map_err(|e| format!("{}: {e}", dir.display()))?;

    let answers = python(args, &[], &schema_path, &inputs_path);
    let timing = if args.time {
        let repeat = args.repeat.to_string();
        Some(python(
            args,
            &["--time", "--repeat", &repeat],
            &schema_path,
            &inputs_path,
        ))
    } else {
        None
    };
    if args.keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let answers = answers?;
    let verdicts: Vec<Value> = answers
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("python's answer is not JSON lines: {e}"))?;
    if verdicts.len() != cases.len() {
        return Err(format!(
            "{} inputs but {} answers",
            cases.len(),
            verdicts.len()
        ));
    }
    Ok((verdicts, timing))
}

/// How the verdicts compared.
#[derive(Default)]
struct Tally {
    /// Cases valid by ours.
    valid: usize,
    explained: usize,
    unexplained: usize,
}

/// Compares the verdicts case by case; prints each mismatch (with `--json`,
/// only the unexplained ones).
fn compare(args: &Args, validator: &Validator, cases: &[Value], verdicts: &[Value]) -> Tally {
    let mut tally = Tally::default();
    for (i, (input, theirs)) in cases.iter().zip(verdicts).enumerate() {
        let ours = validator.is_valid(input);
        let python_valid = theirs["valid"].as_bool().unwrap_or(false);
        tally.valid += usize::from(ours);
        if ours == python_valid {
            continue;
        }
        let reason = explained(validator, input, ours);
        match reason {
            Some(_) => tally.explained += 1,
            None => tally.unexplained += 1,
        }
        if !args.json || reason.is_none() {
            eprintln!(
                "mismatch #{i}{}: ours {}, python {}\n  input: {input}\n  ours: {:?}\n  python: {}",
                reason
                    .map(|r| format!(" (explained: {r})"))
                    .unwrap_or_default(),
                verdict(ours),
                verdict(python_valid),
                validator.errors(input),
                theirs["errors"],
            );
        }
    }
    tally
}

/// The summary on stdout: one JSON object with `--json`, else sentences.
fn report(args: &Args, summary: &Value, tally: &Tally, cases: usize) {
    if args.json {
        println!("{summary}");
        return;
    }
    println!(
        "{cases} inputs ({} valid by ours), {} explained and {} unexplained mismatches",
        tally.valid, tally.explained, tally.unexplained
    );
    if let Some(timing) = summary.get("timing") {
        println!(
            "ns per validation: ours {:.0} (with validations {:.0}), python {:.0} ({})",
            timing["ours_ns_per_validation"]
                .as_f64()
                .unwrap_or(f64::NAN),
            timing["ours_with_validations_ns_per_validation"]
                .as_f64()
                .unwrap_or(f64::NAN),
            timing["python"]["ns_per_validation"]
                .as_f64()
                .unwrap_or(f64::NAN),
            timing["profile"].as_str().unwrap_or_default(),
        );
    }
}

fn verdict(valid: bool) -> &'static str {
    if valid { "valid" } else { "invalid" }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(error) => {
            if !error.is_empty() {
                eprintln!("{error}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(64);
        }
    };
    match run(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("differential: {error}");
            ExitCode::from(2)
        }
    }
}
