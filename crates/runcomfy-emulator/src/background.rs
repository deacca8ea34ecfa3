//! An emulator on a thread and runtime of its own ([`BackgroundEmulator`]),
//! for synchronous programs and benchmarks whose own runtime should not
//! share its threads.

use crate::config::EmulatorConfig;
use crate::emulator::{Emulator, StartError};
use crate::stats::Stats;

/// An emulator on a thread and runtime of its own, for synchronous programs
/// and benchmarks whose own runtime should not share its threads. Dropping
/// it stops it.
#[derive(Debug)]
pub struct BackgroundEmulator {
    base_url: String,
    stats: Stats,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundEmulator {
    /// The API base, including `/v1`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// What happened so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

impl Drop for BackgroundEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Emulator {
    /// Starts an emulator on a new thread with a one-worker runtime of its own.
    pub fn start_in_background(config: EmulatorConfig) -> Result<BackgroundEmulator, StartError> {
        let (started, ready) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = started.send(Err(StartError::Runtime(e.to_string())));
                    return;
                }
            };
            runtime.block_on(async move {
                match Emulator::start(config).await {
                    Ok(emulator) => {
                        let _ = started.send(Ok((emulator.base_url(), emulator.stats().clone())));
                        let _ = stopped.await;
                    }
                    Err(e) => {
                        let _ = started.send(Err(e));
                    }
                }
            });
        });
        match ready.recv() {
            Ok(Ok((base_url, stats))) => Ok(BackgroundEmulator {
                base_url,
                stats,
                stop: Some(stop),
                thread: Some(thread),
            }),
            Ok(Err(error)) => Err(error),
            Err(_) => Err(StartError::Runtime(
                "the emulator's thread ended before it started".into(),
            )),
        }
    }
}
