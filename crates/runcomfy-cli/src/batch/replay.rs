//! What the journal says of each line: its records replayed into the line's phase.
//!
//! In order, one record at a time. Pure: no I/O, no clock.

use std::collections::BTreeMap;
use std::path::Path;

use crate::batch::args::BatchArgs;
use crate::batch::inputs::Input;
use crate::batch::record::{Event, Finished, Record};
use crate::exit::CliError;

/// Where a line stands after the journal's records.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Phase {
    /// Nothing was sent, or the service certainly refused what was.
    New,
    /// A submit was decided and its answer not recorded: it may have been sent.
    Intent,
    /// A submit whose outcome is unknown, and why.
    Unknown(String),
    /// The service took the submit: the job's request id, and since when the
    /// journal knew it (unix seconds; unknown in earlier builds' records).
    Submitted(String, Option<u64>),
    /// The job finished.
    Done(Finished),
}

/// Why a journal is not this batch's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mismatch {
    /// It belongs to a batch of this other model.
    OtherModel(String),
    /// These lines (in order) differ from what it recorded of them.
    ChangedLines(Vec<usize>),
}

/// Replays `records`, refusing a journal of another model than `model_id`
/// or of an input file that changed since.
pub(crate) fn replay(
    records: &[Record],
    inputs: &BTreeMap<usize, Input>,
    model_id: &str,
) -> Result<BTreeMap<usize, Phase>, Mismatch> {
    let mut phases: BTreeMap<usize, Phase> = BTreeMap::new();
    let mut changed = Vec::new();
    for record in records {
        if let Event::Intent {
            hash,
            model_id: recorded,
        } = &record.event
        {
            if recorded != model_id {
                return Err(Mismatch::OtherModel(recorded.clone()));
            }
            if inputs
                .get(&record.line)
                .is_none_or(|input| input.hash != *hash)
                && !changed.contains(&record.line)
            {
                changed.push(record.line);
            }
        }
        let phase = phases.entry(record.line).or_insert(Phase::New);
        advance(phase, &record.event);
    }
    if !changed.is_empty() {
        changed.sort_unstable();
        return Err(Mismatch::ChangedLines(changed));
    }
    Ok(phases)
}

/// One record's effect on its line's phase (the gallery replays by it too).
pub(crate) fn advance(phase: &mut Phase, event: &Event) {
    match event {
        Event::Intent { .. } => *phase = Phase::Intent,
        Event::Submitted { request_id, at } => {
            *phase = Phase::Submitted(request_id.clone(), *at);
        }
        // A job that exists, or finished, stays so.
        Event::Unknown { reason } if !matches!(phase, Phase::Submitted(..) | Phase::Done(_)) => {
            *phase = Phase::Unknown(reason.clone());
        }
        Event::Rejected { .. } => *phase = Phase::New,
        Event::Done(finished) => *phase = Phase::Done(finished.clone()),
        Event::Unknown { .. } | Event::Other => {}
    }
}

