//! `cargo xtask bench [--quick] [--publish]`: every performance scenario,
//! each side by side with its baseline in the same run, as one table.
//!
//! Each scenario is a benchmark of the workspace run with `cargo bench`; the
//! benchmarks write their rows as JSON to the file named by
//! `RUNCOMFY_BENCH_JSON` (and run small with `RUNCOMFY_BENCH_QUICK`). The
//! validation scenario is criterion's: its estimate is read from
//! `target/criterion`, and Python's `jsonschema` package, installed into a
//! throwaway virtual environment under `target/bench/`, times the same
//! schema and inputs; the same Python then judges thousands of generated
//! inputs beside our validator (the differential,
//! `crates/runcomfy-validate/examples/differential.rs`). Everything lands in `target/bench/`: `report.json`,
//! `report.md`, `polling.svg` and one log per benchmark. `--publish` copies
//! the table and the picture into the README.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

/// What to run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Small sizes: the whole run in under two minutes once built.
    pub quick: bool,
    /// Copy the table into README.md and the picture into docs/.
    pub publish: bool,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What was measured.
    pub scenario: String,
    /// The unit of `ours` and `baseline`.
    pub unit: String,
    /// Our figure.
    pub ours: f64,
    /// The baseline's figure in the same run, if the scenario has one.
    pub baseline: Option<f64>,
    /// What the baseline is.
    pub baseline_name: Option<String>,
    /// `ours / baseline` (or the scenario's own ratio).
    pub ratio: Option<f64>,
    /// The target, as text.
    pub target: String,
    /// Whether the target is met; `None` when it could not be judged.
    pub pass: Option<bool>,
}

impl Row {
    /// A row from a benchmark's JSON; `None` if a field is missing.
    pub fn from_json(value: &Value) -> Option<Self> {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(Self {
            scenario: text("scenario")?,
            unit: text("unit")?,
            ours: value.get("ours")?.as_f64()?,
            baseline: value.get("baseline").and_then(Value::as_f64),
            baseline_name: text("baseline_name"),
            ratio: value.get("ratio").and_then(Value::as_f64),
            target: text("target")?,
            pass: value.get("pass").and_then(Value::as_bool),
        })
    }

    /// The row as JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "scenario": self.scenario,
            "unit": self.unit,
            "ours": self.ours,
            "baseline": self.baseline,
            "baseline_name": self.baseline_name,
            "ratio": self.ratio,
            "target": self.target,
            "pass": self.pass,
        })
    }

    /// A row saying a scenario could not be measured.
    fn missing(scenario: &str, why: String) -> Self {
        Self {
            scenario: scenario.to_owned(),
            unit: String::new(),
            ours: f64::NAN,
            baseline: None,
            baseline_name: Some(why),
            ratio: None,
            target: String::new(),
            pass: None,
        }
    }
}

/// The packages with benchmarks. Every `cargo bench` names all of them (and
/// one `--bench`), so features unify the same way each time and the build
/// made up front serves every step.
const PACKAGES: [&str; 8] = [
    "-p",
    "runcomfy-validate",
    "-p",
    "runcomfy",
    "-p",
    "runcomfy-cli",
    "-p",
    "runcomfy-emulator",
];

/// One benchmark of the workspace.
struct Step {
    /// The scenario's number in the list, for ordering.
    name: &'static str,
    package: &'static str,
    bench: &'static str,
    full: &'static [&'static str],
    quick: &'static [&'static str],
}

const STEPS: &[Step] = &[
    Step {
        name: "2. lifecycle overhead",
        package: "runcomfy",
        bench: "overhead",
        full: &["2000"],
        quick: &["300"],
    },
    Step {
        name: "3. polling",
        package: "runcomfy",
        bench: "polling",
        full: &[],
        quick: &[],
    },
    Step {
        name: "4. batch",
        package: "runcomfy-cli",
        bench: "batch",
        full: &["1000"],
        quick: &["200"],
    },
    Step {
        name: "5. download",
        package: "runcomfy",
        bench: "download",
        full: &["1024"],
        quick: &["128"],
    },
    Step {
        name: "6. emulator load",
        package: "runcomfy-emulator",
        bench: "status_load",
        full: &["5"],
        quick: &["1"],
    },
    Step {
        name: "7. start-up",
        package: "runcomfy-cli",
        bench: "startup",
        full: &["50"],
        quick: &["10"],
    },
];

