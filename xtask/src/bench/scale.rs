//! Scale: build times from clean (default features and `all-models`) beside
//! the floor every build of the types pays, in the same run, the time
//! `cargo xtask codegen` takes for every model, and the size of the CLI
//! binary.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::cargo::cargo;
use super::row::Row;

/// The scenario's name in the progress lines.
const NAME: &str = "8. scale";

/// What the build rows compare against: the types crate with no model's
/// typed module, so serde, serde_json and the catalog data every build
/// compiles.
const FLOOR: &[&str] = &["build", "-p", "runcomfy-types", "--no-default-features"];
const FLOOR_NAME: &str = "runcomfy-types --no-default-features from clean";

/// One clean build: the table's name and the cargo arguments.
struct Build {
    scenario: &'static str,
    key: &'static str,
    args: &'static [&'static str],
}

const BUILDS: [Build; 2] = [
    Build {
        scenario: "build from clean (default features), debug: cargo build --workspace",
        key: "default",
        args: &["build", "--workspace"],
    },
    Build {
        scenario: "build from clean (all-models), debug: cargo build -p runcomfy-types --features all-models",
        key: "all-models",
        args: &["build", "-p", "runcomfy-types", "--features", "all-models"],
    },
];

/// The CLI binary may grow with the catalog, but stays small enough to
/// download and start quickly: a bound, in MiB.
const BINARY_BOUND_MIB: f64 = 25.0;

/// The scale rows: the clean builds (skipped with `quick`) and the binary.
pub(super) fn scale(root: &Path, target: &Path, out: &Path, quick: bool) -> Vec<Row> {
    let mut rows = if quick {
        BUILDS
            .iter()
            .map(|build| Row::missing(build.scenario, "skipped in --quick".into()))
            .collect()
    } else {
        clean_builds(root, out)
    };
    rows.push(binary_size(&target.join("release").join("runcomfy")));
    rows
}

fn clean_builds(root: &Path, out: &Path) -> Vec<Row> {
    let floor = clean_build(root, out, "floor", FLOOR);
    BUILDS
        .iter()
        .map(
            |build| match clean_build(root, out, build.key, build.args) {
                Ok(secs) => build_row(build.scenario, secs, floor.as_ref().ok().copied()),
                Err(why) => Row::missing(build.scenario, why),
            },
        )
        .collect()
}

/// Seconds of `cargo ARGS` in a fresh target directory under `out`, which
/// is removed afterwards (a clean workspace build takes gigabytes).
fn clean_build(root: &Path, out: &Path, key: &str, args: &[&str]) -> Result<f64, String> {
    let dir = out.join(format!("clean-{key}"));
    let _ = std::fs::remove_dir_all(&dir);
    print!("--- {NAME}: cargo {} from clean", args.join(" "));
    let started = Instant::now();
    let output = Command::new(cargo())
        .current_dir(root)
        .args(args)
        .env("CARGO_TARGET_DIR", &dir)
        .stdin(Stdio::null())
        .output();
    let secs = started.elapsed().as_secs_f64();
    println!(" ({secs:.0} s)");
    let _ = std::fs::remove_dir_all(&dir);
    let log = out.join(format!("build-{key}.log"));
    match output {
        Err(error) => Err(format!("cargo: {error}")),
        Ok(output) => {
            let _ = std::fs::write(&log, &output.stderr);
            if output.status.success() {
                Ok(secs)
            } else {
                Err(format!("the build failed; see {}", log.display()))
            }
        }
    }
}

/// A clean build's row, beside the floor's time when it was measured. Not
/// judged: on shared cores a build's time says little alone, and no bound
/// is set for it.
fn build_row(scenario: &str, secs: f64, floor: Option<f64>) -> Row {
    Row {
        scenario: scenario.to_owned(),
        unit: "s".into(),
        ours: secs,
        baseline: floor,
        baseline_name: Some(FLOOR_NAME.into()),
        ratio: floor.filter(|f| *f > 0.0).map(|f| secs / f),
        target: "context (no bound)".into(),
        pass: None,
    }
}

