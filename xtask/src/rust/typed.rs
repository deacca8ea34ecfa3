//! The typed modules (`runcomfy_types::models::…`): a module a segment of
//! each model id, the model's own holding typify's `Input` and `Output`
//! (with builders) and re-exporting its catalog entry; each provider's
//! modules behind the cargo feature of its name.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::format::{guarded, header, unparse};
use super::tree::Node;
use crate::error::CodegenError;
use crate::generated::GeneratedFile;
use crate::models::Model;
use crate::typify_schema;

/// Where the typed modules live.
pub const MODELS_DIR: &str = "crates/runcomfy-types/src/models";

/// Every file of the typed module tree, `models/mod.rs` first.
pub fn typed_files(models: &[Model]) -> Result<Vec<GeneratedFile>, CodegenError> {
    let root = Node::of(models);
    let mut files = vec![GeneratedFile::new(
        Path::new(MODELS_DIR).join("mod.rs"),
        index(models),
    )];
    for (path, node) in root.walk().into_iter().skip(1) {
        let mut text = match node.model {
            Some(model) => model_head(model),
            None => branch_head(&path, node),
        };
        for child in node.children.keys() {
            text.push_str(&format!("pub mod {child};\n"));
        }
        if let Some(model) = node.model {
            text.push_str(&model_items(model)?);
        }
        files.push(GeneratedFile::new(file_of(&path, node), text));
    }
    Ok(files)
}

/// The file of a module: `a/b.rs`, or `a/b/mod.rs` when it has children.
fn file_of(path: &[&str], node: &Node<'_>) -> PathBuf {
    let mut file = PathBuf::from(MODELS_DIR);
    file.extend(path);
    if node.children.is_empty() {
        file.set_extension("rs");
        file
    } else {
        file.join("mod.rs")
    }
}

/// `models/mod.rs`: each provider behind its feature, and the old path of
/// the list of every model.
fn index(models: &[Model]) -> String {
    let mut text = header("schemas/models/");
    text.push_str(
        "//! The typed modules of the models, a module a segment of the model id\n\
         //! (`kling/kling-1-6/pro/image-to-video` is\n\
         //! `kling::kling_1_6::pro::image_to_video`), each provider's behind the\n\
         //! cargo feature of its name; `all-models` turns on every one. The\n\
         //! data of every model is in [`catalog`](crate::catalog), whatever the\n\
         //! features.\n\n",
    );
    let providers: BTreeSet<(&str, &str)> = models
        .iter()
        .map(|model| (model.path[0].as_str(), model.provider()))
        .collect();
    for (module, feature) in providers {
        text.push_str(&format!(
            "#[cfg(feature = \"{feature}\")]\npub mod {module};\n"
        ));
    }
    text.push_str(
        "\n/// Every model this build knows, sorted by id.\npub use crate::catalog::MODELS;\n",
    );
    text
}

/// A module between the provider and the models: it only holds modules.
fn branch_head(path: &[&str], node: &Node<'_>) -> String {
    let prefix = node
        .walk()
        .into_iter()
        .find_map(|(_, below)| below.model)
        .map(|model| {
            model
                .id
                .split('/')
                .take(path.len())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_else(|| path.join("/"));
    let mut text = header("schemas/models/");
    text.push_str(&format!(
        "//! The typed modules of the models `{prefix}/…`.\n\n"
    ));
    text
}

/// A model's module up to its child modules: its documentation.
fn model_head(model: &Model) -> String {
    let description = typify_schema::doc_text(
        model
            .input
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or(""),
    );
    let mut text = header(&format!("{}/", model.dir().display()));
    text.push_str(&format!(
        r#"//! `{id}`: {description}
//!
//! [`Input`] is what to submit (build it with [`Input::builder`]); [`Output`]
//! is the `output` object of a succeeded result. The Rust types cannot carry
//! every constraint of [`INPUT_SCHEMA`] (numeric bounds, formats, media rules):
//! the validator compiled from it is the authority.

"#,
        id = model.id,
    ));
    text
}

/// A model's items: its catalog entry, the `ModelInput` impl and typify's types.
fn model_items(model: &Model) -> Result<String, CodegenError> {
    let mut text = format!(
        r#"
pub use crate::catalog::{entry}::{{INPUT_SCHEMA, MODEL_ID, OUTPUT_SCHEMA, SPEC}};

impl crate::spec::ModelInput for Input {{
    type Output = Output;
    const SPEC: &'static crate::spec::ModelSpec = &SPEC;
}}

"#,
        entry = model.path.join("::"),
    );
    text.push_str(&typify_types(model)?);
    Ok(text)
}

/// typify's `Input` and `Output` of a model, from the reduced copies of its
/// schemas (see [`typify_schema`]).
fn typify_types(model: &Model) -> Result<String, CodegenError> {
    let mut settings = typify::TypeSpaceSettings::default();
    settings
        .with_struct_builder(true)
        .with_derive("PartialEq".into());
    let mut space = typify::TypeSpace::new(&settings);
    for (file, schema, title) in [
        ("input.json", &model.input, "Input"),
        ("output.json", &model.output, "Output"),
    ] {
        let path = model.dir().join(file);
        if schema.get("title").and_then(Value::as_str) != Some(title) {
            return Err(CodegenError::at(
                &path,
                "/title",
                format!("must be \"{title}\": it names the Rust type"),
            ));
        }
        let root: schemars::schema::RootSchema =
            serde_json::from_value(typify_schema::reduced(schema)).map_err(|e| {
                CodegenError::file(&path, format!("typify cannot read this schema: {e}"))
            })?;
        guarded(&path, || {
            space
                .add_root_schema(root)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })?;
    }
    let tokens = space.to_stream();
    unparse(tokens, &model.dir())
}
