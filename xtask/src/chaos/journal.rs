//! What the batch journal says: each input's last event and the inputs a
//! kill left unknown, read as runs append to it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::PathBuf;

use serde_json::Value;

/// How `runcomfy batch` journals an unknown outcome left by a run that died
/// between an intent and its answer (the start of its reason).
pub const KILLED_REASON: &str = "an earlier run stopped after deciding to submit";

/// What the batch journal says so far: each line's last event, and the lines
/// marked unknown because a run died between the intent and the answer.
/// Fed record by record (complete lines only), so a watcher reads each byte
/// once.
#[derive(Debug, Clone, Default)]
pub struct JournalFacts {
    last: BTreeMap<u64, String>,
    /// Lines journaled `unknown` with [`KILLED_REASON`].
    pub unknown_after_kill: BTreeSet<usize>,
}

impl JournalFacts {
    /// Takes one record (a torn or foreign line is ignored).
    pub fn record(&mut self, text: &str) {
        let Ok(record) = serde_json::from_str::<Value>(text) else {
            return;
        };
        let (Some(line), Some(event)) = (record["line"].as_u64(), record["event"].as_str()) else {
            return;
        };
        if event == "unknown"
            && record["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with(KILLED_REASON))
        {
            self.unknown_after_kill.insert(line as usize);
        }
        self.last.insert(line, event.to_owned());
    }

    /// Inputs whose last record is final (`done` or `unknown`).
    pub fn finals(&self) -> usize {
        self.last
            .values()
            .filter(|event| matches!(event.as_str(), "done" | "unknown"))
            .count()
    }
}

/// Follows the journal as runs append to it, reading each byte once.
pub(super) struct JournalWatch {
    path: PathBuf,
    offset: u64,
    facts: JournalFacts,
}

impl JournalWatch {
    pub(super) fn new(path: PathBuf) -> Self {
        Self {
            path,
            offset: 0,
            facts: JournalFacts::default(),
        }
    }

    /// Reads what was appended since; returns the inputs now final.
    pub(super) fn finals(&mut self) -> usize {
        let Ok(mut file) = std::fs::File::open(&self.path) else {
            return self.facts.finals();
        };
        let length = file.metadata().map_or(0, |m| m.len());
        if length < self.offset {
            // A run cut a torn record off: read it all again.
            *self = Self::new(self.path.clone());
        }
        let mut fresh = Vec::new();
        if file.seek(SeekFrom::Start(self.offset)).is_ok() {
            let _ = file.read_to_end(&mut fresh);
        }
        // Complete records only; a partial one is read again next time.
        if let Some(end) = fresh.iter().rposition(|&b| b == b'\n') {
            for line in String::from_utf8_lossy(&fresh[..end]).lines() {
                self.facts.record(line);
            }
            self.offset += end as u64 + 1;
        }
        self.facts.finals()
    }

    /// Reads the rest of the journal; the lines a kill left unknown.
    pub(super) fn unknown_after_kill(&mut self) -> BTreeSet<usize> {
        self.finals();
        self.facts.unknown_after_kill.clone()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_journal_says_what_is_final_and_what_a_kill_left_unknown() {
        let mut facts = JournalFacts::default();
        for record in [
            r#"{"line":1,"event":"intent"}"#,
            r#"{"line":1,"event":"submitted","request_id":"a"}"#,
            r#"{"line":2,"event":"intent"}"#,
            r#"{"line":3,"event":"intent"}"#,
            r#"{"line":3,"event":"unknown","reason":"the gateway answered HTTP 502"}"#,
            r#"{"line":1,"event":"done","status":"succeeded"}"#,
            r#"{"line":2,"event":"inte"#,
        ] {
            facts.record(record);
        }
        assert_eq!(facts.finals(), 2);
        assert!(facts.unknown_after_kill.is_empty());
        facts.record(&json!({"line": 2, "event": "unknown", "reason": format!("{KILLED_REASON} and before recording the answer")}).to_string());
        assert_eq!(facts.finals(), 3);
        assert_eq!(facts.unknown_after_kill, BTreeSet::from([2]));
    }
}
