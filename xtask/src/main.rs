//! `cargo xtask <task>`; see `cargo xtask help`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check]
       cargo xtask bench [--quick] [--publish]
       cargo xtask chaos [--jobs N] [--seed N] [--kills N] [--concurrency N] [--time-scale X] [--fault-rate P] [--slow-ms MS] [--debug]
       cargo xtask catalog import FILE [--check]
       cargo xtask emulate-all [--concurrency N]
       cargo xtask tidy
       cargo xtask package

  codegen          regenerate schemas/openapi.json and the generated Rust code from schemas/
  codegen --check  regenerate in memory; fail with a diff if a checked-in file is stale
  bench            run every benchmark scenario beside its baseline; one table, also as
                   target/bench/report.json, and the polling picture target/bench/polling.svg
  bench --quick    the same at small sizes (under two minutes once built)
  bench --publish  also put the table into docs/benchmarks.md and the picture into docs/
  chaos            `runcomfy batch` of N inputs (default 500) against the emulator with every
                   fault kind at 10%, killed with SIGKILL 3 times at seeded random moments and
                   restarted on the same journal; checks on the emulator's side that no input
                   was lost or submitted twice and that every download is byte-identical;
                   --debug uses dev-profile binaries
  catalog import   write schemas/models/<model id>/ (input.json, output.json, model.json) for every
                   model of a saved catalog answer: the live API's {models: [...], total: N}
                   or the provider's snapshot; curated folders are kept, folders the answer no
                   longer lists are removed; warnings on stderr
  catalog import --check
                   write nothing; name each model that would be added, removed or changed and
                   what changes in each; exit 1 if anything would
  emulate-all      every model of the catalog on an in-process emulator through the client:
                   a minimal valid input built from its schema and validated, submitted, waited
                   for, downloaded and read by ffprobe (kind, asked length and size); one line
                   a model, a summary; exit 1 naming every model that failed (default 8 at once)
  tidy             check the tree: files within 600 lines, functions within 80, a `//!` line
                   first in every module, every module in ARCHITECTURE.md's code map, no two
                   files of a crate importing each other; prints each violation, exit 1 if any
  package          `cargo package --workspace` (each crate built from its package alone) on a
                   copy of the tree in target/package-check/ whose workspace says publish = true";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["bench", flags @ ..] => bench(flags),
        ["chaos", rest @ ..] => chaos(rest),
        ["catalog", "import", rest @ ..] => catalog_import(rest),
        ["emulate-all", rest @ ..] => emulate_all(rest),
        ["tidy"] => tidy(),
        ["package"] => match xtask::package::run(&xtask::repository_root()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("package: {error}");
                ExitCode::FAILURE
            }
        },
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(64)
        }
    }
}

fn bench(flags: &[&str]) -> ExitCode {
    let mut options = xtask::bench::Options::default();
    for flag in flags {
        match *flag {
            "--quick" => options.quick = true,
            "--publish" => options.publish = true,
            other => {
                eprintln!("unknown flag {other:?}\n{USAGE}");
                return ExitCode::from(64);
            }
        }
    }
    match xtask::bench::run(&xtask::repository_root(), options) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn chaos(args: &[&str]) -> ExitCode {
    let default_seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let options = match xtask::chaos::Options::parse(args, default_seed) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(64);
        }
    };
    eprintln!(
        "chaos: seed {} (repeat the plan with --seed {}), {} inputs, {} kills, concurrency {}",
        options.seed, options.seed, options.jobs, options.kills, options.concurrency
    );
    let report = match xtask::chaos::run(&xtask::repository_root(), &options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: the chaos run could not be carried out: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", report.table());
    let failures = report.failures();
    if failures.is_empty() {
        println!("chaos: passed (seed {})", options.seed);
        return ExitCode::SUCCESS;
    }
    for problem in report.problems.iter().take(30) {
        eprintln!("  {problem}");
    }
    if report.problems.len() > 30 {
        eprintln!("  … and {} more", report.problems.len() - 30);
    }
    eprintln!(
        "error: chaos run short of its target (seed {}): {}",
        options.seed,
        failures.join("; ")
    );
    ExitCode::FAILURE
}

