//! The figures of a chaos run: what falls short of the target, and the
//! table printed at the end.

use std::fmt::{Display, Write as _};

/// The figures of a chaos run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Inputs in the batch.
    pub inputs: usize,
    /// Submits the emulator accepted.
    pub submits: u64,
    /// Jobs the emulator holds.
    pub jobs: usize,
    /// Inputs with exactly one job on the emulator.
    pub submitted_once: usize,
    /// Inputs with no job on the emulator.
    pub never_submitted: usize,
    /// Inputs with more than one job on the emulator.
    pub duplicated: usize,
    /// Succeeded, downloaded, byte-identical to what the emulator serves.
    pub succeeded: usize,
    /// Reported failed, and the emulator failed the job.
    pub failed: usize,
    /// Reported unknown (not resubmitted); the job exists on the emulator.
    pub unknown_with_job: usize,
    /// Reported unknown (not resubmitted); no job exists (the fault came
    /// before the queue, which the client cannot know).
    pub unknown_without_job: usize,
    /// Of the unknown: left by a kill between an intent and its answer.
    pub unknown_after_kill: usize,
    /// Of those: the ones with a job on the emulator (the submit was
    /// carried out before the kill).
    pub unknown_after_kill_with_job: usize,
    /// Inputs with no final record, plus jobs nobody accounted for.
    pub lost: usize,
    /// Succeeded files missing or different from what the emulator serves.
    pub not_identical: usize,
    /// Records that contradict the emulator (a state or request id that
    /// does not match).
    pub inconsistent: usize,
    /// Files in the output directory that no record names.
    pub stray_files: usize,
    /// "panicked" in any stderr.
    pub panics: usize,
    /// What each problem is, naming the line or job.
    pub problems: Vec<String>,
}

/// The note of a figure whose target is zero.
const TARGET_ZERO: &str = "target 0";

/// The note of an unknown outcome.
const NOT_RESUBMITTED: &str = "reported, not resubmitted";

/// The note of the inputs that never reached the queue.
const BEFORE_THE_QUEUE: &str = "each reported `unknown`: a fault or a kill came before the queue";

impl Report {
    /// What falls short of the target; empty when the run passed.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        let mut zero = |count: usize, what: &str| {
            if count > 0 {
                failures.push(format!("{what}: {count} (target 0)"));
            }
        };
        zero(self.lost, "lost");
        zero(self.duplicated, "duplicated");
        zero(self.panics, "panics");
        zero(self.not_identical, "files not byte-identical");
        zero(self.inconsistent, "records contradicting the emulator");
        zero(self.stray_files, "stray files");
        if self.submits != self.jobs as u64 {
            failures.push(format!(
                "the emulator accepted {} submits but lists {} jobs",
                self.submits, self.jobs
            ));
        }
        if self.succeeded == 0 {
            failures.push("nothing succeeded: the run proves nothing".into());
        }
        failures
    }

    /// The figures as a table.
    pub fn table(&self) -> String {
        let kill_note = format!(
            "killed between the intent and the answer; {} with a job",
            self.unknown_after_kill_with_job
        );
        let rows: [(&str, &dyn Display, &str); 15] = [
            ("inputs", &self.inputs, ""),
            ("submits accepted (emulator)", &self.submits, ""),
            ("inputs submitted exactly once", &self.submitted_once, ""),
            (
                "inputs never submitted",
                &self.never_submitted,
                BEFORE_THE_QUEUE,
            ),
            ("succeeded, downloaded, byte-identical", &self.succeeded, ""),
            ("failed (the emulator failed the job)", &self.failed, ""),
            (
                "unknown outcome, job exists",
                &self.unknown_with_job,
                NOT_RESUBMITTED,
            ),
            (
                "unknown outcome, no job",
                &self.unknown_without_job,
                NOT_RESUBMITTED,
            ),
            (
                "  of the unknown: left by a kill",
                &self.unknown_after_kill,
                &kill_note,
            ),
            ("lost", &self.lost, TARGET_ZERO),
            ("duplicated", &self.duplicated, TARGET_ZERO),
            ("files not byte-identical", &self.not_identical, TARGET_ZERO),
            (
                "records contradicting the emulator",
                &self.inconsistent,
                TARGET_ZERO,
            ),
            ("stray files", &self.stray_files, TARGET_ZERO),
            ("panics", &self.panics, TARGET_ZERO),
        ];
        let mut text = String::new();
        for (what, value, note) in rows {
            let _ = writeln!(text, "  {what:<40} {value:>6}  {note}");
        }
        text
    }
}
