//! The counts of a batch on stderr as its lines finish.
//!
//! A bar on a terminal, a line now and then otherwise, nothing with `-q`.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use crate::batch::outcome::{Kind, Outcome};
use crate::output::Output;

/// Counts on stderr: a bar on a terminal, a line now and then otherwise,
/// nothing with `-q`.
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    started: Instant,
    last_line: Option<Instant>,
    total: usize,
    finished: usize,
    succeeded: usize,
    failed: usize,
    unknown: usize,
    errors: usize,
}

impl Progress {
    const PLAIN_EVERY: Duration = Duration::from_secs(5);

    /// Shown at once, with nothing finished of `total`.
    pub(crate) fn new(output: &Output, total: usize) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = (!output.quiet && terminal).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            ) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        let progress = Self {
            bar,
            plain: !output.quiet && !terminal,
            started: Instant::now(),
            last_line: None,
            total,
            finished: 0,
            succeeded: 0,
            failed: 0,
            unknown: 0,
            errors: 0,
        };
        progress.show();
        progress
    }

    fn counts(&self) -> String {
        let mut text = format!(
            "{} succeeded · {} failed · {} unknown",
            self.succeeded, self.failed, self.unknown
        );
        if self.errors > 0 {
            text.push_str(&format!(" · {} errors", self.errors));
        }
        text
    }

    fn show(&self) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.finished as u64);
            bar.set_message(self.counts());
        }
    }

    /// Counts one line's outcome (a line stopped by Ctrl-C is not finished).
    pub(crate) fn record(&mut self, outcome: &Outcome) {
        match outcome.status {
            Kind::Succeeded => self.succeeded += 1,
            Kind::Failed | Kind::Cancelled => self.failed += 1,
            Kind::Unknown => self.unknown += 1,
            Kind::Invalid | Kind::Error => self.errors += 1,
            Kind::Interrupted => return,
        }
        self.finished += 1;
        self.show();
        if self.plain
            && (self.finished == self.total
                || self
                    .last_line
                    .is_none_or(|at| at.elapsed() >= Self::PLAIN_EVERY))
        {
            self.last_line = Some(Instant::now());
            eprintln!(
                "[{:>7.1}s] batch: {}/{} finished ({})",
                self.started.elapsed().as_secs_f64(),
                self.finished,
                self.total,
                self.counts()
            );
        }
    }

    /// A message that must not tear the bar.
    pub(crate) fn note(&self, text: impl AsRef<str>) {
        match &self.bar {
            Some(bar) => bar.println(text.as_ref()),
            None if self.plain => eprintln!("{}", text.as_ref()),
            None => {}
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
