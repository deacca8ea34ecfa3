//! The whole bench: one build up front, every scenario in order, the
//! polling picture, and the report written (and published when asked).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::{Value, json};

use super::cargo::{PACKAGES, cargo, target_dir};
use super::differential::EXAMPLE;
use super::publish::publish;
use super::row::Row;
use super::scale::{codegen, scale};
use super::steps::{STEPS, run_step};
use super::table::markdown;
use super::validation::validation;
use crate::files::write;
use crate::plot::polling_svg;

/// What to run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Small sizes: the whole run in under two minutes once built.
    pub quick: bool,
    /// Copy the table into docs/benchmarks.md and the picture into docs/.
    pub publish: bool,
}

/// Runs every scenario and writes the report; returns the rows.
pub fn run(root: &Path, options: Options) -> Result<Vec<Row>, String> {
    let target = target_dir(root);
    let out = target.join("bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let started = Instant::now();

    build(root)?;
    let measuring = Instant::now();

    let mut rows = validation(root, &target, &out, options.quick);
    for step in STEPS {
        rows.extend(run_step(root, &out, step, options.quick));
    }
    rows.push(codegen(root));
    rows.extend(scale(root, &target, &out, options.quick));
    let polling = std::fs::read(out.join("polling.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    if let Some(polling) = &polling {
        let svg = out.join("polling.svg");
        match polling_svg(polling, &svg) {
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
    write(&out.join("report.json"), pretty(&report))?;
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

/// The build made up front: every benchmark, and the differential's
/// example, so that the timed steps only run.
fn build(root: &Path) -> Result<(), String> {
    println!("--- building the benchmarks");
    let cargo_build = |args: &[&str], then: &[&str]| {
        Command::new(cargo())
            .current_dir(root)
            .args(args)
            .args(then)
            .status()
            .map_err(|e| format!("cargo: {e}"))
    };
    let benches = cargo_build(&["bench", "--no-run", "-q"], &PACKAGES)?;
    if !benches.success() || !cargo_build(&["build"], &EXAMPLE)?.success() {
        return Err("building the benchmarks failed".into());
    }
    Ok(())
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
