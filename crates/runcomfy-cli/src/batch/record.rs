//! The journal's records: what each says, its bytes on disk, how it is read back.
//!
//! One JSON object a line:
//!
//! - `{"line": n, "hash": "…", "model_id": "…", "event": "intent"}` before a submit;
//! - `{"line": n, "event": "submitted", "request_id": "…", "at": <unix seconds>}`
//!   once the submit answered (`at`, when it was written, since this build);
//! - `{"line": n, "event": "unknown", "reason": "…"}` when a submit's outcome is
//!   unknown (its answer was lost, or a run died between intent and submitted);
//! - `{"line": n, "event": "rejected", "error": "…"}` when the service certainly
//!   did not take the submit (nothing exists; a re-run submits again), also
//!   before each wait to retry a refused submit (429, 503; with
//!   `retry_in_ms`), each retry with an intent of its own, so that a run
//!   killed while waiting leaves nothing unknown;
//! - `{"line": n, "event": "done", "status": "succeeded"|"failed"|"cancelled",
//!   "request_id": "…", "output": {…}, "files": […], "error": null|"…",
//!   "cost": <USD>, "at": <unix seconds>}` when finished (after the
//!   download; `cost` when the service said it, and `at`, since this build).
//!
//! The keys are written in that order, byte for byte as every earlier build
//! wrote them, the keys this build adds last; a record without them (an
//! earlier build's) reads as before, and a record of an event this build
//! does not know (a later build's) is read as [`Event::Other`] and changes
//! nothing.

use serde::ser::{Error as _, SerializeMap as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Why a line has an `intent` and no answer: the reason of the `unknown`
/// record a re-run writes for it, and of one read without a reason.
pub(crate) const DIED_AFTER_INTENT: &str = "an earlier run stopped after deciding to submit and before recording the answer: the submit may have been sent";

/// One journal record: a line's event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Record {
    pub(crate) line: usize,
    #[serde(flatten)]
    pub(crate) event: Event,
}

/// What happened to a line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub(crate) enum Event {
    /// About to submit the input whose fingerprint is `hash`.
    Intent { hash: String, model_id: String },
    /// The service took the submit; `at` is when this was written (unix
    /// seconds), unknown in the records of earlier builds.
    Submitted {
        request_id: String,
        #[serde(default)]
        at: Option<u64>,
    },
    /// Whether the service took the submit cannot be known.
    Unknown {
        #[serde(default = "died_after_intent")]
        reason: String,
    },
    /// The service certainly did not take the submit; `retry_in_ms` when
    /// this run tries again after that wait.
    Rejected {
        #[serde(default)]
        error: String,
        #[serde(default)]
        retry_in_ms: Option<u64>,
    },
    /// The job finished (and its outputs are downloaded).
    Done(Finished),
    /// An event of a later build: ignored.
    #[serde(other)]
    Other,
}

/// A `done` record's facts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Finished {
    #[serde(default)]
    pub(crate) status: DoneStatus,
    #[serde(default)]
    pub(crate) request_id: Option<String>,
    #[serde(default)]
    pub(crate) output: Value,
    #[serde(default)]
    pub(crate) files: Vec<String>,
    #[serde(default, deserialize_with = "error_of")]
    pub(crate) error: Option<String>,
    /// What the job cost in USD, when the service said.
    #[serde(default)]
    pub(crate) cost: Option<f64>,
    /// When this was written (unix seconds), unknown in the records of
    /// earlier builds: with the `submitted` record's, how long the job took.
    #[serde(default)]
    pub(crate) at: Option<u64>,
}

/// How a job finished; any status but these two reads as failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(from = "Option<String>")]
pub(crate) enum DoneStatus {
    Succeeded,
    #[default]
    Failed,
    Cancelled,
}

impl DoneStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

impl From<Option<String>> for DoneStatus {
    fn from(status: Option<String>) -> Self {
        match status.as_deref() {
            Some("succeeded") => Self::Succeeded,
            Some("cancelled") => Self::Cancelled,
            _ => Self::Failed,
        }
    }
}

fn died_after_intent() -> String {
    DIED_AFTER_INTENT.to_owned()
}

fn error_of<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Value>::deserialize(deserializer)?
        .as_ref()
        .and_then(failure_text))
}

