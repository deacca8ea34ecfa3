//! The processes of a chaos run: build, the emulator, the killed and
//! restarted `runcomfy batch`, then the evidence for the classification.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead as _, BufReader, Read as _, Seek as _, SeekFrom, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{
    CliRecord, Digest, Evidence, JournalFacts, MODEL_ID, Options, Report, classify, input_line,
    kill_plan, parse_http, parse_listing, parse_results,
};

/// Runs after the kills that may be needed to finish every input (a run
/// ends with `error` lines when a job's retries ran out; a re-run resumes).
const FINISHING_RUNS: usize = 8;

/// No single run may take longer.
const RUN_LIMIT: Duration = Duration::from_secs(900);

/// A fixed token for the local emulator (it accepts any); not a secret.
const EMULATOR_TOKEN: &str = "chaos-local-emulator";

/// A child process killed (SIGKILL) and reaped when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One run of `runcomfy batch`.
#[derive(Debug)]
struct RunInfo {
    killed: bool,
    exit: Option<i32>,
    secs: f64,
    finals: usize,
}

/// Builds the binaries, runs the chaos scenario and returns its figures.
/// `Err` when the scenario could not be carried out at all.
pub fn run(root: &Path, options: &Options) -> Result<Report, String> {
    let started = Instant::now();
    let bins = build(root, options.debug)?;
    let work = bins.target.join("chaos");
    match std::fs::remove_dir_all(&work) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("cannot clear {}: {e}", work.display()));
        }
        _ => {}
    }
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let inputs: String = (1..=options.jobs).map(|n| input_line(n) + "\n").collect();
    write(&work.join("inputs.jsonl"), inputs.as_bytes())?;

    let (emulator, address) = start_emulator(&bins.emulator, &work, options)?;
    say(format!(
        "emulator on http://{address}/v1 ({} workers, time scale {}, every fault kind at {}, slow answers {} ms)",
        options.concurrency.max(4),
        options.time_scale,
        options.fault_rate,
        options.slow_ms
    ));

    let plan = kill_plan(options.seed, options.jobs, options.kills);
    let mut journal = JournalWatch::new(work.join("inputs.jsonl.journal"));
    let mut runs: Vec<RunInfo> = Vec::new();
    let mut kills_done = 0;
    loop {
        let number = runs.len() + 1;
        let kill = plan.get(kills_done).copied();
        let info = run_batch(
            &bins.cli,
            &work,
            &address,
            options,
            number,
            kill,
            &mut journal,
        )?;
        let results = if info.killed {
            BTreeMap::new()
        } else {
            parse_results(&read_text(&work.join(format!("results-{number}.jsonl"))))
        };
        let unfinished = (1..=options.jobs)
            .filter(|line| {
                results.get(line).is_none_or(|r: &CliRecord| {
                    !matches!(r.status.as_str(), "succeeded" | "failed" | "unknown")
                })
            })
            .count();
        say(match (info.killed, kill) {
            (true, Some(kill)) => format!(
                "run {number}: SIGKILL after {:.1} s ({} of {} inputs final in the journal; planned at {} + {} ms)",
                info.secs, info.finals, options.jobs, kill.after_final, kill.jitter_ms
            ),
            _ => format!(
                "run {number}: exit {} after {:.1} s, {} of {} inputs with a final result{}",
                info.exit.map_or("by signal".to_owned(), |c| c.to_string()),
                info.secs,
                options.jobs - unfinished,
                options.jobs,
                if kill.is_some() {
                    " (finished before its planned kill)"
                } else {
                    ""
                }
            ),
        });
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
            break;
        }
    }
    let last = runs.len();

    let listing = http_get_json(&address, "/_emulator/jobs")?;
    drop(emulator);
    let (submits, jobs) = parse_listing(&listing)?;
    let records = parse_results(&read_text(&work.join(format!("results-{last}.jsonl"))));
    let mut files = BTreeMap::new();
    for file in records.values().flat_map(|r| r.files.iter()) {
        let digest = std::fs::read(work.join(file)).ok().map(|b| Digest::of(&b));
        files.insert(file.clone(), digest);
    }
    let named: BTreeSet<PathBuf> = files.keys().map(|f| work.join(f)).collect();
    let mut stray_files = Vec::new();
    walk(&work.join("out"), &mut |path| {
        if !named.contains(path) {
            stray_files.push(
                path.strip_prefix(&work)
                    .unwrap_or(path)
                    .display()
                    .to_string(),
            );
        }
    });
    let mut panics = Vec::new();
    let mut logs: Vec<(String, PathBuf)> = (1..=last)
        .map(|n| (format!("run {n}"), work.join(format!("run-{n}.err"))))
        .collect();
    logs.push(("emulator".into(), work.join("emulator.err")));
    for (name, path) in logs {
        for line in read_text(&path).lines().filter(|l| l.contains("panicked")) {
            panics.push(format!("{name}: {line}"));
        }
    }
    journal.finals();
    let report = classify(&Evidence {
        unknown_after_kill: journal.facts.unknown_after_kill.clone(),
        inputs: options.jobs,
        records,
        submits,
        jobs,
        files,
        stray_files,
        panics,
    });
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
            work.join(format!("run-{last}.err")).display()
        ));
    }
    Ok(report)
}

