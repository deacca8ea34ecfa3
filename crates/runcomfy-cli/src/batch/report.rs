//! What a batch reports: result lines, counts, the summary, the verdict.
//!
//! A result line per input (on stdout or in `--results`), the counts as
//! they come, the summary, and the verdict that decides the exit code.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use runcomfy::{Error, FieldError};
use serde_json::{Value, json};

use crate::batch::outcome::{Kind, Outcome};
use crate::batch::progress::Progress;
use crate::exit::CliError;
use crate::gallery::LivePage;
use crate::money;

/// Where result lines go.
pub(crate) struct Sink {
    out: Box<dyn std::io::Write + Send>,
    name: String,
}

impl Sink {
    /// `--results FILE`, else stdout.
    pub(crate) fn open(path: Option<&Path>) -> Result<Self, CliError> {
        match path {
            None => Ok(Self {
                out: Box::new(std::io::stdout()),
                name: "stdout".into(),
            }),
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| {
                    CliError::Output(format!("cannot write {}: {e}", path.display()))
                })?;
                Ok(Self {
                    out: Box::new(file),
                    name: path.display().to_string(),
                })
            }
        }
    }

    /// One JSON line, flushed.
    pub(crate) fn emit(&mut self, value: &Value) -> Result<(), CliError> {
        let mut line = value.to_string();
        line.push('\n');
        self.out
            .write_all(line.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|e| CliError::Output(format!("cannot write results to {}: {e}", self.name)))
    }

    /// A result line for each invalid line; the error lists every one of
    /// their errors, each naming its line.
    pub(crate) fn refuse(
        &mut self,
        invalid: &[(usize, Vec<FieldError>)],
        model_id: &str,
    ) -> Result<CliError, CliError> {
        let mut errors = Vec::new();
        for (line, line_errors) in invalid {
            let text = line_errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            let outcome = Outcome {
                error: Some(text),
                ..Outcome::new(*line, Kind::Invalid)
            };
            self.emit(&outcome.to_json())?;
            errors.extend(line_errors.iter().map(|e| FieldError {
                message: format!("{} (line {line})", e.message),
                ..e.clone()
            }));
        }
        Ok(CliError::Invalid {
            model_id: model_id.to_owned(),
            errors,
        })
    }
}

/// The outcomes of this run as they come: each one's result line printed
/// and counted on the bar.
pub(crate) struct Tally {
    pub(crate) sink: Sink,
    pub(crate) progress: Progress,
    pub(crate) outcomes: Vec<Outcome>,
    /// The page `--gallery` keeps current.
    pub(crate) gallery: Option<LivePage>,
}

impl Tally {
    /// Prints the outcome's result line (none for a line stopped by
    /// Ctrl-C), then `remark`, then counts it.
    pub(crate) fn add(&mut self, outcome: Outcome, remark: Option<String>) -> Result<(), CliError> {
        if outcome.status != Kind::Interrupted {
            self.sink.emit(&outcome.to_json())?;
        }
        if let Some(remark) = remark {
            self.progress.note(remark);
        }
        self.progress.record(&outcome);
        self.outcomes.push(outcome);
        self.refresh_gallery();
        Ok(())
    }

    /// Makes the `--gallery` page again; one that cannot be written is said
    /// and the batch goes on (the page can be made again at any time).
    pub(crate) fn refresh_gallery(&self) {
        if let Some(Err(error)) = self.gallery.as_ref().map(LivePage::refresh) {
            self.progress.note(format!("{error}"));
        }
    }
}

/// The counts of a batch.
pub(crate) struct Summary {
    total: usize,
    by_kind: BTreeMap<&'static str, Vec<usize>>,
    skipped_done: usize,
    cost: Cost,
    /// Lines refused, or not submitted, for an insufficient balance.
    short_of_balance: usize,
}

/// What a batch's jobs cost, as far as the service said.
#[derive(Debug, Default, PartialEq)]
struct Cost {
    /// The sum of the costs the service gave, in USD.
    usd: f64,
    /// The jobs it gave one for.
    known: usize,
    /// The jobs that exist, or may, whose cost it did not give.
    unknown: usize,
}

