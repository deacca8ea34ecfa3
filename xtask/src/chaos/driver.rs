//! The course of a chaos run: build, the emulator, the killed and restarted
//! `runcomfy batch` until every input is final, then the evidence and its
//! classification, with a line on stderr for each step.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use super::classify::classify;
use super::evidence::{CliRecord, parse_results};
use super::gather;
use super::http;
use super::inputs::input_line;
use super::journal::JournalWatch;
use super::options::Options;
use super::plan::{Kill, kill_plan};
use super::processes::{RunInfo, build, run_batch, start_emulator};
use super::report::Report;
use crate::files::{read_text, write};

/// Runs after the kills that may be needed to finish every input (a run
/// ends with `error` lines when a job's retries ran out; a re-run resumes).
const FINISHING_RUNS: usize = 8;

/// Builds the binaries, runs the chaos scenario and returns its figures.
/// `Err` when the scenario could not be carried out at all.
pub fn run(root: &Path, options: &Options) -> Result<Report, String> {
    let started = Instant::now();
    say(format!(
        "building runcomfy and runcomfy-emulator ({})",
        if options.debug { "dev" } else { "release" }
    ));
    let bins = build(root, options.debug)?;
    let work = bins.target.join("chaos");
    prepare(&work, options)?;
    let (emulator, address) = start_emulator(&bins.emulator, &work, options)?;
    say(format!(
        "emulator on http://{address}/v1 ({} workers, time scale {}, every fault kind at {}, slow answers {} ms)",
        options.concurrency.max(4),
        options.time_scale,
        options.fault_rate,
        options.slow_ms
    ));
    let mut journal = JournalWatch::new(work.join("inputs.jsonl.journal"));
    let runs = run_until_final(&bins.cli, &work, &address, options, &mut journal)?;
    let listing = http::get_json(&address, "/_emulator/jobs")?;
    drop(emulator);
    let evidence = gather::evidence(
        &work,
        &listing,
        runs.len(),
        options.jobs,
        journal.unknown_after_kill(),
    )?;
    let report = classify(&evidence);
    summarize(&runs, &work, started);
    Ok(report)
}

fn say(text: impl AsRef<str>) {
    eprintln!("chaos: {}", text.as_ref());
}

/// An empty work directory holding the batch's inputs.
fn prepare(work: &Path, options: &Options) -> Result<(), String> {
    match std::fs::remove_dir_all(work) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("cannot clear {}: {e}", work.display()));
        }
        _ => {}
    }
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let inputs: String = (1..=options.jobs).map(|n| input_line(n) + "\n").collect();
    write(&work.join("inputs.jsonl"), inputs.as_bytes())
}

/// Runs the batch, killing it per the plan, then again until every input
/// has a final result or the finishing runs are used up.
fn run_until_final(
    cli: &Path,
    work: &Path,
    address: &str,
    options: &Options,
    journal: &mut JournalWatch,
) -> Result<Vec<RunInfo>, String> {
    let plan = kill_plan(options.seed, options.jobs, options.kills);
    let mut runs: Vec<RunInfo> = Vec::new();
    let mut kills_done = 0;
    loop {
        let number = runs.len() + 1;
        let kill = plan.get(kills_done).copied();
        let info = run_batch(cli, work, address, options, number, kill, journal)?;
        let unfinished = if info.killed {
            options.jobs
        } else {
            unfinished(work, number, options.jobs)
        };
        say(describe(
            number,
            &info,
            kill,
            options.jobs - unfinished,
            options.jobs,
        ));
        let killed = info.killed;
        runs.push(info);
        if killed {
            kills_done += 1;
            continue;
        }
        if unfinished == 0 || runs.len() >= options.kills + FINISHING_RUNS {
            if kills_done < plan.len() {
                say(format!(
                    "only {kills_done} of {} planned kills landed: the batch finished first",
                    plan.len()
                ));
            }
            return Ok(runs);
        }
    }
}

/// The inputs without a final result in run `number`'s results.
fn unfinished(work: &Path, number: usize, jobs: usize) -> usize {
    let results: BTreeMap<usize, CliRecord> =
        parse_results(&read_text(&work.join(format!("results-{number}.jsonl"))));
    (1..=jobs)
        .filter(|line| {
            results
                .get(line)
                .is_none_or(|r| !matches!(r.status.as_str(), "succeeded" | "failed" | "unknown"))
        })
        .count()
}

/// The line said after run `number`.
fn describe(
    number: usize,
    info: &RunInfo,
    kill: Option<Kill>,
    finals: usize,
    jobs: usize,
) -> String {
    match (info.killed, kill) {
        (true, Some(kill)) => format!(
            "run {number}: SIGKILL after {:.1} s ({} of {jobs} inputs final in the journal; planned at {} + {} ms)",
            info.secs, info.finals, kill.after_final, kill.jitter_ms
        ),
        _ => format!(
            "run {number}: exit {} after {:.1} s, {finals} of {jobs} inputs with a final result{}",
            info.exit.map_or("by signal".to_owned(), |c| c.to_string()),
            info.secs,
            if kill.is_some() {
                " (finished before its planned kill)"
            } else {
                ""
            }
        ),
    }
}

/// The closing lines: how many runs, how they ended, where the files are.
fn summarize(runs: &[RunInfo], work: &Path, started: Instant) {
    let killed = runs.iter().filter(|r| r.killed).count();
    say(format!(
        "{} runs ({killed} killed with SIGKILL, {} to finish), last exit {}, {:.1} s in all; files in {}",
        runs.len(),
        runs.len() - killed,
        runs.last()
            .and_then(|r| r.exit)
            .map_or("none".into(), |c| c.to_string()),
        started.elapsed().as_secs_f64(),
        work.display()
    ));
    if let Some(exit) = runs.last().and_then(|r| r.exit)
        && ![0, 1, 75].contains(&exit)
    {
        say(format!(
            "the last run exited {exit} (see {})",
            work.join(format!("run-{}.err", runs.len())).display()
        ));
    }
}