fn say(text: impl AsRef<str>) {
    eprintln!("chaos: {}", text.as_ref());
}

struct Binaries {
    target: PathBuf,
    cli: PathBuf,
    emulator: PathBuf,
}

fn build(root: &Path, debug: bool) -> Result<Binaries, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root).args([
        "build",
        "--quiet",
        "-p",
        "runcomfy-cli",
        "-p",
        "runcomfy-emulator",
    ]);
    if !debug {
        command.arg("--release");
    }
    say(format!(
        "building runcomfy and runcomfy-emulator ({})",
        if debug { "dev" } else { "release" }
    ));
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build failed ({status})"));
    }
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    };
    let profile = target.join(if debug { "debug" } else { "release" });
    Ok(Binaries {
        cli: profile.join("runcomfy"),
        emulator: profile.join("runcomfy-emulator"),
        target,
    })
}

/// Starts the emulator on an ephemeral loopback port; returns it and its
/// `127.0.0.1:PORT`, read from the line it prints.
fn start_emulator(
    binary: &Path,
    work: &Path,
    options: &Options,
) -> Result<(Process, String), String> {
    let stderr = create(&work.join("emulator.err"))?;
    let mut child = Command::new(binary)
        .args(options.emulator_args())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("the emulator has no stdout")?;
    let process = Process(child);
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = sender.send(lines.next());
        // Keep reading so that the emulator never blocks on a full pipe.
        for _ in lines {}
    });
    let line = match receiver.recv_timeout(Duration::from_secs(30)) {
        Ok(Some(Ok(line))) => line,
        _ => {
            return Err(format!(
                "the emulator did not say where it listens: {}",
                read_text(&work.join("emulator.err"))
            ));
        }
    };
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .filter(|address| address.starts_with("127.0.0.1:"))
        .ok_or_else(|| format!("unexpected first line from the emulator: {line}"))?
        .to_owned();
    Ok((process, address))
}