impl Cost {
    /// The cost of `outcomes`: a line with no job (invalid, refused) costs
    /// nothing and is not counted; one whose submit's outcome is unknown
    /// may have a billed job, of unknown cost.
    fn of(outcomes: &[Outcome]) -> Self {
        let mut cost = Self::default();
        for outcome in outcomes {
            match outcome.cost {
                Some(usd) => {
                    cost.usd += usd;
                    cost.known += 1;
                }
                None if outcome.request_id.is_some() || outcome.status == Kind::Unknown => {
                    cost.unknown += 1;
                }
                None => {}
            }
        }
        cost
    }

    /// What the human summary says of it; nothing when no job exists.
    fn human(&self) -> Option<String> {
        let jobs = |n: usize| format!("{n} job{}", if n == 1 { "" } else { "s" });
        match (self.known, self.unknown) {
            (0, 0) => None,
            (0, unknown) => Some(format!(
                "cost unknown ({}: the service did not say)",
                jobs(unknown)
            )),
            (_, 0) => Some(format!("cost {}", money::usd(self.usd))),
            (_, unknown) => Some(format!(
                "cost {} and {} of unknown cost",
                money::usd(self.usd),
                jobs(unknown)
            )),
        }
    }
}

impl Summary {
    pub(crate) fn of(outcomes: &[Outcome], total: usize) -> Self {
        let mut by_kind: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
        for outcome in outcomes {
            by_kind
                .entry(outcome.status.as_str())
                .or_default()
                .push(outcome.line);
        }
        for lines in by_kind.values_mut() {
            lines.sort_unstable();
        }
        Self {
            total,
            by_kind,
            skipped_done: outcomes.iter().filter(|o| o.from_journal).count(),
            cost: Cost::of(outcomes),
            short_of_balance: outcomes.iter().filter(|o| o.shortfall.is_some()).count(),
        }
    }

    fn count(&self, kind: Kind) -> usize {
        self.by_kind.get(kind.as_str()).map_or(0, Vec::len)
    }

    /// The summary line of `--json`.
    pub(crate) fn to_json(&self) -> Value {
        json!({"summary": {
            "total": self.total,
            "succeeded": self.count(Kind::Succeeded),
            "failed": self.count(Kind::Failed),
            "cancelled": self.count(Kind::Cancelled),
            "unknown": self.count(Kind::Unknown),
            "invalid": self.count(Kind::Invalid),
            "errors": self.count(Kind::Error),
            "interrupted": self.count(Kind::Interrupted),
            "skipped_done": self.skipped_done,
            "cost_usd": money::rounded(self.cost.usd),
            "cost_unknown": self.cost.unknown,
            "insufficient_balance": self.short_of_balance,
        }})
    }

    /// The summary for a person: counts, the lines of each kind but success.
    pub(crate) fn human(&self, elapsed: Duration) -> String {
        let mut parts = vec![format!("{} succeeded", self.count(Kind::Succeeded))];
        for kind in [
            Kind::Failed,
            Kind::Cancelled,
            Kind::Unknown,
            Kind::Invalid,
            Kind::Error,
            Kind::Interrupted,
        ] {
            if let Some(lines) = self.by_kind.get(kind.as_str()) {
                let mut shown = lines
                    .iter()
                    .take(10)
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                if lines.len() > 10 {
                    shown.push_str(", …");
                }
                parts.push(format!(
                    "{} {} (line{} {shown})",
                    lines.len(),
                    kind.as_str(),
                    if lines.len() == 1 { "" } else { "s" }
                ));
            }
        }
        let mut text = format!(
            "batch: {} input{} in {:.1}s: {}",
            self.total,
            if self.total == 1 { "" } else { "s" },
            elapsed.as_secs_f64(),
            parts.join(", ")
        );
        if let Some(cost) = self.cost.human() {
            text.push_str("; ");
            text.push_str(&cost);
        }
        if self.skipped_done > 0 {
            text.push_str(&format!(
                "; {} finished in an earlier run",
                self.skipped_done
            ));
        }
        if self.short_of_balance > 0 {
            text.push_str(&format!(
                "\n  the balance ran out: {} refused or not submitted for an insufficient balance; add funds, then re-run the same command to submit {}",
                count_lines(self.short_of_balance),
                if self.short_of_balance == 1 { "it" } else { "them" }
            ));
        }
        if self.count(Kind::Unknown) > 0 {
            text.push_str("\n  unknown: a billed job may exist for these lines; check before re-running with --resubmit-unknown");
        }
        text
    }
}

