//! The progress of one wait on stderr.
//!
//! A live spinner on a terminal, plain lines when stderr is not one,
//! nothing with `-q`.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use runcomfy::{JobStatus, QueueStatus};

use crate::output::Output;

/// Live progress on a terminal; plain lines when stderr is not one.
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    started: Instant,
}

impl Progress {
    pub(crate) fn new(output: &Output) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = (!output.quiet && terminal).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self {
            bar,
            plain: !output.quiet && !terminal,
            started: Instant::now(),
        }
    }

    pub(crate) fn show(&self, status: &JobStatus) {
        let state = match (&status.state, status.queue_position) {
            (QueueStatus::InQueue, Some(position)) => format!("in queue, position {position}"),
            (QueueStatus::InProgress, _) => "in progress".to_owned(),
            (other, _) => other.to_string(),
        };
        let elapsed = self.started.elapsed().as_secs_f64();
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{} · {state} · {elapsed:.0}s", status.request_id));
        } else if self.plain {
            eprintln!("[{elapsed:>7.1}s] {}: {state}", status.request_id);
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
