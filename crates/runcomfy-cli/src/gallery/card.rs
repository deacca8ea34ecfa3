//! A card of the gallery: what one input line of a batch shows.

/// Where a line stands, as its journal says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Succeeded,
    Failed,
    Cancelled,
    /// Whether the service took its submit cannot be known.
    Unknown,
    /// Submitted, not finished yet (or not seen finished by a run).
    Running,
    /// Nothing sent yet, or certainly refused.
    Waiting,
}

impl State {
    /// Every state, in the order the page lists them.
    pub(crate) const ALL: [Self; 6] = [
        Self::Succeeded,
        Self::Failed,
        Self::Cancelled,
        Self::Unknown,
        Self::Running,
        Self::Waiting,
    ];

    /// Its name on the page (and in its filters), in the order of [`Self::ALL`].
    pub(crate) fn as_str(self) -> &'static str {
        const NAMES: [&str; 6] = [
            "succeeded",
            "failed",
            "cancelled",
            "unknown",
            "running",
            "waiting",
        ];
        NAMES[self as usize]
    }

    /// What `runcomfy batch` run again on the same journal does with the line.
    pub(crate) fn rerun(self) -> &'static str {
        match self {
            Self::Succeeded => "A re-run prints this result again and submits nothing.",
            Self::Failed | Self::Cancelled => {
                "A re-run reports this result again and does not submit the line again; to try it again, run the batch with a new --journal."
            }
            Self::Unknown => {
                "A re-run does not submit it again (a billed job may exist); with --resubmit-unknown it submits it again."
            }
            Self::Running => {
                "A re-run waits for this job and downloads its outputs; it is not submitted again."
            }
            Self::Waiting => "A re-run submits it.",
        }
    }
}

/// What a file is shown as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaKind {
    Video,
    Image,
    Audio,
    /// Any other file: a link.
    Other,
}

/// One output file of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Media {
    pub(crate) kind: MediaKind,
    /// Its file name, as the journal names it.
    pub(crate) name: String,
    /// Its address relative to the page (percent-encoded); none when the
    /// file is missing.
    pub(crate) href: Option<String>,
}

/// One input line of a batch.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Card {
    /// The journal's file name (a page may show several batches).
    pub(crate) batch: String,
    pub(crate) line: usize,
    pub(crate) state: State,
    /// The input's prompt (or the text that stands for one), when the
    /// inputs file was found.
    pub(crate) prompt: Option<String>,
    /// The line in the inputs file differs from the one the journal recorded.
    pub(crate) input_changed: bool,
    pub(crate) model: Option<String>,
    pub(crate) request_id: Option<String>,
    /// In USD, when the service said.
    pub(crate) cost: Option<f64>,
    /// Seconds from the submit's answer to the job's end, when both were journaled.
    pub(crate) took_secs: Option<u64>,
    /// The service's own words about a line that did not succeed.
    pub(crate) message: Option<String>,
    pub(crate) media: Vec<Media>,
    /// The job's start picture, inline, for its videos' poster.
    pub(crate) poster: Option<String>,
}

impl Card {
    /// A line of `batch` the journal says nothing of yet.
    pub(crate) fn waiting(batch: &str, line: usize) -> Self {
        Self {
            batch: batch.to_owned(),
            line,
            state: State::Waiting,
            prompt: None,
            input_changed: false,
            model: None,
            request_id: None,
            cost: None,
            took_secs: None,
            message: None,
            media: Vec::new(),
            poster: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_has_its_own_name() {
        let names: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "succeeded",
                "failed",
                "cancelled",
                "unknown",
                "running",
                "waiting"
            ]
        );
    }
}