fn catalog_import(args: &[&str]) -> ExitCode {
    let check = args.contains(&"--check");
    let files: Vec<&&str> = args.iter().filter(|arg| **arg != "--check").collect();
    let [file] = files.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(64);
    };
    let outcome = match xtask::catalog::import(
        &xtask::repository_root(),
        std::path::Path::new(file),
        check,
    ) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error}\nnothing was written");
            return ExitCode::FAILURE;
        }
    };
    for warning in &outcome.warnings {
        eprintln!("warning: {warning}");
    }
    print!("{}", xtask::catalog::report::changes(&outcome.changes));
    println!("{}", xtask::catalog::report::summary(&outcome));
    let warnings = xtask::catalog::report::warning_counts(&outcome.warnings);
    if !warnings.is_empty() {
        eprintln!("catalog: {warnings}");
    }
    if check && !outcome.changes.is_empty() {
        println!("catalog: the import would change these models; run it without --check");
        return ExitCode::FAILURE;
    }
    if !check {
        println!(
            "catalog: {} files written or removed",
            outcome.written.len()
        );
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "emulate")]
fn emulate_all(args: &[&str]) -> ExitCode {
    let concurrency = match args {
        [] => xtask::emulate_all::DEFAULT_CONCURRENCY,
        ["--concurrency", n] if n.parse::<usize>().is_ok_and(|n| n > 0) => n.parse().unwrap_or(1),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(64);
        }
    };
    let report =
        match xtask::emulate_all::run(concurrency, |outcome| println!("{}", outcome.line())) {
            Ok(report) => report,
            Err(error) => {
                eprintln!("error: emulate-all could not run: {error}");
                return ExitCode::FAILURE;
            }
        };
    println!("{}", report.summary());
    if report.failed().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(not(feature = "emulate"))]
fn emulate_all(_: &[&str]) -> ExitCode {
    eprintln!("error: this xtask was built without its `emulate` feature (on by default)");
    ExitCode::FAILURE
}

fn tidy() -> ExitCode {
    let violations = match xtask::tidy::check(&xtask::repository_root()) {
        Ok(violations) => violations,
        Err(error) => {
            eprintln!("error: cannot read the tree: {error}");
            return ExitCode::FAILURE;
        }
    };
    for violation in &violations {
        println!("{violation}");
    }
    if violations.is_empty() {
        println!("tidy: no violations");
        return ExitCode::SUCCESS;
    }
    let counts: Vec<String> = xtask::tidy::Rule::ALL
        .iter()
        .map(|rule| {
            let count = violations.iter().filter(|v| v.rule == *rule).count();
            format!("{} {count}", rule.name())
        })
        .collect();
    println!(
        "tidy: {} violations ({})",
        violations.len(),
        counts.join(", ")
    );
    ExitCode::FAILURE
}

fn codegen(check: bool) -> ExitCode {
    let root = xtask::repository_root();
    let outcome = if check {
        check_only(&root)
    } else {
        xtask::regenerate(&root).map(report_written)
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}\nnothing was written");
            ExitCode::FAILURE
        }
    }
}

fn check_only(root: &std::path::Path) -> Result<ExitCode, xtask::CodegenError> {
    let files = xtask::generate(root)?;
    let stale = xtask::check(root, &files);
    if stale.is_empty() {
        println!("generated code is up to date ({} files)", files.len());
        return Ok(ExitCode::SUCCESS);
    }
    for file in &stale {
        eprintln!("{}", file.diff);
    }
    let names: Vec<String> = stale.iter().map(|s| s.path.display().to_string()).collect();
    eprintln!(
        "error: stale generated files: {}\nrun `cargo xtask codegen` and commit the result",
        names.join(", ")
    );
    Ok(ExitCode::FAILURE)
}

fn report_written(changed: Vec<std::path::PathBuf>) -> ExitCode {
    if changed.is_empty() {
        println!("generated code is up to date");
    }
    for path in changed {
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
