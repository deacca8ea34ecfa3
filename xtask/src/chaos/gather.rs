//! Reads what a finished chaos run left: the last run's results, the
//! digests of the files they name, leftovers in the output directory and
//! panics in any stderr, beside the emulator's listing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::evidence::{CliRecord, Digest, Evidence, parse_listing, parse_results};
use crate::files::{read_text, walk};

/// The evidence of `inputs` inputs after `last` runs in `work`; `listing`
/// is the emulator's `GET /_emulator/jobs`.
pub(super) fn evidence(
    work: &Path,
    listing: &Value,
    last: usize,
    inputs: usize,
    unknown_after_kill: BTreeSet<usize>,
) -> Result<Evidence, String> {
    let (submits, jobs) = parse_listing(listing)?;
    let records = parse_results(&read_text(&work.join(format!("results-{last}.jsonl"))));
    let files = digests(work, &records);
    let stray_files = strays(work, &files);
    Ok(Evidence {
        unknown_after_kill,
        inputs,
        records,
        submits,
        jobs,
        files,
        stray_files,
        panics: panics(work, last),
    })
}

/// Each file a record names: its digest, or `None` when it is missing.
fn digests(work: &Path, records: &BTreeMap<usize, CliRecord>) -> BTreeMap<String, Option<Digest>> {
    let mut files = BTreeMap::new();
    for file in records.values().flat_map(|r| r.files.iter()) {
        let digest = std::fs::read(work.join(file)).ok().map(|b| Digest::of(&b));
        files.insert(file.clone(), digest);
    }
    files
}

/// The files under `out/` that no record names, relative to `work`.
fn strays(work: &Path, files: &BTreeMap<String, Option<Digest>>) -> Vec<String> {
    let named: BTreeSet<PathBuf> = files.keys().map(|f| work.join(f)).collect();
    let mut stray_files = Vec::new();
    walk(&work.join("out"), &mut |path| {
        if !named.contains(path) {
            stray_files.push(
                path.strip_prefix(work)
                    .unwrap_or(path)
                    .display()
                    .to_string(),
            );
        }
    });
    stray_files
}

/// The lines saying "panicked" in the stderr of runs 1 to `last` and of
/// the emulator, each prefixed with whose it is.
fn panics(work: &Path, last: usize) -> Vec<String> {
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
    panics
}
