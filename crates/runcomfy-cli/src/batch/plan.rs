//! What a batch run does with each line, from its phase and `--resubmit-unknown`.
//!
//! `done` lines are skipped (their result is printed again), `submitted`
//! ones are waited for and downloaded (never submitted again), an `intent`
//! without an answer is an unknown outcome (a billed job may exist: not
//! submitted again unless `--resubmit-unknown`), and the rest are
//! submitted. Pure: no I/O.

use std::collections::BTreeMap;

use crate::batch::record::{DIED_AFTER_INTENT, Finished};
use crate::batch::replay::Phase;

/// What this run does with a line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Plan {
    /// Finished earlier: print its result again.
    Done(Finished),
    /// Submitted earlier (since when, when the journal says): wait and download.
    Resume(String, Option<u64>),
    /// An earlier submit's outcome is unknown: report it. `stale` when this
    /// run found it (an intent without an answer) and must record it.
    Unknown { reason: String, stale: bool },
    /// Submit (`stale`: over an unknown outcome found by this run).
    Submit { stale: bool },
}

/// The plan of every line of `lines`, in their order.
pub(crate) fn plan(
    lines: impl IntoIterator<Item = usize>,
    mut past: BTreeMap<usize, Phase>,
    resubmit_unknown: bool,
) -> Vec<(usize, Plan)> {
    lines
        .into_iter()
        .map(|line| {
            let plan = match past.remove(&line) {
                None | Some(Phase::New) => Plan::Submit { stale: false },
                Some(Phase::Done(done)) => Plan::Done(done),
                Some(Phase::Submitted(id, at)) => Plan::Resume(id, at),
                Some(Phase::Intent) if resubmit_unknown => Plan::Submit { stale: true },
                Some(Phase::Intent) => Plan::Unknown {
                    reason: DIED_AFTER_INTENT.to_owned(),
                    stale: true,
                },
                Some(Phase::Unknown(_)) if resubmit_unknown => Plan::Submit { stale: false },
                Some(Phase::Unknown(reason)) => Plan::Unknown {
                    reason,
                    stale: false,
                },
            };
            (line, plan)
        })
        .collect()
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::batch::record::DoneStatus;

    fn finished() -> Finished {
        Finished::of_r1(DoneStatus::Succeeded)
    }

    /// The plan of line 1 in `phase` (none: no record).
    fn plan_of(phase: Option<Phase>, resubmit_unknown: bool) -> Plan {
        let past = phase.into_iter().map(|phase| (1, phase)).collect();
        let mut plans = plan([1], past, resubmit_unknown);
        assert_eq!(plans.len(), 1);
        plans.remove(0).1
    }

    fn unknown(reason: &str, stale: bool) -> Plan {
        Plan::Unknown {
            reason: reason.into(),
            stale,
        }
    }

    #[test]
    fn each_phase_has_its_plan_with_and_without_resubmit_unknown() {
        let submit = Plan::Submit { stale: false };
        let resume = Plan::Resume("r1".into(), Some(7));
        let lost = Phase::Unknown("lost".into());
        // (phase, its plan, its plan with --resubmit-unknown)
        let cases = [
            (None, submit.clone(), submit.clone()),
            (Some(Phase::New), submit.clone(), submit.clone()),
            // Found by this run: recorded unknown before it is sent again.
            (
                Some(Phase::Intent),
                unknown(DIED_AFTER_INTENT, true),
                Plan::Submit { stale: true },
            ),
            (Some(lost), unknown("lost", false), submit),
            (
                Some(Phase::Submitted("r1".into(), Some(7))),
                resume.clone(),
                resume,
            ),
            (
                Some(Phase::Done(finished())),
                Plan::Done(finished()),
                Plan::Done(finished()),
            ),
        ];
        for (phase, plain, resubmitting) in cases {
            assert_eq!(plan_of(phase.clone(), false), plain, "{phase:?}");
            assert_eq!(
                plan_of(phase.clone(), true),
                resubmitting,
                "{phase:?} resubmitting"
            );
        }
    }

    #[test]
    fn every_line_is_planned_in_order_and_phases_of_lines_gone_are_dropped() {
        let past = BTreeMap::from([(3, Phase::Submitted("r3".into(), None)), (9, Phase::Intent)]);
        let plans = plan([1, 3, 4], past, false);
        assert_eq!(
            plans,
            [
                (1, Plan::Submit { stale: false }),
                (3, Plan::Resume("r3".into(), None)),
                (4, Plan::Submit { stale: false }),
            ]
        );
    }
}