/// One `runcomfy batch` on the work directory's journal; killed with
/// SIGKILL per `kill` unless it finishes first.
fn run_batch(
    binary: &Path,
    work: &Path,
    address: &str,
    options: &Options,
    number: usize,
    kill: Option<super::Kill>,
    journal: &mut JournalWatch,
) -> Result<RunInfo, String> {
    let started = Instant::now();
    let child = Command::new(binary)
        .current_dir(work)
        .env_remove("RUNCOMFY_TOKEN")
        .env_remove("RUNCOMFY_MODEL_API_BASE")
        .env_remove("RUNCOMFY_MAX_REQUESTS_PER_SECOND")
        .env("RUNCOMFY_API_TOKEN", EMULATOR_TOKEN)
        .env("NO_COLOR", "1")
        .args([
            "--base-url",
            &format!("http://{address}/v1"),
            "--max-requests-per-second",
            "0",
            "--json",
            "batch",
            MODEL_ID,
            "--inputs",
            "inputs.jsonl",
            "--output-dir",
            "out",
            "--concurrency",
            &options.concurrency.to_string(),
            "--results",
            &format!("results-{number}.jsonl"),
        ])
        .stdin(Stdio::null())
        .stdout(create(&work.join(format!("run-{number}.out")))?)
        .stderr(create(&work.join(format!("run-{number}.err")))?)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let mut process = Process(child);
    let mut fire_at: Option<Instant> = None;
    loop {
        if let Some(status) = process
            .0
            .try_wait()
            .map_err(|e| format!("run {number}: {e}"))?
        {
            return Ok(RunInfo {
                killed: false,
                exit: status.code(),
                secs: started.elapsed().as_secs_f64(),
                finals: journal.finals(),
            });
        }
        if started.elapsed() > RUN_LIMIT {
            return Err(format!(
                "run {number} neither finished nor was killed within {} s",
                RUN_LIMIT.as_secs()
            ));
        }
        if let Some(kill) = kill {
            if fire_at.is_none() && journal.finals() >= kill.after_final {
                fire_at = Some(Instant::now() + Duration::from_millis(kill.jitter_ms));
            }
            if fire_at.is_some_and(|at| Instant::now() >= at) {
                // std's kill is SIGKILL on Unix: no handler, no clean-up.
                process
                    .0
                    .kill()
                    .map_err(|e| format!("run {number}: cannot kill: {e}"))?;
                let status = process.0.wait().map_err(|e| format!("run {number}: {e}"))?;
                return Ok(RunInfo {
                    killed: status.code().is_none(),
                    exit: status.code(),
                    secs: started.elapsed().as_secs_f64(),
                    finals: journal.finals(),
                });
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Follows the journal as runs append to it, reading each byte once.
struct JournalWatch {
    path: PathBuf,
    offset: u64,
    facts: JournalFacts,
}

impl JournalWatch {
    fn new(path: PathBuf) -> Self {
        Self {
            path,
            offset: 0,
            facts: JournalFacts::default(),
        }
    }

    /// Reads what was appended since; returns the inputs now final.
    fn finals(&mut self) -> usize {
        let Ok(mut file) = std::fs::File::open(&self.path) else {
            return self.facts.finals();
        };
        let length = file.metadata().map_or(0, |m| m.len());
        if length < self.offset {
            // A run cut a torn record off: read it all again.
            *self = Self::new(self.path.clone());
        }
        let mut fresh = Vec::new();
        if file.seek(SeekFrom::Start(self.offset)).is_ok() {
            let _ = file.read_to_end(&mut fresh);
        }
        // Complete records only; a partial one is read again next time.
        if let Some(end) = fresh.iter().rposition(|&b| b == b'\n') {
            for line in String::from_utf8_lossy(&fresh[..end]).lines() {
                self.facts.record(line);
            }
            self.offset += end as u64 + 1;
        }
        self.facts.finals()
    }
}

/// `GET path` on loopback, as JSON (one request, `Connection: close`).
fn http_get_json(address: &str, path: &str) -> Result<Value, String> {
    let fail = |e: std::io::Error| format!("GET http://{address}{path}: {e}");
    let mut stream = TcpStream::connect(address).map_err(fail)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(300)))
        .map_err(fail)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )
    .map_err(fail)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(fail)?;
    let (status, body) = parse_http(&raw)?;
    if status != 200 {
        return Err(format!(
            "GET http://{address}{path}: HTTP {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    serde_json::from_slice(&body).map_err(|e| format!("GET http://{address}{path}: {e}"))
}

/// Every file under `dir`, recursively.
fn walk(dir: &Path, found: &mut dyn FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found);
        } else {
            found(&path);
        }
    }
}

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn create(path: &Path) -> Result<std::fs::File, String> {
    std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
