//! A batch's journal and inputs file read into cards, one an input line.
//!
//! The journal's records are replayed in order by the batch's own rule
//! (`batch::replay::advance`), so a card says what a re-run would find;
//! the inputs file gives each line's prompt. Reading never writes: a journal a run holds is read as it is.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::batch::inputs::Input;
use crate::batch::journal::read_journal;
use crate::batch::record::{DoneStatus, Event, Finished};
use crate::batch::replay::{Phase, advance};
use crate::exit::CliError;
use crate::gallery::card::{Card, State};
use crate::gallery::files::media;
use crate::gallery::poster::start_picture;
use crate::gallery::sources::Source;

/// The input fields that stand for a prompt, in the order tried.
const PROMPT_FIELDS: [&str; 4] = ["prompt", "text", "tags", "lyrics"];

/// Why a line has an intent and no answer, as a card says it.
const NO_ANSWER: &str = "its submit was decided and no answer was recorded (a run is submitting it, or one stopped there): it may have been sent";

/// A line as its records left it: its phase as a re-run replays it
/// ([`advance`], the batch's own rule), and what its card shows besides.
#[derive(Default)]
struct Seen {
    phase: Option<Phase>,
    /// The fingerprint of the input its intent recorded.
    hash: Option<String>,
    model: Option<String>,
    request_id: Option<String>,
    submitted_at: Option<u64>,
    /// The service's words on the last submit it refused.
    refused: Option<String>,
}

/// A batch to show: its journal, and its inputs file read once (a batch
/// refuses an inputs file that changed, so a page kept during one reads
/// it only at the start).
pub(crate) struct Batch {
    source: Source,
    inputs: BTreeMap<usize, Input>,
}

impl Batch {
    /// `source` with its inputs file read (none found: cards without prompts).
    pub(crate) fn read(source: Source) -> Self {
        let inputs = source
            .inputs
            .as_deref()
            .map(read_inputs)
            .unwrap_or_default();
        Self { source, inputs }
    }

    /// Every line as a card, in line order, for a page in `page_dir`
    /// (canonical), from the journal as it is now.
    pub(crate) fn cards(&self, page_dir: &Path) -> Result<Vec<Card>, CliError> {
        cards(&self.source, &self.inputs, page_dir)
    }

    /// The journal's path.
    pub(crate) fn journal(&self) -> &Path {
        &self.source.journal
    }
}

fn cards(
    source: &Source,
    inputs: &BTreeMap<usize, Input>,
    page_dir: &Path,
) -> Result<Vec<Card>, CliError> {
    let loaded = read_journal(&source.journal)?;
    let batch = source
        .journal
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let journal_dir = source
        .journal
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(Path::to_owned))
        .unwrap_or_default();
    let mut lines: BTreeMap<usize, Seen> = BTreeMap::new();
    for record in &loaded.records {
        lines.entry(record.line).or_default().take(&record.event);
    }
    for &line in inputs.keys() {
        lines.entry(line).or_default();
    }
    Ok(lines
        .into_iter()
        .map(|(line, seen)| {
            let input = inputs.get(&line);
            let changed = seen
                .hash
                .as_ref()
                .zip(input)
                .is_some_and(|(hash, input)| *hash != input.hash);
            let mut card = seen.card(&batch, line, &journal_dir, page_dir);
            if let Some(value) = input.and_then(|input| input.value.as_ref().ok()) {
                card.prompt = prompt_of(value);
                card.poster = start_picture(value);
            }
            card.input_changed = changed;
            card
        })
        .collect())
}

impl Seen {
    /// One record's effect on the line.
    fn take(&mut self, event: &Event) {
        advance(self.phase.get_or_insert(Phase::New), event);
        match event {
            Event::Intent { hash, model_id } => {
                self.hash = Some(hash.clone());
                self.model = Some(model_id.clone());
            }
            Event::Submitted { request_id, at } => {
                self.request_id = Some(request_id.clone());
                self.submitted_at = *at;
            }
            Event::Rejected { error, .. } => self.refused = Some(error.clone()),
            Event::Unknown { .. } | Event::Done(_) | Event::Other => {}
        }
    }

    /// The card of line `line` of `batch`.
    fn card(self, batch: &str, line: usize, journal_dir: &Path, page_dir: &Path) -> Card {
        let mut card = Card::waiting(batch, line);
        card.model = self.model;
        card.request_id = self.request_id;
        match self.phase.unwrap_or(Phase::New) {
            // Never sent, or certainly refused: a re-run sends it.
            Phase::New => card.message = self.refused,
            Phase::Intent => {
                card.state = State::Unknown;
                card.message = Some(NO_ANSWER.to_owned());
            }
            Phase::Unknown(reason) => {
                card.state = State::Unknown;
                card.message = Some(reason);
            }
            Phase::Submitted(..) => card.state = State::Running,
            Phase::Done(done) => finish(&mut card, &done, self.submitted_at, journal_dir, page_dir),
        }
        card
    }
}

