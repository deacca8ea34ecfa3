//! A model's output kind (video, image or audio) and how an import tells
//! it: the snapshot's `output_type` when the record has one (a live record
//! has none), else the record's categories when they name one kind, else the
//! model id's segments (the last that names a kind), else the facts of the
//! folder already there; and never by a guess: an inferred kind that
//! contradicts the folder's facts, or no clue at all, is an error.

use serde::{Deserialize, Serialize};

/// What a model's result carries in its `output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputKind {
    /// `video` (one URL) or `videos`.
    Video,
    /// `image` (one URL) or `images`.
    Image,
    /// `audio` (one URL or a list).
    Audio,
}

impl OutputKind {
    /// The kind as the facts file writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Image => "image",
            Self::Audio => "audio",
        }
    }

    /// The kind one word of a category or an id names (`music` and `speech`
    /// are audio).
    fn of_word(word: &str) -> Option<Self> {
        match word {
            "video" => Some(Self::Video),
            "image" => Some(Self::Image),
            "audio" | "music" | "speech" => Some(Self::Audio),
            _ => None,
        }
    }

    /// The kind a phrase such as `image-to-video` or `qwen-image-2.1` names:
    /// the word after its last `to`, else its one kind word; none when it
    /// names several or none.
    fn of_phrase(phrase: &str) -> Option<Self> {
        let lower = phrase.to_ascii_lowercase();
        let words: Vec<&str> = lower.split(['-', '_', ' ']).collect();
        if let Some(to) = words.iter().rposition(|word| *word == "to") {
            return words.get(to + 1).and_then(|word| Self::of_word(word));
        }
        let mut kinds = words.iter().filter_map(|word| Self::of_word(word));
        let first = kinds.next()?;
        kinds.all(|kind| kind == first).then_some(first)
    }
}

/// Where an output kind came from, as the facts file records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindSource {
    /// The snapshot record's `output_type`.
    OutputType,
    /// The record's categories (`text-to-video`).
    Categories,
    /// The model id's segments (`…/image-to-video/1080p`).
    ModelId,
    /// The facts file of the folder already there.
    ExistingFacts,
    /// Written by hand from the seeds.
    Curated,
}

/// What a record says that can tell its output kind.
#[derive(Debug, Clone, Copy)]
pub struct KindClues<'a> {
    /// The model id.
    pub model_id: &'a str,
    /// The snapshot's `output_type` (`VIDEO`, `IMAGE`, `AUDIO`).
    pub output_type: Option<&'a str>,
    /// The live record's categories.
    pub categories: &'a [String],
    /// The output kind of the folder already there, from its facts.
    pub existing: Option<OutputKind>,
}

/// The output kind and where it came from; the error says why none can be
/// told (the caller names the model).
pub fn tell(clues: &KindClues<'_>) -> Result<(OutputKind, KindSource), String> {
    if let Some(output_type) = clues.output_type {
        return match output_type {
            "VIDEO" => Ok((OutputKind::Video, KindSource::OutputType)),
            "IMAGE" => Ok((OutputKind::Image, KindSource::OutputType)),
            "AUDIO" => Ok((OutputKind::Audio, KindSource::OutputType)),
            other => Err(format!(
                "output_type `{other}` is none of VIDEO, IMAGE, AUDIO"
            )),
        };
    }
    let inferred = from_categories(clues.categories)
        .map(|kind| (kind, KindSource::Categories))
        .or_else(|| from_model_id(clues.model_id).map(|kind| (kind, KindSource::ModelId)));
    match (inferred, clues.existing) {
        (Some((kind, source)), Some(existing)) if kind != existing => Err(format!(
            "the {} say {} but the folder's facts say {}; remove the folder to take the new kind",
            match source {
                KindSource::Categories => "categories",
                _ => "id's segments",
            },
            kind.name(),
            existing.name()
        )),
        (Some(told), _) => Ok(told),
        (None, Some(existing)) => Ok((existing, KindSource::ExistingFacts)),
        (None, None) => Err(
            "its output kind cannot be told: no output_type, no category and no id segment \
             naming video, image or audio, and no folder with facts to keep it from"
                .to_owned(),
        ),
    }
}

/// The one kind the categories name, if they name exactly one.
fn from_categories(categories: &[String]) -> Option<OutputKind> {
    let mut kinds = categories
        .iter()
        .filter_map(|category| OutputKind::of_phrase(category));
    let first = kinds.next()?;
    kinds.all(|kind| kind == first).then_some(first)
}

/// The kind the id's last segment naming one names.
fn from_model_id(model_id: &str) -> Option<OutputKind> {
    model_id.rsplit('/').find_map(OutputKind::of_phrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clues<'a>(model_id: &'a str, categories: &'a [String]) -> KindClues<'a> {
        KindClues {
            model_id,
            output_type: None,
            categories,
            existing: None,
        }
    }

    #[test]
    fn the_snapshots_output_type_decides() {
        let mut told = clues("acme/x/text-to-image", &[]);
        told.output_type = Some("VIDEO");
        assert_eq!(tell(&told), Ok((OutputKind::Video, KindSource::OutputType)));
        told.output_type = Some("TEXT");
        assert!(tell(&told).is_err_and(|e| e.contains("`TEXT`")));
    }

    #[test]
    fn categories_then_id_segments_then_existing_facts() {
        let video = ["text-to-video".to_owned(), "video".to_owned()];
        assert_eq!(
            tell(&clues("acme/x/edit", &video)),
            Ok((OutputKind::Video, KindSource::Categories))
        );
        let mixed = ["text-to-video".to_owned(), "image-editing".to_owned()];
        assert_eq!(
            tell(&clues("acme/x/image-to-video/1080p", &mixed)),
            Ok((OutputKind::Video, KindSource::ModelId))
        );
        assert_eq!(
            tell(&clues("openai/gpt-image-2/edit", &[])),
            Ok((OutputKind::Image, KindSource::ModelId))
        );
        assert_eq!(
            tell(&clues("acme/x/text-to-speech", &[])),
            Ok((OutputKind::Audio, KindSource::ModelId))
        );
        let mut kept = clues("bytedance/seedance-2.0/fast", &[]);
        kept.existing = Some(OutputKind::Video);
        assert_eq!(
            tell(&kept),
            Ok((OutputKind::Video, KindSource::ExistingFacts))
        );
    }

    #[test]
    fn no_clue_or_a_contradicted_folder_is_an_error() {
        let none = tell(&clues("bytedance/seedance-2.0/fast", &[]));
        assert!(none.is_err_and(|e| e.contains("cannot be told")));
        let mut contradicted = clues("acme/x/text-to-image", &[]);
        contradicted.existing = Some(OutputKind::Video);
        let error = tell(&contradicted).expect_err("contradiction");
        assert!(
            error.contains("say image") && error.contains("facts say video"),
            "{error}"
        );
    }
}