impl Mismatch {
    /// The usage error that says what to do: restore the inputs, or start a
    /// new batch with another journal.
    pub(crate) fn into_error(self, args: &BatchArgs, journal: &Path) -> CliError {
        CliError::Usage(match self {
            Self::OtherModel(model) => format!(
                "the journal {} belongs to a batch of {model}, not {}; use another --journal to start a new batch",
                journal.display(),
                args.model_id
            ),
            Self::ChangedLines(changed) => {
                let lines = changed
                    .iter()
                    .take(10)
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "{}: line{} {lines} differ{} from what the journal {} recorded: the input file changed since; restore it, or use another --journal to start a new batch",
                    args.inputs.display(),
                    if changed.len() == 1 { "" } else { "s" },
                    if changed.len() == 1 { "s" } else { "" },
                    journal.display()
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::Value;

    use super::*;
    use crate::batch::record::DoneStatus;

    const MODEL: &str = "kling/kling-1-6/pro/image-to-video";

    /// Lines 1 to `count`, line n's fingerprint `hn`.
    fn inputs(count: usize) -> BTreeMap<usize, Input> {
        (1..=count)
            .map(|number| {
                let input = Input {
                    number,
                    value: Ok(Value::Null),
                    hash: format!("h{number}"),
                };
                (number, input)
            })
            .collect()
    }

    fn intent(line: usize) -> Record {
        let (hash, model_id) = (format!("h{line}"), MODEL.to_owned());
        Record {
            line,
            event: Event::Intent { hash, model_id },
        }
    }

    fn on_1(event: Event) -> Record {
        Record { line: 1, event }
    }

    fn submitted(request_id: &str) -> Record {
        on_1(Event::Submitted {
            request_id: request_id.into(),
            at: None,
        })
    }

    fn unknown(reason: &str) -> Record {
        on_1(Event::Unknown {
            reason: reason.into(),
        })
    }

    fn rejected(retry_in_ms: Option<u64>) -> Record {
        on_1(Event::Rejected {
            error: "refused".into(),
            retry_in_ms,
        })
    }

    /// Line 1's phase after `records`.
    fn phase_of_1(records: &[Record]) -> Phase {
        let mut phases = replay(records, &inputs(1), MODEL).expect("this batch's journal");
        phases.remove(&1).expect("line 1 has records")
    }

    #[test]
    fn a_line_without_records_has_no_phase() {
        let phases = replay(&[intent(2)], &inputs(2), MODEL).expect("replays");
        assert_eq!(phases.keys().copied().collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn an_intent_alone_may_have_been_sent() {
        assert_eq!(phase_of_1(&[intent(1)]), Phase::Intent);
    }

    #[test]
    fn a_submitted_line_has_its_request_id() {
        assert_eq!(
            phase_of_1(&[intent(1), submitted("r1")]),
            Phase::Submitted("r1".into(), None)
        );
    }

    #[test]
    fn a_submitted_line_knows_since_when_when_the_record_says() {
        let at = on_1(Event::Submitted {
            request_id: "r1".into(),
            at: Some(1_796_114_232),
        });
        assert_eq!(
            phase_of_1(&[intent(1), at]),
            Phase::Submitted("r1".into(), Some(1_796_114_232))
        );
    }

    #[test]
    fn an_unknown_outcome_keeps_its_reason() {
        assert_eq!(
            phase_of_1(&[intent(1), unknown("lost")]),
            Phase::Unknown("lost".into())
        );
    }

    #[test]
    fn an_unknown_outcome_recorded_late_leaves_a_job_that_exists_alone() {
        let late = [intent(1), submitted("r1"), unknown("lost")];
        assert_eq!(phase_of_1(&late), Phase::Submitted("r1".into(), None));
        let done = on_1(Event::Done(Finished::of_r1(DoneStatus::Succeeded)));
        let late = [intent(1), submitted("r1"), done, unknown("lost")];
        assert_eq!(
            phase_of_1(&late),
            Phase::Done(Finished::of_r1(DoneStatus::Succeeded))
        );
    }

    #[test]
    fn a_refused_submit_is_new_again_with_or_without_a_retry() {
        assert_eq!(phase_of_1(&[intent(1), rejected(Some(1000))]), Phase::New);
        assert_eq!(phase_of_1(&[intent(1), rejected(None)]), Phase::New);
        let retried = [intent(1), rejected(Some(1000)), intent(1)];
        assert_eq!(
            phase_of_1(&retried),
            Phase::Intent,
            "each retry has an intent of its own"
        );
    }

    #[test]
    fn a_done_line_keeps_its_status() {
        for status in [
            DoneStatus::Succeeded,
            DoneStatus::Failed,
            DoneStatus::Cancelled,
        ] {
            let records = [
                intent(1),
                submitted("r1"),
                on_1(Event::Done(Finished::of_r1(status))),
            ];
            assert_eq!(phase_of_1(&records), Phase::Done(Finished::of_r1(status)));
        }
    }

    #[test]
    fn a_resubmit_after_an_unknown_outcome_starts_the_line_over() {
        let again = [intent(1), unknown("lost"), intent(1), submitted("r2")];
        assert_eq!(phase_of_1(&again), Phase::Submitted("r2".into(), None));
    }

    #[test]
    fn an_event_of_a_later_build_changes_nothing() {
        assert_eq!(phase_of_1(&[intent(1), on_1(Event::Other)]), Phase::Intent);
        assert_eq!(phase_of_1(&[on_1(Event::Other)]), Phase::New);
    }

    #[test]
    fn a_changed_input_file_is_refused_naming_each_changed_line_once() {
        let mut edited = inputs(5);
        for line in [4, 2] {
            edited.get_mut(&line).expect("line").hash = "edited".into();
        }
        edited.remove(&5);
        let records: Vec<Record> = [4, 1, 2, 4, 5, 3].into_iter().map(intent).collect();
        assert_eq!(
            replay(&records, &edited, MODEL),
            Err(Mismatch::ChangedLines(vec![2, 4, 5]))
        );
    }

    #[test]
    fn a_journal_of_another_model_is_refused() {
        let mut records = vec![intent(1)];
        if let Event::Intent { model_id, .. } = &mut records[0].event {
            "acme/other".clone_into(model_id);
        }
        records.push(intent(2));
        assert_eq!(
            replay(&records, &inputs(1), MODEL),
            Err(Mismatch::OtherModel("acme/other".into())),
            "before the changed line 2 is named"
        );
    }

    #[test]
    fn a_mismatch_says_how_to_go_on() {
        let args = BatchArgs {
            model_id: MODEL.into(),
            inputs: PathBuf::from("in.jsonl"),
            concurrency: 4,
            journal: None,
            output_dir: PathBuf::from("."),
            resubmit_unknown: false,
            estimate: false,
            timeout: None,
            results: None,
            gallery: false,
        };
        let journal = PathBuf::from("in.jsonl.journal");
        let text = |mismatch: Mismatch| mismatch.into_error(&args, &journal).to_string();
        assert_eq!(
            text(Mismatch::ChangedLines(vec![7])),
            "in.jsonl: line 7 differs from what the journal in.jsonl.journal recorded: the input file changed since; restore it, or use another --journal to start a new batch"
        );
        assert!(
            text(Mismatch::ChangedLines(vec![2, 3]))
                .starts_with("in.jsonl: lines 2, 3 differ from")
        );
        assert_eq!(
            text(Mismatch::OtherModel("acme/other".into())),
            format!(
                "the journal in.jsonl.journal belongs to a batch of acme/other, not {MODEL}; use another --journal to start a new batch"
            )
        );
    }
}
