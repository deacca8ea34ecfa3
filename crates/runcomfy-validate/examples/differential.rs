//! Differential test against Python's `jsonschema`: generates inputs from
//! every model's input schema under `schemas/models/` (the property tests'
//! generator), asks our [`Validator`] and `jsonschema.Draft7Validator`
//! (formats asserted) for a verdict on each, and compares them input by
//! input.
//!
//! ```text
//! cargo run --release -p runcomfy-validate --example differential -- \
//!     --python /tmp/pyvenv/bin/python [--cases 200] [--seed 1] \
//!     [--schema PATH] [--script PATH] [--keep DIR] [--time [--repeat 20]] [--json]
//! ```
//!
//! `--cases` is per model; `--schema` compares one schema instead of every
//! model's. Both sides get each schema without the provider's `validations`
//! keyword (media rules) and `x-` keywords, which Python does not know: the
//! comparison is on the standard keywords. One difference is understood and
//! counted apart: the media formats (`image_uri`, `video_uris`, ...) are
//! ours only, so we assert them (an https/http URL or a `data:` URI of the
//! right kind) and Python ignores them as unknown formats. The Python side
//! needs `jsonschema` with a `uri` format checker (`pip install
//! 'jsonschema[format-nongpl]'`).
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
#[path = "../tests/support/models.rs"]
#[allow(dead_code)]
mod models;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use proptest::strategy::{Strategy as _, ValueTree as _};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use runcomfy_validate::{MediaKind, Validator};
use serde_json::{Value, json};

const USAGE: &str = "usage: differential --python PATH [--cases N] [--seed N] [--schema PATH] \
[--script PATH] [--keep DIR] [--time] [--repeat N] [--json]";

/// The understood difference between the two sides, named in the summary.
const MEDIA_FORMATS: &str = "media formats (image_uri, video_uris, ...) are asserted by us and \
ignored by Python as unknown formats";
const FINAL_NEWLINE: &str = "python's uri check accepts a final newline (a `$`-anchored regex)";

struct Args {
    python: String,
    cases: usize,
    seed: u64,
    schema: Option<PathBuf>,
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
        cases: 200,
        seed: 1,
        schema: None,
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
            "--schema" => args.schema = Some(value()?.into()),
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

/// One model's schema as each side reads it, and the cases generated from it.
struct Subject {
    id: String,
    /// The schema without `validations` and `x-` keywords: what both sides get.
    standard: Value,
    /// Ours, on the standard schema.
    ours: Validator,
    /// Ours, on the standard schema without the media formats: Python's reading.
    without_media: Validator,
    /// Ours, on the whole schema (only for `--time`).
    full: Validator,
    cases: Vec<Value>,
}

fn subject(id: String, full: &Value, args: &Args, index: usize) -> Result<Subject, String> {
    let standard = inputs::standard_keywords_only(full);
    let compile = |schema: &Value| Validator::new(schema).map_err(|e| format!("{id}: {e}"));
    let seed = args.seed.wrapping_add(index as u64);
    Ok(Subject {
        ours: compile(&standard)?,
        without_media: compile(&without_media_formats(&standard))?,
        full: compile(full)?,
        cases: generate(full, args.cases, seed),
        standard,
        id,
    })
}

/// The models compared: the one `--schema` names, or every model.
fn subjects(args: &Args) -> Result<Vec<Subject>, String> {
    let schemas: Vec<(String, Value)> = match &args.schema {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let schema =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            vec![(path.display().to_string(), schema)]
        }
        None => models::all()
            .into_iter()
            .map(|model| (model.id, model.schema))
            .collect(),
    };
    schemas
        .into_iter()
        .enumerate()
        .map(|(index, (id, schema))| subject(id, &schema, args, index))
        .collect()
}

/// `schema` without the `format`s that name a media kind, anywhere: the
/// schema as Python reads it (it ignores formats it does not know).
fn without_media_formats(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, value)| {
                    let media = value.as_str().and_then(MediaKind::of_format).is_some();
                    !(key.as_str() == "format" && media)
                })
                .map(|(key, value)| (key.clone(), without_media_formats(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_media_formats).collect()),
        other => other.clone(),
    }
}