/// `1 line`, `3 lines`.
fn count_lines(n: usize) -> String {
    format!("{n} line{}", if n == 1 { "" } else { "s" })
}

/// The exit: 0 when every input succeeded; 1 when any job failed or was
/// cancelled; else the first error's own code (a timeout or the network: a
/// re-run resumes); else 75 when any submit's outcome is unknown.
pub(crate) fn verdict(outcomes: Vec<Outcome>, model_id: &str) -> Result<(), CliError> {
    worst(outcomes, model_id).map_err(|cause| CliError::Batch {
        code: cause.code(),
        message: format!("batch incomplete: {cause}"),
    })
}

fn worst(mut outcomes: Vec<Outcome>, model_id: &str) -> Result<(), CliError> {
    outcomes.sort_by_key(|outcome| outcome.line);
    let unknown = outcomes
        .iter()
        .filter(|o| o.status == Kind::Unknown)
        .count();
    let mut first = |kinds: &[Kind]| {
        outcomes
            .iter_mut()
            .filter(|o| kinds.contains(&o.status))
            .find_map(|o| o.cause.take())
    };
    if let Some(cause) = first(&[Kind::Failed, Kind::Cancelled]) {
        return Err(cause);
    }
    if let Some(cause) = first(&[Kind::Error, Kind::Invalid]) {
        return Err(cause);
    }
    match first(&[Kind::Unknown]) {
        Some(CliError::Client(Error::OutcomeUnknown { reason, .. })) if unknown > 1 => {
            Err(CliError::Client(Error::OutcomeUnknown {
                model_id: model_id.to_owned(),
                reason: format!(
                    "{reason}; and {} more line{}",
                    unknown - 1,
                    if unknown == 2 { "" } else { "s" }
                ),
            }))
        }
        Some(cause) => Err(cause),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(line: usize, status: Kind, request_id: Option<&str>, cost: Option<f64>) -> Outcome {
        Outcome {
            request_id: request_id.map(str::to_owned),
            cost,
            ..Outcome::new(line, status)
        }
    }

    #[test]
    fn the_cost_totals_what_the_service_said_and_counts_the_jobs_it_did_not() {
        let outcomes = [
            line(1, Kind::Succeeded, Some("r1"), Some(0.49)),
            line(2, Kind::Succeeded, Some("r2"), Some(0.07 * 3.0)),
            line(3, Kind::Succeeded, Some("r3"), None),
            line(4, Kind::Failed, Some("r4"), None),
            line(5, Kind::Unknown, None, None),
            line(6, Kind::Invalid, None, None),
            line(7, Kind::Error, None, None),
        ];
        let cost = Cost::of(&outcomes);
        assert_eq!(cost.known, 2);
        assert_eq!(
            cost.unknown, 3,
            "3 and 4 have a job, 5 may; 6 and 7 have none"
        );
        let summary = Summary::of(&outcomes, 7).to_json();
        assert_eq!(summary["summary"]["cost_usd"], 0.7);
        assert_eq!(summary["summary"]["cost_unknown"], 3);
        assert_eq!(
            cost.human().as_deref(),
            Some("cost $0.70 and 3 jobs of unknown cost")
        );
    }

    #[test]
    fn the_human_cost_says_plainly_what_is_known() {
        let known = [line(1, Kind::Succeeded, Some("r1"), Some(0.49))];
        assert_eq!(Cost::of(&known).human().as_deref(), Some("cost $0.49"));
        let unknown = [line(1, Kind::Succeeded, Some("r1"), None)];
        assert_eq!(
            Cost::of(&unknown).human().as_deref(),
            Some("cost unknown (1 job: the service did not say)")
        );
        let no_job = [line(1, Kind::Invalid, None, None)];
        assert_eq!(Cost::of(&no_job).human(), None);
    }
}
