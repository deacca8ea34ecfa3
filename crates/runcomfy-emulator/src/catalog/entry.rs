//! Each model's catalog record ([`CatalogModel`]): its id, name for
//! people, description, categories, output kind and schemas, read once
//! from the model folders of `schemas/models/` that the build embeds.
//!
//! The types crate knows the typed models ([`runcomfy_types::models`]);
//! until it holds every model's catalog facts too, this reads the same
//! folders it is generated from, so the two agree on every id and schema.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::kind::OutputKind;

/// One model folder's files, as embedded by the build script.
struct ModelFiles {
    facts: &'static str,
    input: &'static str,
    output: &'static str,
}

/// Every folder of `schemas/models/`, sorted by path.
const MODEL_FILES: &[ModelFiles] = include!(concat!(env!("OUT_DIR"), "/model_files.rs"));

/// The facts file of a model folder (`model.json`), the fields read here.
#[derive(Deserialize)]
struct Facts {
    model_id: String,
    display_name: Option<String>,
    output_kind: String,
    description: Option<String>,
    /// A text, or a list of texts.
    limitations: Option<Value>,
    categories: Option<Vec<String>>,
}

/// A model as the catalog lists it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CatalogModel {
    /// `kling/kling-1-6/pro/image-to-video`.
    pub(crate) id: String,
    /// Its name for people.
    pub(crate) display_name: String,
    /// What it does, in words (its facts' description and limitations, or
    /// its input schema's description), which `search` looks at.
    pub(crate) description: String,
    /// What becomes what: `image-to-video`, `text-to-image`.
    pub(crate) categories: Vec<String>,
    /// What its result carries.
    pub(crate) kind: OutputKind,
    /// Its input JSON Schema.
    pub(crate) input_schema: &'static str,
    /// The JSON Schema of its `output`.
    pub(crate) output_schema: &'static str,
}

/// Every model served, sorted by id.
pub(crate) fn catalog() -> &'static [CatalogModel] {
    static CATALOG: OnceLock<Vec<CatalogModel>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut models: Vec<CatalogModel> = MODEL_FILES.iter().filter_map(read).collect();
        models.sort_by(|a, b| a.id.cmp(&b.id));
        models
    })
}

/// The model of `id`, if served.
pub(crate) fn catalog_model(id: &str) -> Option<&'static CatalogModel> {
    let models = catalog();
    models
        .binary_search_by(|model| model.id.as_str().cmp(id))
        .ok()
        .map(|at| &models[at])
}

/// The input schema of `id` that the validators compile.
pub(crate) fn input_schema_of(id: &str) -> Option<&'static str> {
    catalog_model(id).map(|model| model.input_schema)
}

/// A folder's record; `None` for facts this build cannot read (a folder
/// the import wrote wrong is a test failure, not a crash of the server).
fn read(files: &ModelFiles) -> Option<CatalogModel> {
    let facts: Facts = serde_json::from_str(files.facts).ok()?;
    let kind = match facts.output_kind.as_str() {
        "video" => OutputKind::Video,
        "image" => OutputKind::Image,
        "audio" => OutputKind::Audio,
        _ => return None,
    };
    let input: Value = serde_json::from_str(files.input).ok()?;
    let limitations = facts.limitations.map(|limits| match limits {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        other => other.as_str().unwrap_or_default().to_owned(),
    });
    let description = match (facts.description, limitations) {
        (Some(text), Some(limits)) => format!("{text} {limits}"),
        (Some(text), None) | (None, Some(text)) => text,
        (None, None) => input
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    };
    let categories = facts
        .categories
        .unwrap_or_else(|| categories_of(&facts.model_id, kind, &input));
    Some(CatalogModel {
        display_name: facts.display_name.unwrap_or_else(|| facts.model_id.clone()),
        id: facts.model_id,
        description,
        categories,
        kind,
        input_schema: files.input,
        output_schema: files.output,
    })
}

/// A model's categories when its facts give none: the segments of its id
/// that say what becomes what (`image-to-video`), else what its input
/// and kind say (an image, video or audio input to the output's kind;
/// `text-to-…` without one).
fn categories_of(id: &str, kind: OutputKind, input: &Value) -> Vec<String> {
    let named: Vec<String> = id
        .split('/')
        .filter(|segment| segment.contains("-to-"))
        .map(str::to_owned)
        .collect();
    if !named.is_empty() {
        return named;
    }
    let formats: Vec<&str> = input
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|properties| properties.values())
        .filter_map(|property| property.get("format")?.as_str())
        .collect();
    let from = ["video", "image", "audio"]
        .into_iter()
        .find(|media| formats.iter().any(|format| format.starts_with(media)))
        .unwrap_or("text");
    vec![format!("{from}-to-{}", kind.as_str())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_folder_is_served_with_its_kind_and_categories() {
        let models = catalog();
        assert_eq!(models.len(), MODEL_FILES.len(), "every folder reads");
        let kling = catalog_model("kling/kling-1-6/pro/image-to-video").expect("Kling 1.6 Pro");
        assert_eq!(kling.display_name, "Kling 1.6 Pro Image to Video");
        assert_eq!(kling.categories, ["image-to-video"]);
        assert_eq!(kling.kind, OutputKind::Video);
        for kind in [OutputKind::Video, OutputKind::Image, OutputKind::Audio] {
            assert!(models.iter().any(|model| model.kind == kind), "{kind:?}");
        }
        assert!(models.iter().all(|model| !model.categories.is_empty()));
        let music = catalog_model("elevenlabs/elevenlabs/music-generation").expect("music");
        assert_eq!(
            (music.kind, music.categories.clone()),
            (OutputKind::Audio, vec!["text-to-audio".to_owned()])
        );
        assert!(catalog_model("categories").is_none());
    }

    #[test]
    fn categories_come_from_the_id_or_the_inputs() {
        let image = serde_json::json!({"properties": {"image": {"format": "image_uri"}}});
        let none = serde_json::json!({"properties": {"prompt": {"type": "string"}}});
        assert_eq!(
            categories_of("a/b/text-to-video", OutputKind::Video, &image),
            ["text-to-video"]
        );
        assert_eq!(
            categories_of("a/b/edit", OutputKind::Image, &image),
            ["image-to-image"]
        );
        assert_eq!(
            categories_of("a/b/music", OutputKind::Audio, &none),
            ["text-to-audio"]
        );
    }
}