/// A job's failure as one line of text, in the service's own words
/// ([`runcomfy::service_message`]); none when it gave no error at all. A
/// string is kept as written, so that a `done` record reads back byte for
/// byte.
pub(crate) fn failure_text(error: &Value) -> Option<String> {
    match error {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(runcomfy::service_message(other)),
    }
}

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("line", &self.line)?;
        match &self.event {
            // The one record with its event last, as journals on disk have it.
            Event::Intent { hash, model_id } => {
                map.serialize_entry("hash", hash)?;
                map.serialize_entry("model_id", model_id)?;
                map.serialize_entry("event", "intent")?;
            }
            Event::Submitted { request_id, at } => {
                map.serialize_entry("event", "submitted")?;
                map.serialize_entry("request_id", request_id)?;
                if let Some(at) = at {
                    map.serialize_entry("at", at)?;
                }
            }
            Event::Unknown { reason } => {
                map.serialize_entry("event", "unknown")?;
                map.serialize_entry("reason", reason)?;
            }
            Event::Rejected { error, retry_in_ms } => {
                map.serialize_entry("event", "rejected")?;
                map.serialize_entry("error", error)?;
                if let Some(retry_in_ms) = retry_in_ms {
                    map.serialize_entry("retry_in_ms", retry_in_ms)?;
                }
            }
            Event::Done(finished) => {
                map.serialize_entry("event", "done")?;
                map.serialize_entry("status", finished.status.as_str())?;
                map.serialize_entry("request_id", &finished.request_id)?;
                map.serialize_entry("output", &finished.output)?;
                map.serialize_entry("files", &finished.files)?;
                map.serialize_entry("error", &finished.error)?;
                if let Some(cost) = finished.cost {
                    map.serialize_entry("cost", &cost)?;
                }
                if let Some(at) = finished.at {
                    map.serialize_entry("at", &at)?;
                }
            }
            Event::Other => {
                return Err(S::Error::custom(
                    "an event of a later build is read, never written",
                ));
            }
        }
        map.end()
    }
}