/// A finished job's card: its state, the service's words, cost, time and files.
fn finish(
    card: &mut Card,
    done: &Finished,
    submitted_at: Option<u64>,
    journal_dir: &Path,
    page_dir: &Path,
) {
    card.state = match done.status {
        DoneStatus::Succeeded => State::Succeeded,
        DoneStatus::Failed => State::Failed,
        DoneStatus::Cancelled => State::Cancelled,
    };
    if done.request_id.is_some() {
        card.request_id.clone_from(&done.request_id);
    }
    card.message.clone_from(&done.error);
    card.cost = done.cost;
    card.took_secs = done
        .at
        .zip(submitted_at)
        .and_then(|(end, start)| end.checked_sub(start));
    card.media = done
        .files
        .iter()
        .map(|file| media(file, journal_dir, page_dir))
        .collect();
}

/// The lines of an inputs file (none when it cannot be read: the cards go
/// without prompts).
fn read_inputs(path: &Path) -> BTreeMap<usize, Input> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    text.split('\n')
        .enumerate()
        .filter(|(_, raw)| !raw.trim().is_empty())
        .map(|(index, raw)| (index + 1, Input::of_line(index + 1, raw.trim())))
        .collect()
}

/// The text that stands for an input's prompt.
fn prompt_of(input: &Value) -> Option<String> {
    PROMPT_FIELDS
        .iter()
        .filter_map(|field| input.get(field)?.as_str())
        .find(|text| !text.trim().is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::gallery::card::MediaKind;

    /// A batch in `dir`: inputs `lines`, journal `records`.
    fn batch(dir: &Path, lines: &[&str], records: &[&str]) -> Source {
        std::fs::write(dir.join("in.jsonl"), lines.join("\n")).expect("inputs");
        std::fs::write(dir.join("in.jsonl.journal"), records.join("\n")).expect("journal");
        Source::of_journal(dir.join("in.jsonl.journal"))
    }

    #[test]
    fn each_line_reads_as_its_records_left_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        std::fs::create_dir_all(root.join("out/1")).expect("out");
        std::fs::write(root.join("out/1/a.mp4"), b"mp4").expect("video");
        let source = batch(
            &root,
            &[
                r#"{"prompt": "<b>one</b>"}"#,
                r#"{"prompt": "two"}"#,
                r#"{"tags": "lofi"}"#,
                r#"{"prompt": "four"}"#,
                r#"{"prompt": "five"}"#,
            ],
            &[
                r#"{"line":1,"hash":"x","model_id":"m/v","event":"intent"}"#,
                r#"{"line":1,"event":"submitted","request_id":"r1","at":100}"#,
                r#"{"line":1,"event":"done","status":"succeeded","request_id":"r1","output":{},"files":["out/1/a.mp4","out/1/gone.png"],"error":null,"cost":0.5,"at":112}"#,
                r#"{"line":2,"hash":"x","model_id":"m/v","event":"intent"}"#,
                r#"{"line":2,"event":"submitted","request_id":"r2"}"#,
                r#"{"line":2,"event":"done","status":"failed","request_id":"r2","output":null,"files":[],"error":"bad frame"}"#,
                r#"{"line":3,"hash":"x","model_id":"m/v","event":"intent"}"#,
                r#"{"line":4,"hash":"x","model_id":"m/v","event":"intent"}"#,
                r#"{"line":4,"event":"submitted","request_id":"r4"}"#,
                r#"{"line":4,"event":"unknown","reason":"late"}"#,
            ],
        );
        let cards = Batch::read(source).cards(&root).expect("reads");
        let states: Vec<_> = cards.iter().map(|c| (c.line, c.state)).collect();
        assert_eq!(
            states,
            [
                (1, State::Succeeded),
                (2, State::Failed),
                (3, State::Unknown),
                (4, State::Running),
                (5, State::Waiting)
            ]
        );
        let first = &cards[0];
        assert_eq!(first.prompt.as_deref(), Some("<b>one</b>"));
        assert_eq!((first.cost, first.took_secs), (Some(0.5), Some(12)));
        assert_eq!(first.model.as_deref(), Some("m/v"));
        assert_eq!(first.media[0].href.as_deref(), Some("out/1/a.mp4"));
        assert_eq!(first.media[0].kind, MediaKind::Video);
        assert_eq!(first.media[1].href, None, "a missing file");
        assert!(first.input_changed, "the journal's hash is not the line's");
        assert_eq!(cards[1].message.as_deref(), Some("bad frame"));
        assert_eq!(cards[1].took_secs, None, "an earlier build's records");
        assert_eq!(cards[2].prompt.as_deref(), Some("lofi"));
        assert_eq!(cards[2].message.as_deref(), Some(NO_ANSWER));
        assert_eq!(cards[3].request_id.as_deref(), Some("r4"));
        assert_eq!(cards[4].model, None);
    }

    #[test]
    fn a_journal_without_its_inputs_still_reads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let journal = dir.path().join("custom.journal");
        std::fs::write(
            &journal,
            "{\"line\":7,\"hash\":\"x\",\"model_id\":\"m\",\"event\":\"intent\"}\n{\"line\":7,\"event\":\"rejected\",\"error\":\"429\",\"retry_in_ms\":5}\n",
        )
        .expect("journal");
        let source = Source::of_journal(journal);
        assert_eq!(source.inputs, None);
        let cards = Batch::read(source)
            .cards(&PathBuf::from("/"))
            .expect("reads");
        assert_eq!(cards.len(), 1);
        assert_eq!(
            (cards[0].state, cards[0].prompt.as_ref()),
            (State::Waiting, None)
        );
        assert_eq!(cards[0].batch, "custom.journal");
    }
}