/// The criterion function whose estimate is the validation figure, and how
/// many validations one iteration makes (every valid example).
const CRITERION_ESTIMATE: &str = "kling_input/runcomfy_validate_valid_examples/new/estimates.json";
/// The folder of the inputs both validators time.
const VALID_EXAMPLES: &str = "schemas/examples/kling/kling-1-6/pro/image-to-video/valid";
const INPUT_SCHEMA: &str = "schemas/models/kling/kling-1-6/pro/image-to-video/input.json";

/// Runs every scenario and writes the report; returns the rows.
pub fn run(root: &Path, options: Options) -> Result<Vec<Row>, String> {
    let target = target_dir(root);
    let out = target.join("bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let started = Instant::now();

    println!("--- building the benchmarks");
    let status = Command::new(cargo())
        .current_dir(root)
        .args(["bench", "--no-run", "-q"])
        .args(PACKAGES)
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err("building the benchmarks failed".into());
    }
    let measuring = Instant::now();

    let mut rows = validation(root, &target, &out, options.quick);
    for step in STEPS {
        rows.extend(run_step(root, &out, step, options.quick));
    }
    let polling = std::fs::read(out.join("polling.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    if let Some(polling) = &polling {
        let svg = out.join("polling.svg");
        match crate::plot::polling_svg(polling, &svg) {
            Ok(()) => println!("    wrote {}", svg.display()),
            Err(error) => eprintln!("    the polling picture failed: {error}"),
        }
    }

    let table = markdown(&rows, options.quick);
    println!("\n{table}");
    let report = json!({
        "quick": options.quick,
        "measured_secs": measuring.elapsed().as_secs_f64(),
        "rows": rows.iter().map(Row::to_json).collect::<Vec<_>>(),
    });
    write(&out.join("report.json"), &pretty(&report))?;
    write(&out.join("report.md"), &table)?;
    println!(
        "wrote {}/report.json, report.md; measuring took {:.0} s ({:.0} s with the build)",
        out.display(),
        measuring.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    if options.publish {
        publish(root, &out, &table)?;
    }
    Ok(rows)
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Runs one benchmark; its rows, or one row saying why there are none.
fn run_step(root: &Path, out: &Path, step: &Step, quick: bool) -> Vec<Row> {
    let json_path = out.join(format!("{}.json", step.bench));
    let _ = std::fs::remove_file(&json_path);
    let started = Instant::now();
    print!(
        "--- {}: cargo bench -p {} --bench {}",
        step.name, step.package, step.bench
    );
    let args = if quick { step.quick } else { step.full };
    let mut command = Command::new(cargo());
    command
        .current_dir(root)
        .args(["bench", "-q"])
        .args(PACKAGES)
        .args(["--bench", step.bench, "--"])
        .args(args)
        .env("RUNCOMFY_BENCH_JSON", &json_path)
        .stdin(Stdio::null());
    if quick {
        command.env("RUNCOMFY_BENCH_QUICK", "1");
    }
    let outcome = command.output();
    let log = out.join(format!("{}.log", step.bench));
    if let Ok(output) = &outcome {
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        let _ = std::fs::write(&log, text);
    }
    println!(" ({:.0} s)", started.elapsed().as_secs_f64());
    match outcome {
        Ok(output) if output.status.success() => {
            read_rows(&json_path).unwrap_or_else(|why| vec![Row::missing(step.name, why)])
        }
        Ok(_) => vec![Row::missing(
            step.name,
            format!("the benchmark failed; see {}", log.display()),
        )],
        Err(error) => vec![Row::missing(step.name, format!("cargo: {error}"))],
    }
}

fn read_rows(path: &Path) -> Result<Vec<Row>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    value
        .get("rows")
        .and_then(Value::as_array)
        .map(|rows| rows.iter().filter_map(Row::from_json).collect())
        .ok_or_else(|| format!("{}: no rows", path.display()))
}

/// Scenario 1: criterion's figure for our validator, Python's for the same
/// schema and inputs.
fn validation(root: &Path, target: &Path, out: &Path, quick: bool) -> Vec<Row> {
    const NAME: &str = "1. validation";
    let started = Instant::now();
    print!("--- {NAME}: cargo bench -p runcomfy-validate --bench validate (criterion)");
    let criterion_args: &[&str] = if quick {
        &["--warm-up-time", "0.5", "--measurement-time", "1"]
    } else {
        &[]
    };
    let output = Command::new(cargo())
        .current_dir(root)
        .args(["bench", "-q"])
        .args(PACKAGES)
        .args(["--bench", "validate", "--"])
        .args(criterion_args)
        .stdin(Stdio::null())
        .output();
    if let Ok(output) = &output {
        let _ = std::fs::write(out.join("validate.log"), &output.stdout);
    }
    println!(" ({:.0} s)", started.elapsed().as_secs_f64());
    if !output.as_ref().is_ok_and(|o| o.status.success()) {
        return vec![Row::missing(NAME, "the criterion benchmark failed".into())];
    }
    let inputs = match valid_examples(root) {
        Ok(inputs) => inputs,
        Err(why) => return vec![Row::missing(NAME, why)],
    };
    let estimate = target.join("criterion").join(CRITERION_ESTIMATE);
    let ours = std::fs::read(&estimate)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|v| v.pointer("/mean/point_estimate").and_then(Value::as_f64))
        .map(|ns| ns / inputs.len() as f64);
    let Some(ours) = ours else {
        return vec![Row::missing(
            NAME,
            format!("no estimate in {}", estimate.display()),
        )];
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

/// A throwaway venv with `jsonschema` under `target/bench/venv`; its python.
pub fn python_with_jsonschema(out: &Path) -> Result<PathBuf, String> {
    let venv = out.join("venv");
    let python = venv.join("bin").join("python");
    let has_jsonschema = |python: &Path| {
        Command::new(python)
            .args([
                "-c",
                "import jsonschema; assert 'uri' in jsonschema.Draft7Validator.FORMAT_CHECKER.checkers",
            ])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if python.exists() && has_jsonschema(&python) {
        return Ok(python);
    }
    let created = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("python3: {e}"))?;
    if !created.success() {
        return Err("python3 -m venv failed".into());
    }
    let installed = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            // With a `uri` format checker, so that Python checks what we check.
            "jsonschema[format-nongpl]",
        ])
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("pip: {e}"))?;
    if !installed.success() || !has_jsonschema(&python) {
        return Err("pip install jsonschema failed".into());
    }
    Ok(python)
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

/// The differential: our verdicts against Python's on inputs generated from
/// the schema (`examples/differential.rs`).
fn differential(root: &Path, out: &Path, quick: bool) -> Row {
    const NAME: &str = "1b. differential";
    let started = Instant::now();
    let cases = if quick { "500" } else { "5000" };
    print!("--- {NAME}: our verdicts against Python jsonschema's on {cases} generated inputs");
    let row = match python_with_jsonschema(out) {
        Err(why) => Row::missing(NAME, format!("Python side not run: {why}")),
        Ok(python) => {
            let output = Command::new(cargo())
                .current_dir(root)
                .args(["run", "-q", "--release", "-p", "runcomfy-validate"])
                .args([
                    "--example",
                    "differential",
                    "--",
                    "--json",
                    "--cases",
                    cases,
                ])
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
        return Row::missing(
            "1b. differential",
            format!("no summary; see {}", log.display()),
        );
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

/// A number with as many decimals as its size deserves.
pub fn figure(value: f64) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{value:.0}");
    }
    let magnitude = value.abs();
    let decimals = if magnitude >= 100.0 {
        0
    } else if magnitude >= 10.0 {
        1
    } else if magnitude >= 1.0 {
        2
    } else {
        3
    };
    format!("{value:.decimals$}")
}

/// The table, in Markdown.
pub fn markdown(rows: &[Row], quick: bool) -> String {
    let mut table = String::from(
        "| scenario | ours | baseline (same run) | ratio | target | verdict |\n\
         | --- | ---: | --- | ---: | --- | --- |\n",
    );
    for row in rows {
        let ours = if row.ours.is_finite() {
            format!("{} {}", figure(row.ours), row.unit)
        } else {
            "–".into()
        };
        let baseline = match (row.baseline, &row.baseline_name) {
            (Some(value), Some(name)) => format!("{} {} ({name})", figure(value), row.unit),
            (Some(value), None) => format!("{} {}", figure(value), row.unit),
            (None, Some(name)) => name.clone(),
            (None, None) => "–".into(),
        };
        let ratio = row
            .ratio
            .map(|r| format!("{}×", figure(r)))
            .unwrap_or_else(|| "–".into());
        let verdict = match row.pass {
            Some(true) => "pass",
            Some(false) => "falls short",
            None => "not judged",
        };
        let _ = writeln!(
            table,
            "| {} | {ours} | {baseline} | {ratio} | {} | {verdict} |",
            row.scenario, row.target
        );
    }
    let judged = rows.iter().filter(|r| r.pass.is_some()).count();
    let passed = rows.iter().filter(|r| r.pass == Some(true)).count();
    let _ = write!(
        table,
        "\n{passed} of {judged} judged rows meet their target{}.\n",
        if quick { " (quick sizes)" } else { "" }
    );
    table
}

/// Replaces the README's table between its markers and copies the picture.
fn publish(root: &Path, out: &Path, table: &str) -> Result<(), String> {
    const START: &str = "<!-- bench:start -->";
    const END: &str = "<!-- bench:end -->";
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).map_err(|e| format!("README.md: {e}"))?;
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        return Err(format!("README.md has no {START} … {END} markers"));
    };
    if end < start {
        return Err(format!("README.md: {END} comes before {START}"));
    }
    let updated = format!("{}{START}\n{table}{}", &readme[..start], &readme[end..]);
    write(&readme_path, &updated)?;
    let docs = root.join("docs");
    std::fs::create_dir_all(&docs).map_err(|e| format!("docs/: {e}"))?;
    std::fs::copy(out.join("polling.svg"), docs.join("polling.svg"))
        .map_err(|e| format!("copying polling.svg: {e}"))?;
    println!("updated README.md and docs/polling.svg");
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn rows_round_trip_and_incomplete_rows_are_skipped() {
        let row = Row {
            scenario: "s".into(),
            unit: "ms".into(),
            ours: 1.5,
            baseline: Some(3.0),
            baseline_name: Some("b".into()),
            ratio: Some(0.5),
            target: "< 2×".into(),
            pass: Some(true),
        };
        assert_eq!(Row::from_json(&row.to_json()), Some(row));
        assert_eq!(
            Row::from_json(&json!({"scenario": "s", "unit": "ms"})),
            None
        );
    }

    #[test]
    fn the_table_shows_each_verdict_and_counts_them() {
        let row = |pass, baseline| Row {
            scenario: "x".into(),
            unit: "s".into(),
            ours: 1234.4,
            baseline,
            baseline_name: Some("fixed".into()),
            ratio: baseline.map(|b| 1234.4 / b),
            target: "t".into(),
            pass,
        };
        let rows = [
            row(Some(true), Some(2468.8)),
            row(Some(false), None),
            row(None, None),
        ];
        let table = markdown(&rows, true);
        assert!(
            table.contains("| x | 1234 s | 2469 s (fixed) | 0.500× | t | pass |"),
            "{table}"
        );
        assert!(table.contains("| x | 1234 s | fixed | – | t | falls short |"));
        assert!(table.contains("| not judged |"));
        assert!(table.contains("1 of 2 judged rows meet their target (quick sizes)."));
    }

    #[test]
    fn figures_keep_three_significant_digits_or_so() {
        assert_eq!(figure(73071.2), "73071");
        assert_eq!(figure(19.94), "19.9");
        assert_eq!(figure(1.081), "1.08");
        assert_eq!(figure(0.5172), "0.517");
        assert_eq!(figure(f64::NAN), "–");
        assert_eq!(figure(8.0), "8");
    }
}
