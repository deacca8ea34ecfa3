//! The classification of each input's fate, from the CLI's records and the
//! emulator's jobs. Pure: everything it reads is in [`Evidence`].
//!
//! An `unknown` record is the honest answer to a submit whose outcome the
//! client could not know (a kill between the intent and the answer, a
//! connection reset, a 500, 502 or 504, an `error_code` in a 200): it names
//! no request id, so whether the emulator holds a job for it or not, it is
//! counted as an unknown outcome and never as lost.

use std::collections::BTreeMap;

use super::evidence::{CliRecord, Digest, EmulatorJob, Evidence};
use super::inputs::prompt;
use super::report::Report;

/// Decides each input's fate from the CLI's records and the emulator's jobs.
pub fn classify(evidence: &Evidence) -> Report {
    let mut report = Report {
        inputs: evidence.inputs,
        submits: evidence.submits,
        jobs: evidence.jobs.len(),
        stray_files: evidence.stray_files.len(),
        panics: evidence.panics.len(),
        ..Report::default()
    };
    for file in &evidence.stray_files {
        report.problems.push(format!("stray file {file}"));
    }
    for panic in &evidence.panics {
        report.problems.push(format!("panic: {panic}"));
    }
    let jobs_of = jobs_by_line(evidence, &mut report);
    for line in 1..=evidence.inputs {
        let jobs = jobs_of.get(&line).map(Vec::as_slice).unwrap_or_default();
        count_submits(&mut report, line, jobs);
        match evidence.records.get(&line) {
            Some(record) => judge(&mut report, evidence, line, record, jobs),
            None => {
                report.lost += 1;
                report.problems.push(format!("line {line}: no result"));
            }
        }
    }
    report
}

/// The emulator's jobs by input line; a job of no input is lost.
fn jobs_by_line<'a>(
    evidence: &'a Evidence,
    report: &mut Report,
) -> BTreeMap<usize, Vec<&'a EmulatorJob>> {
    let line_of: BTreeMap<String, usize> = (1..=evidence.inputs).map(|n| (prompt(n), n)).collect();
    let mut jobs_of: BTreeMap<usize, Vec<&EmulatorJob>> = BTreeMap::new();
    for job in &evidence.jobs {
        match job.prompt.as_ref().and_then(|p| line_of.get(p)) {
            Some(&line) => jobs_of.entry(line).or_default().push(job),
            None => {
                report.lost += 1;
                report.problems.push(format!(
                    "job {} ({:?}) belongs to no input",
                    job.request_id, job.prompt
                ));
            }
        }
    }
    jobs_of
}

/// Counts the line as never submitted, submitted once or duplicated.
fn count_submits(report: &mut Report, line: usize, jobs: &[&EmulatorJob]) {
    match jobs.len() {
        0 => report.never_submitted += 1,
        1 => report.submitted_once += 1,
        n => {
            report.duplicated += 1;
            let ids: Vec<&str> = jobs.iter().map(|j| j.request_id.as_str()).collect();
            report.problems.push(format!(
                "line {line}: submitted {n} times ({})",
                ids.join(", ")
            ));
        }
    }
}

/// Judges one line's final record against the line's jobs.
fn judge(
    report: &mut Report,
    evidence: &Evidence,
    line: usize,
    record: &CliRecord,
    jobs: &[&EmulatorJob],
) {
    if record.status == "unknown" {
        // Whatever the emulator did with the submit (no job, or a job in any
        // state): the record claims nothing that a job could contradict.
        count_unknown(report, evidence, line, jobs);
        return;
    }
    // A job of this line that its record does not name: nobody accounts for it.
    for other in jobs
        .iter()
        .filter(|j| Some(&j.request_id) != record.request_id.as_ref())
    {
        report.lost += 1;
        report.problems.push(format!(
            "line {line}: job {} is not the one its {} record names",
            other.request_id, record.status
        ));
    }
    let job = record
        .request_id
        .as_ref()
        .and_then(|id| jobs.iter().find(|job| job.request_id == *id));
    match (record.status.as_str(), job) {
        ("succeeded", Some(job)) if job.state == "succeeded" => {
            if downloads_identical(report, evidence, line, record, job) {
                report.succeeded += 1;
            } else {
                report.not_identical += 1;
            }
        }
        ("failed", Some(job)) if job.state == "failed" => report.failed += 1,
        ("succeeded" | "failed", found) => {
            report.inconsistent += 1;
            report.problems.push(format!(
                "line {line}: reported {} as {:?}, the emulator says {}",
                record.status,
                record.request_id,
                found.map_or("no such job".to_owned(), |j| format!("`{}`", j.state))
            ));
        }
        (other, _) => {
            report.lost += 1;
            report.problems.push(format!(
                "line {line}: no final result (last status `{other}`)"
            ));
        }
    }
}