/// Why a mismatch is understood, if it is. Add a case only with the reason
/// the two readings differ.
fn explained(subject: &Subject, input: &Value, ours: bool) -> Option<&'static str> {
    if ours {
        return None;
    }
    if subject.without_media.is_valid(input) {
        return Some(MEDIA_FORMATS);
    }
    // Python's `rfc3986-validator` (the `uri` format checker) matches with a
    // regex anchored by `$`, which also matches before a final newline, so
    // `"https://x/a\n"` passes there; it is not a URI (RFC 3986 has no
    // newline), and we reject it. Explained when every error of Python's
    // reading is such a `format` error and the input is valid once those
    // newlines go.
    let validator = &subject.without_media;
    let mut trimmed = input.clone();
    for error in &validator.errors(input) {
        let Some(Value::String(text)) = trimmed.pointer_mut(&error.pointer) else {
            return None;
        };
        match text.strip_suffix('\n') {
            Some(rest) if error.keyword == "format" => *text = rest.to_owned(),
            _ => return None,
        }
    }
    validator.is_valid(&trimmed).then_some(FINAL_NEWLINE)
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

fn python(args: &Args, extra: &[&str], pairs: &[PathBuf]) -> Result<String, String> {
    let output = Command::new(&args.python)
        .arg(&args.script)
        .args(extra)
        .args(pairs)
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

/// Ns per `is_valid` of each subject's validator (`pick`) on its cases,
/// averaged over every case.
fn ns_per_validation(subjects: &[Subject], pick: fn(&Subject) -> &Validator, repeat: u32) -> f64 {
    let pass = || {
        for subject in subjects {
            for input in &subject.cases {
                std::hint::black_box(pick(subject).is_valid(input));
            }
        }
    };
    pass();
    let start = Instant::now();
    for _ in 0..repeat {
        pass();
    }
    let cases: usize = subjects.iter().map(|s| s.cases.len()).sum();
    let count = f64::from(repeat) * cases as f64;
    start.elapsed().as_nanos() as f64 / count.max(1.0)
}

fn run(args: &Args) -> Result<ExitCode, String> {
    let subjects = subjects(args)?;
    let (verdicts, timing) = ask_python(args, &subjects)?;
    let tally = compare(args, &subjects, &verdicts);
    let cases: usize = subjects.iter().map(|s| s.cases.len()).sum();
    let mut summary = json!({
        "schemas": match &args.schema {
            Some(path) => path.display().to_string(),
            None => format!("every model under schemas/models ({})", subjects.len()),
        },
        "models": subjects.len(),
        "keywords": "standard (validations and x- keywords stripped)",
        "understood_difference": MEDIA_FORMATS,
        "cases": cases,
        "cases_per_model": args.cases,
        "seed": args.seed,
        "valid": tally.valid,
        "invalid": cases - tally.valid,
        "explained_mismatches": tally.explained.values().sum::<usize>(),
        "explained_by_reason": tally.explained,
        "unexplained_mismatches": tally.unexplained,
        "models_with_unexplained": tally.unexplained_models,
    });
    if let Some(timing) = timing {
        let python: Value = serde_json::from_str(timing?.trim())
            .map_err(|e| format!("python's timing is not JSON: {e}"))?;
        summary["timing"] = json!({
            "repeat": args.repeat,
            "ours_ns_per_validation": ns_per_validation(&subjects, |s| &s.ours, args.repeat),
            "ours_with_validations_ns_per_validation":
                ns_per_validation(&subjects, |s| &s.full, args.repeat),
            "python": python,
            "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
        });
    }
    report(args, &summary);
    Ok(if tally.unexplained == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Python's verdict on each case, and its timing when `--time` asked for it
/// (an error in the timing run is reported only where the timing is read).
type PythonAnswers = (Vec<Value>, Option<Result<String, String>>);

/// Writes each schema and its cases where Python reads them (a pair of
/// files per model), returns the paths in the order Python takes them.
fn write_pairs(dir: &Path, subjects: &[Subject]) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut pairs = Vec::new();
    for (i, subject) in subjects.iter().enumerate() {
        let schema_path = dir.join(format!("{i}.schema.json"));
        let inputs_path = dir.join(format!("{i}.inputs.jsonl"));
        let lines: String = subject.cases.iter().map(|c| format!("{c}\n")).collect();
        std::fs::write(&schema_path, subject.standard.to_string())
            .and_then(|()| std::fs::write(&inputs_path, lines))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        pairs.extend([schema_path, inputs_path]);
    }
    Ok(pairs)
}

/// Runs Python on every pair and reads its verdicts (one JSON line per case,
/// model after model).
fn ask_python(args: &Args, subjects: &[Subject]) -> Result<PythonAnswers, String> {
    let dir = match &args.keep {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("runcomfy-differential-{}", std::process::id())),
    };
    let pairs = write_pairs(&dir, subjects)?;
    let answers = python(args, &[], &pairs);
    let timing = args.time.then(|| {
        let repeat = args.repeat.to_string();
        python(args, &["--time", "--repeat", &repeat], &pairs)
    });
    if args.keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let verdicts: Vec<Value> = answers?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("python's answer is not JSON lines: {e}"))?;
    let cases: usize = subjects.iter().map(|s| s.cases.len()).sum();
    if verdicts.len() != cases {
        return Err(format!("{cases} inputs but {} answers", verdicts.len()));
    }
    Ok((verdicts, timing))
}