#[cfg(test)]
impl Finished {
    /// Request `r1` ended `status`, with nothing else said: the tests' job.
    pub(crate) fn of_r1(status: DoneStatus) -> Self {
        Self {
            status,
            request_id: Some("r1".into()),
            output: Value::Null,
            files: Vec::new(),
            error: None,
            cost: None,
            at: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record(line: usize, event: Event) -> Record {
        Record { line, event }
    }

    fn done(status: DoneStatus, error: Option<&str>) -> Event {
        Event::Done(Finished {
            output: json!({"video": "https://example.com/v.mp4"}),
            files: vec!["out/1/v.mp4".into()],
            error: error.map(str::to_owned),
            ..Finished::of_r1(status)
        })
    }

    #[test]
    fn every_record_is_written_as_earlier_builds_wrote_it() {
        let output = json!({"video": "https://example.com/v.mp4"});
        let files = ["out/1/v.mp4".to_owned()];
        let none: Option<&str> = None;
        // The literals earlier builds wrote, key order included.
        let cases = [
            (
                record(
                    1,
                    Event::Intent {
                        hash: "fnv1a128:00".into(),
                        model_id: "m/x".into(),
                    },
                ),
                json!({"line": 1, "hash": "fnv1a128:00", "model_id": "m/x", "event": "intent"}),
            ),
            (
                record(
                    2,
                    Event::Submitted {
                        request_id: "r1".into(),
                        at: None,
                    },
                ),
                json!({"line": 2, "event": "submitted", "request_id": "r1"}),
            ),
            (
                record(
                    3,
                    Event::Unknown {
                        reason: "lost".into(),
                    },
                ),
                json!({"line": 3, "event": "unknown", "reason": "lost"}),
            ),
            (
                record(
                    4,
                    Event::Rejected {
                        error: "429".into(),
                        retry_in_ms: Some(1500),
                    },
                ),
                json!({"line": 4, "event": "rejected", "error": "429", "retry_in_ms": 1500_u64}),
            ),
            (
                record(
                    5,
                    Event::Rejected {
                        error: "400".into(),
                        retry_in_ms: None,
                    },
                ),
                json!({"line": 5, "event": "rejected", "error": "400"}),
            ),
            (
                record(6, done(DoneStatus::Succeeded, None)),
                json!({"line": 6, "event": "done", "status": "succeeded", "request_id": "r1", "output": output, "files": files, "error": none}),
            ),
            (
                record(7, done(DoneStatus::Failed, Some("boom"))),
                json!({"line": 7, "event": "done", "status": "failed", "request_id": "r1", "output": output, "files": files, "error": "boom"}),
            ),
            (
                record(
                    8,
                    done(DoneStatus::Cancelled, Some("the job was cancelled")),
                ),
                json!({"line": 8, "event": "done", "status": "cancelled", "request_id": "r1", "output": output, "files": files, "error": "the job was cancelled"}),
            ),
        ];
        for (record, earlier) in cases {
            let written = serde_json::to_string(&record).expect("serializes");
            assert_eq!(written, earlier.to_string());
            let read: Record = serde_json::from_str(&written).expect("reads back");
            assert_eq!(read, record, "{written}");
        }
    }

    #[test]
    fn what_this_build_adds_is_written_last_and_read_back() {
        let submitted = record(
            2,
            Event::Submitted {
                request_id: "r1".into(),
                at: Some(1_796_114_232),
            },
        );
        let mut costed = done(DoneStatus::Succeeded, None);
        if let Event::Done(finished) = &mut costed {
            finished.cost = Some(0.49);
        }
        let costed = record(6, costed);
        let cases = [
            (
                submitted,
                r#"{"line":2,"event":"submitted","request_id":"r1","at":1796114232}"#,
            ),
            (
                costed,
                r#"{"line":6,"event":"done","status":"succeeded","request_id":"r1","output":{"video":"https://example.com/v.mp4"},"files":["out/1/v.mp4"],"error":null,"cost":0.49}"#,
            ),
        ];
        for (record, bytes) in cases {
            assert_eq!(serde_json::to_string(&record).expect("serializes"), bytes);
            let read: Record = serde_json::from_str(bytes).expect("reads back");
            assert_eq!(read, record, "{bytes}");
        }
    }

    #[test]
    fn a_done_record_says_when_it_was_written_last() {
        let mut timed = done(DoneStatus::Succeeded, None);
        if let Event::Done(finished) = &mut timed {
            finished.at = Some(1_796_114_240);
        }
        let bytes = r#"{"line":6,"event":"done","status":"succeeded","request_id":"r1","output":{"video":"https://example.com/v.mp4"},"files":["out/1/v.mp4"],"error":null,"at":1796114240}"#;
        let timed = record(6, timed);
        assert_eq!(serde_json::to_string(&timed).expect("serializes"), bytes);
        let read: Record = serde_json::from_str(bytes).expect("reads back");
        assert_eq!(read, timed);
    }

    #[test]
    fn an_event_of_a_later_build_is_read_and_changes_nothing() {
        let read: Record =
            serde_json::from_str(r#"{"line": 3, "event": "checkpoint", "at": 12}"#).expect("reads");
        assert_eq!(read, record(3, Event::Other));
        assert!(serde_json::to_string(&read).is_err(), "never written");
    }

    #[test]
    fn what_a_record_leaves_out_reads_as_before() {
        let read = |text: &str| serde_json::from_str::<Record>(text).expect(text).event;
        assert_eq!(
            read(r#"{"line": 1, "event": "unknown"}"#),
            Event::Unknown {
                reason: DIED_AFTER_INTENT.into()
            }
        );
        assert_eq!(
            read(r#"{"line": 1, "event": "done"}"#),
            Event::Done(Finished {
                status: DoneStatus::Failed,
                request_id: None,
                output: Value::Null,
                files: Vec::new(),
                error: None,
                cost: None,
                at: None,
            })
        );
        let Event::Done(odd) = read(
            r#"{"line": 1, "event": "done", "status": "exploded", "error": {"error_message": "bad frame", "error_code": 7}}"#,
        ) else {
            panic!("a done record");
        };
        assert_eq!(
            odd.status,
            DoneStatus::Failed,
            "an unknown status is a failure"
        );
        assert_eq!(odd.error.as_deref(), Some("bad frame (error_code 7)"));
        for not_a_record in [r#"{"event": "intent"}"#, r#"{"line": 1}"#, "[1]"] {
            assert!(
                serde_json::from_str::<Record>(not_a_record).is_err(),
                "{not_a_record}"
            );
        }
    }
}