/// Counts an unknown outcome, with or without a job, and whether a kill
/// left it.
fn count_unknown(report: &mut Report, evidence: &Evidence, line: usize, jobs: &[&EmulatorJob]) {
    if jobs.is_empty() {
        report.unknown_without_job += 1;
    } else {
        report.unknown_with_job += 1;
    }
    if evidence.unknown_after_kill.contains(&line) {
        report.unknown_after_kill += 1;
        report.unknown_after_kill_with_job += usize::from(!jobs.is_empty());
    }
}

/// Whether every file of a succeeded record is what the emulator serves
/// (there is at least one); the first that is not becomes a problem.
fn downloads_identical(
    report: &mut Report,
    evidence: &Evidence,
    line: usize,
    record: &CliRecord,
    job: &EmulatorJob,
) -> bool {
    !record.files.is_empty()
        && record.files.iter().all(|file| {
            let found = evidence.files.get(file).cloned().flatten();
            let same = found.is_some() && found == job.served;
            if !same {
                report.problems.push(format!(
                    "line {line}: {file} is {} but the emulator serves {}",
                    describe(found.as_ref(), "missing"),
                    describe(job.served.as_ref(), "nothing"),
                ));
            }
            same
        })
}

/// A digest as the problems name it; `absent` when there is none.
fn describe(digest: Option<&Digest>, absent: &str) -> String {
    digest.map_or(absent.to_owned(), |d| {
        format!("{} bytes, sha256 {}", d.size, d.sha256)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str, line: usize, state: &str, served: Option<&Digest>) -> EmulatorJob {
        EmulatorJob {
            request_id: id.into(),
            prompt: Some(prompt(line)),
            state: state.into(),
            served: served.cloned(),
        }
    }

    fn record(status: &str, id: Option<&str>, files: &[&str]) -> CliRecord {
        CliRecord {
            status: status.into(),
            request_id: id.map(str::to_owned),
            files: files.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    /// Four inputs: one of each honest outcome.
    fn honest() -> Evidence {
        let video = Digest::of(b"video of job a");
        Evidence {
            inputs: 4,
            records: BTreeMap::from([
                (1, record("succeeded", Some("a"), &["out/1/output.mp4"])),
                (2, record("failed", Some("b"), &[])),
                (3, record("unknown", None, &[])),
                (4, record("unknown", None, &[])),
            ]),
            submits: 3,
            jobs: vec![
                job("a", 1, "succeeded", Some(&video)),
                job("b", 2, "failed", None),
                job("c", 3, "succeeded", Some(&Digest::of(b"c"))),
            ],
            files: BTreeMap::from([("out/1/output.mp4".to_owned(), Some(video))]),
            ..Evidence::default()
        }
    }

    #[test]
    fn honest_outcomes_are_counted_and_pass() {
        let mut evidence = honest();
        evidence.unknown_after_kill.insert(4);
        let report = classify(&evidence);
        assert_eq!(
            (
                report.unknown_after_kill,
                report.unknown_after_kill_with_job
            ),
            (1, 0)
        );
        assert_eq!(
            (
                report.succeeded,
                report.failed,
                report.unknown_with_job,
                report.unknown_without_job
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(
            (
                report.submitted_once,
                report.never_submitted,
                report.duplicated
            ),
            (3, 1, 0)
        );
        assert_eq!(report.lost, 0);
        assert!(report.failures().is_empty(), "{:?}", report.failures());
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let table = report.table();
        assert!(table.contains("unknown outcome, no job"), "{table}");
    }

    #[test]
    fn a_second_job_for_an_input_is_a_duplicate_and_unaccounted() {
        let mut evidence = honest();
        evidence.jobs.push(job("a2", 1, "succeeded", None));
        evidence.submits += 1;
        let report = classify(&evidence);
        assert_eq!((report.duplicated, report.lost), (1, 1));
        let failures = report.failures();
        assert!(
            failures.iter().any(|f| f.starts_with("duplicated: 1")),
            "{failures:?}"
        );
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.contains("line 1: submitted 2 times"))
        );
    }

    #[test]
    fn a_missing_result_or_an_unowned_job_is_lost() {
        let mut evidence = honest();
        evidence.records.remove(&2);
        evidence.records.insert(4, record("error", None, &[]));
        evidence.jobs.push(EmulatorJob {
            prompt: Some("someone else's".into()),
            ..job("z", 9, "succeeded", None)
        });
        evidence.submits += 1;
        let report = classify(&evidence);
        assert_eq!(report.lost, 3, "{:?}", report.problems);
        assert!(report.failures().iter().any(|f| f.starts_with("lost: 3")));
    }

    #[test]
    fn a_file_that_differs_or_is_missing_is_not_identical() {
        let mut evidence = honest();
        evidence.files.insert(
            "out/1/output.mp4".into(),
            Some(Digest::of(b"video of job b")),
        );
        let report = classify(&evidence);
        assert_eq!((report.succeeded, report.not_identical), (0, 1));
        assert!(!report.failures().is_empty());
        evidence.files.insert("out/1/output.mp4".into(), None);
        assert_eq!(classify(&evidence).not_identical, 1);
        evidence
            .records
            .insert(1, record("succeeded", Some("a"), &[]));
        assert_eq!(classify(&evidence).not_identical, 1, "no file at all");
    }

    #[test]
    fn a_record_contradicting_the_emulator_is_inconsistent() {
        let mut evidence = honest();
        evidence
            .records
            .insert(2, record("succeeded", Some("b"), &[]));
        let report = classify(&evidence);
        assert_eq!(report.inconsistent, 1);
        evidence
            .records
            .insert(2, record("failed", Some("nope"), &[]));
        let report = classify(&evidence);
        assert_eq!(
            (report.inconsistent, report.lost),
            (1, 1),
            "{:?}",
            report.problems
        );
    }

    #[test]
    fn panics_strays_and_a_listing_mismatch_fail_the_run() {
        let mut evidence = honest();
        evidence
            .panics
            .push("run 2: thread 'main' panicked at x".into());
        evidence
            .stray_files
            .push("out/1/.partial/output.mp4".into());
        evidence.submits = 4;
        let failures = classify(&evidence).failures();
        for wanted in [
            "panics: 1",
            "stray files: 1",
            "accepted 4 submits but lists 3",
        ] {
            assert!(
                failures.iter().any(|f| f.contains(wanted)),
                "{wanted}: {failures:?}"
            );
        }
    }

    #[test]
    fn a_submit_with_an_unknown_outcome_is_unknown_with_or_without_a_job_never_lost() {
        let mut evidence = honest();
        // Line 3: answered 500 after the queue had taken it (a job exists,
        // never waited on); line 4: answered 502 before the queue (no job).
        evidence.jobs[2].state = "in_progress".into();
        evidence.unknown_after_kill.clear();
        let report = classify(&evidence);
        assert_eq!(
            (report.unknown_with_job, report.unknown_without_job),
            (1, 1)
        );
        assert_eq!((report.lost, report.inconsistent), (0, 0));
        assert_eq!(report.unknown_after_kill, 0);
        assert!(report.failures().is_empty(), "{:?}", report.failures());
    }
}
