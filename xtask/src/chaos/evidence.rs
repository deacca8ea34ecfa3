//! The evidence a chaos run leaves: the CLI's result lines, the emulator's
//! job listing, the downloaded files' digests, and what the classification
//! reads of them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// A file's size and SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// Bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

impl Digest {
    /// The digest of these bytes.
    pub fn of(bytes: &[u8]) -> Self {
        Self {
            size: bytes.len() as u64,
            sha256: hex::encode(ring::digest::digest(&ring::digest::SHA256, bytes)),
        }
    }
}

/// One job as the emulator lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmulatorJob {
    /// Its request id.
    pub request_id: String,
    /// The prompt it was submitted with.
    pub prompt: Option<String>,
    /// `in_queue`, `in_progress`, `succeeded`, `failed` or `cancelled`.
    pub state: String,
    /// What it serves, once succeeded.
    pub served: Option<Digest>,
}

/// The emulator's `GET /_emulator/jobs`: its accepted submits and its jobs.
pub fn parse_listing(listing: &Value) -> Result<(u64, Vec<EmulatorJob>), String> {
    let submits = listing["submits"]
        .as_u64()
        .ok_or("the job listing has no `submits` count")?;
    let jobs = listing["jobs"]
        .as_array()
        .ok_or("the job listing has no `jobs` list")?
        .iter()
        .map(|job| {
            let served = match (
                job["output"]["size"].as_u64(),
                job["output"]["sha256"].as_str(),
            ) {
                (Some(size), Some(sha256)) => Some(Digest {
                    size,
                    sha256: sha256.to_owned(),
                }),
                _ => None,
            };
            Ok(EmulatorJob {
                request_id: job["request_id"]
                    .as_str()
                    .ok_or_else(|| format!("a listed job has no request id: {job}"))?
                    .to_owned(),
                prompt: job["prompt"].as_str().map(str::to_owned),
                state: job["state"].as_str().unwrap_or("").to_owned(),
                served,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok((submits, jobs))
}

/// One result line of `runcomfy batch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliRecord {
    /// `succeeded`, `failed`, `cancelled`, `unknown`, `invalid`, `error`.
    pub status: String,
    /// The request id, when it has one.
    pub request_id: Option<String>,
    /// Downloaded files, relative to the batch's directory.
    pub files: Vec<String>,
}

/// The result lines of a `--results` file, by input line (the summary and
/// anything unparsable left out; the last line for an input wins).
pub fn parse_results(text: &str) -> BTreeMap<usize, CliRecord> {
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|value| {
            let line = usize::try_from(value.get("line")?.as_u64()?).ok()?;
            Some((
                line,
                CliRecord {
                    status: value["status"].as_str().unwrap_or("").to_owned(),
                    request_id: value["request_id"].as_str().map(str::to_owned),
                    files: value["files"]
                        .as_array()
                        .map(|files| {
                            files
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default(),
                },
            ))
        })
        .collect()
}

/// Everything the classification reads.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Inputs in the batch (lines 1 to `inputs`).
    pub inputs: usize,
    /// The CLI's final result per line.
    pub records: BTreeMap<usize, CliRecord>,
    /// Submits the emulator accepted.
    pub submits: u64,
    /// The emulator's jobs.
    pub jobs: Vec<EmulatorJob>,
    /// Each file a record names: its digest, or `None` when it is missing.
    pub files: BTreeMap<String, Option<Digest>>,
    /// Files in the output directory that no record names (leftovers).
    pub stray_files: Vec<String>,
    /// Lines of CLI or emulator stderr that say "panicked".
    pub panics: Vec<String>,
    /// Lines the journal marks unknown because a run was killed between
    /// the intent and the submit's answer.
    pub unknown_after_kill: BTreeSet<usize>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn results_and_the_listing_parse_and_digests_are_sha256() {
        let results = parse_results(
            "{\"line\":3,\"request_id\":\"r\",\"status\":\"succeeded\",\"files\":[\"out/3/output.mp4\"]}\n{\"summary\":{}}\n",
        );
        assert_eq!(
            results[&3],
            CliRecord {
                status: "succeeded".into(),
                request_id: Some("r".into()),
                files: vec!["out/3/output.mp4".into()],
            }
        );
        assert_eq!(results.len(), 1);
        let listing = json!({"submits": 1, "jobs": [{"request_id": "r", "prompt": "chaos input 3", "state": "succeeded", "output": {"size": 3, "sha256": "ab"}}]});
        let (submits, jobs) = parse_listing(&listing).expect("listing");
        assert_eq!(submits, 1);
        assert_eq!(
            jobs[0].served,
            Some(Digest {
                size: 3,
                sha256: "ab".into()
            })
        );
        assert_eq!(
            Digest::of(b"abc").sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
