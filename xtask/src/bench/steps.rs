//! The benchmarks that write their own rows: each run once with
//! `cargo bench`, its log kept, its rows read back.

use std::path::Path;
use std::process::Stdio;
use std::time::Instant;

use serde_json::Value;

use super::cargo::bench_command;
use super::row::Row;

/// One benchmark of the workspace.
pub(super) struct Step {
    /// The benchmark's name; its number orders the table's rows.
    name: &'static str,
    package: &'static str,
    bench: &'static str,
    full: &'static [&'static str],
    quick: &'static [&'static str],
}

pub(super) const STEPS: &[Step] = &[
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

/// Runs one benchmark; its rows, or one row saying why there are none.
pub(super) fn run_step(root: &Path, out: &Path, step: &Step, quick: bool) -> Vec<Row> {
    let json_path = out.join(format!("{}.json", step.bench));
    let _ = std::fs::remove_file(&json_path);
    let started = Instant::now();
    print!(
        "--- {}: cargo bench -p {} --bench {}",
        step.name, step.package, step.bench
    );
    let args = if quick { step.quick } else { step.full };
    let mut command = bench_command(root, step.bench, args);
    command
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