/// How the verdicts compared.
#[derive(Default)]
struct Tally {
    /// Cases valid by ours.
    valid: usize,
    /// Explained mismatches, by reason.
    explained: BTreeMap<&'static str, usize>,
    unexplained: usize,
    /// The models with an unexplained mismatch.
    unexplained_models: Vec<String>,
}

/// Compares the verdicts case by case; prints each mismatch (with `--json`,
/// only the unexplained ones).
fn compare(args: &Args, subjects: &[Subject], verdicts: &[Value]) -> Tally {
    let mut tally = Tally::default();
    let mut theirs = verdicts.iter();
    for subject in subjects {
        for (i, (input, theirs)) in subject.cases.iter().zip(&mut theirs).enumerate() {
            let ours = subject.ours.is_valid(input);
            let python_valid = theirs["valid"].as_bool().unwrap_or(false);
            tally.valid += usize::from(ours);
            if ours == python_valid {
                continue;
            }
            let reason = explained(subject, input, ours);
            match reason {
                Some(reason) => *tally.explained.entry(reason).or_default() += 1,
                None => {
                    tally.unexplained += 1;
                    if !tally.unexplained_models.contains(&subject.id) {
                        tally.unexplained_models.push(subject.id.clone());
                    }
                }
            }
            if !args.json || reason.is_none() {
                eprintln!(
                    "mismatch {} #{i}{}: ours {}, python {}\n  input: {input}\n  ours: {:?}\n  python: {}",
                    subject.id,
                    reason
                        .map(|r| format!(" (explained: {r})"))
                        .unwrap_or_default(),
                    verdict(ours),
                    verdict(python_valid),
                    subject.ours.errors(input),
                    theirs["errors"],
                );
            }
        }
    }
    tally
}

/// The summary on stdout: one JSON object with `--json`, else sentences.
fn report(args: &Args, summary: &Value) {
    if args.json {
        println!("{summary}");
        return;
    }
    let number = |key: &str| summary[key].as_u64().unwrap_or_default();
    println!(
        "{} models, {} inputs ({} valid by ours): {} explained and {} unexplained mismatches",
        number("models"),
        number("cases"),
        number("valid"),
        number("explained_mismatches"),
        number("unexplained_mismatches"),
    );
    if let Some(reasons) = summary["explained_by_reason"].as_object() {
        for (reason, count) in reasons {
            println!("  explained ({count}): {reason}");
        }
    }
    if let Some(timing) = summary.get("timing") {
        let ns = |value: &Value| value.as_f64().unwrap_or(f64::NAN);
        println!(
            "ns per validation: ours {:.0} (with validations {:.0}), python {:.0} ({})",
            ns(&timing["ours_ns_per_validation"]),
            ns(&timing["ours_with_validations_ns_per_validation"]),
            ns(&timing["python"]["ns_per_validation"]),
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
