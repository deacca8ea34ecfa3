//! The child processes of a chaos run: the build of both binaries, the
//! emulator on an ephemeral loopback port, and one `runcomfy batch` killed
//! with SIGKILL per the plan.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::inputs::MODEL_ID;
use super::journal::JournalWatch;
use super::options::Options;
use super::plan::Kill;
use crate::files::{create, read_text};

/// No single run may take longer.
const RUN_LIMIT: Duration = Duration::from_secs(900);

/// A fixed token for the local emulator (it accepts any); not a secret.
const EMULATOR_TOKEN: &str = "chaos-local-emulator";

/// A child process killed (SIGKILL) and reaped when dropped.
pub(super) struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One run of `runcomfy batch`.
#[derive(Debug)]
pub(super) struct RunInfo {
    pub(super) killed: bool,
    pub(super) exit: Option<i32>,
    pub(super) secs: f64,
    pub(super) finals: usize,
}

/// Where the built binaries are.
pub(super) struct Binaries {
    pub(super) target: PathBuf,
    pub(super) cli: PathBuf,
    pub(super) emulator: PathBuf,
}

/// `cargo build` of `runcomfy` and `runcomfy-emulator` (`release` unless
/// `debug`).
pub(super) fn build(root: &Path, debug: bool) -> Result<Binaries, String> {
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
pub(super) fn start_emulator(
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
pub(super) fn run_batch(
    binary: &Path,
    work: &Path,
    address: &str,
    options: &Options,
    number: usize,
    kill: Option<Kill>,
    journal: &mut JournalWatch,
) -> Result<RunInfo, String> {
    let started = Instant::now();
    let mut process = spawn_batch(binary, work, address, options, number)?;
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

/// Starts run `number` of `runcomfy batch` against the emulator, its
/// results, stdout and stderr in files of that number.
fn spawn_batch(
    binary: &Path,
    work: &Path,
    address: &str,
    options: &Options,
    number: usize,
) -> Result<Process, String> {
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
    Ok(Process(child))
}
