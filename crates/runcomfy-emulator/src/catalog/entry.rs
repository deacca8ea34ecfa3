//! Each model's catalog record ([`CatalogModel`]): its id, name for
//! people, description, categories, output kind and schemas, read once
//! from the types crate's catalog data ([`runcomfy_types::models`]), so the
//! emulator and the SDK agree on every id and schema (and the emulator's
//! package carries them).

use std::sync::OnceLock;

use runcomfy_types::ModelSpec;
use serde_json::Value;

use crate::kind::OutputKind;

/// A model as the catalog lists it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CatalogModel {
    /// `kling/kling-1-6/pro/image-to-video`.
    pub(crate) id: String,
    /// Its name for people.
    pub(crate) display_name: String,
    /// What it does, in words (its input schema's description), which
    /// `search` looks at.
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
        // The types crate keeps its models sorted by id (its lookup
        // searches them so), and so this list is.
        let models: Vec<CatalogModel> = runcomfy_types::models()
            .iter()
            .filter_map(|spec| read(spec))
            .collect();
        debug_assert!(models.windows(2).all(|pair| pair[0].id < pair[1].id));
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

/// A model's record; `None` for an output kind this emulator does not
/// make.
fn read(spec: &ModelSpec) -> Option<CatalogModel> {
    let kind = OutputKind::of(spec.output_kind)?;
    let input: Value = serde_json::from_str(spec.input_schema).ok()?;
    let description = input
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let categories = if spec.categories.is_empty() {
        categories_of(spec.id, kind, &input)
    } else {
        spec.categories.iter().map(|c| (*c).to_owned()).collect()
    };
    Some(CatalogModel {
        id: spec.id.to_owned(),
        display_name: spec.display_name.to_owned(),
        description,
        categories,
        kind,
        input_schema: spec.input_schema,
        output_schema: spec.output_schema,
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
        assert_eq!(
            models.len(),
            runcomfy_types::models().len(),
            "every model reads"
        );
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