/// `cargo xtask codegen` of every model must stay quick: a bound, in s.
const CODEGEN_BOUND_SECS: f64 = 30.0;

/// The time of `cargo xtask codegen --check` (every model's types, the API
/// client and the catalog data generated in memory, compared with the
/// files), run by this xtask binary as `cargo xtask` runs it.
pub(super) fn codegen(root: &Path) -> Row {
    const SCENARIO: &str = "cargo xtask codegen --check (every model, in memory)";
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(error) => return Row::missing(SCENARIO, format!("this xtask binary: {error}")),
    };
    print!("--- {NAME}: cargo xtask codegen --check");
    let started = Instant::now();
    let status = Command::new(exe)
        .current_dir(root)
        .args(["codegen", "--check"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status();
    let secs = started.elapsed().as_secs_f64();
    println!(" ({secs:.1} s)");
    match status {
        Ok(status) if status.success() => codegen_row(SCENARIO, secs),
        Ok(status) => Row::missing(SCENARIO, format!("codegen --check failed ({status})")),
        Err(error) => Row::missing(SCENARIO, format!("xtask: {error}")),
    }
}

fn codegen_row(scenario: &str, secs: f64) -> Row {
    under_bound(scenario, "s", secs, CODEGEN_BOUND_SECS)
}

/// A row judged `value < bound`, both in `unit`.
fn under_bound(scenario: &str, unit: &str, value: f64, bound: f64) -> Row {
    Row {
        scenario: scenario.to_owned(),
        unit: unit.into(),
        ours: value,
        baseline: None,
        baseline_name: None,
        ratio: None,
        target: format!("< {bound} {unit}"),
        pass: Some(value < bound),
    }
}

/// The size of the release binary the benchmarks built, in MiB.
fn binary_size(binary: &Path) -> Row {
    const SCENARIO: &str = "CLI binary size (release runcomfy, as the benchmarks build it)";
    match std::fs::metadata(binary) {
        Err(error) => Row::missing(SCENARIO, format!("{}: {error}", binary.display())),
        Ok(metadata) => size_row(SCENARIO, metadata.len()),
    }
}

fn size_row(scenario: &str, bytes: u64) -> Row {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    under_bound(scenario, "MiB", mib, BINARY_BOUND_MIB)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_row_is_context_beside_the_floor() {
        let row = build_row("b", 90.0, Some(30.0));
        assert_eq!(row.ratio, Some(3.0));
        assert_eq!(row.baseline, Some(30.0));
        assert_eq!(row.pass, None);
        assert_eq!(build_row("b", 90.0, None).ratio, None);
    }

    #[test]
    fn the_binary_is_judged_against_its_bound_in_mib() {
        let row = size_row("s", 12 * 1024 * 1024);
        assert_eq!((row.ours, row.pass), (12.0, Some(true)));
        assert_eq!(size_row("s", 30 * 1024 * 1024).pass, Some(false));
    }

    #[test]
    fn codegen_is_judged_against_its_bound_in_seconds() {
        let row = codegen_row("c", 3.4);
        assert_eq!((row.ours, row.pass), (3.4, Some(true)));
        assert_eq!(row.target, "< 30 s");
        assert_eq!(codegen_row("c", 31.0).pass, Some(false));
    }

    #[test]
    fn quick_skips_the_builds_but_not_the_binary() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let rows = scale(dir.path(), dir.path(), dir.path(), true);
        assert_eq!(rows.len(), 3);
        assert!(
            rows[..2]
                .iter()
                .all(|r| r.baseline_name.as_deref() == Some("skipped in --quick")
                    && r.pass.is_none())
        );
        assert!(rows[2].scenario.starts_with("CLI binary size"));
    }
}
