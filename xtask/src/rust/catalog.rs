//! The catalog data (`runcomfy_types::catalog`), compiled in whatever the
//! cargo features: a file a provider holding each model's id, schemas and
//! `ModelSpec` in modules named as its typed module is, and `MODELS`.

use std::path::Path;

use super::format::{header, pretty_json, raw_string};
use super::tree::Node;
use crate::catalog::facts::Facts;
use crate::catalog::kind::OutputKind;
use crate::error::CodegenError;
use crate::generated::GeneratedFile;
use crate::models::Model;

/// Where the catalog data lives.
pub const CATALOG_DIR: &str = "crates/runcomfy-types/src/catalog";

/// `catalog/mod.rs`, then a file a provider.
pub fn catalog_files(models: &[Model]) -> Result<Vec<GeneratedFile>, CodegenError> {
    let root = Node::of(models);
    let mut files = vec![GeneratedFile::new(
        Path::new(CATALOG_DIR).join("mod.rs"),
        index(&root, models),
    )];
    for (module, provider) in &root.children {
        let id = provider_id(provider);
        let mut text = header(&format!("schemas/models/{id}/"));
        text.push_str(&format!(
            "//! The catalog data of the `{id}` models, in modules named as their\n\
             //! typed modules are.\n\n"
        ));
        text.push_str(&node_items(provider)?);
        files.push(GeneratedFile::new(
            Path::new(CATALOG_DIR).join(format!("{module}.rs")),
            text,
        ));
    }
    Ok(files)
}

/// The provider segment of the ids under a provider's node.
fn provider_id(provider: &Node<'_>) -> String {
    provider
        .walk()
        .into_iter()
        .find_map(|(_, node)| node.model)
        .map(|model| model.provider().to_owned())
        .unwrap_or_default()
}

fn index(root: &Node<'_>, models: &[Model]) -> String {
    let mut text = header("schemas/models/");
    text.push_str(
        "//! Every model this build knows, as data compiled in whatever the cargo\n\
         //! features: its [`ModelSpec`](crate::ModelSpec) (id, display name,\n\
         //! output kind, categories, price, schemas, unvalidated inputs).\n\
         //! [`MODELS`] lists them by id, and [`models`](crate::models()) and\n\
         //! [`model`](crate::model) read it; each typed module's `SPEC` is its\n\
         //! entry here.\n\n",
    );
    for module in root.children.keys() {
        text.push_str(&format!("pub(crate) mod {module};\n"));
    }
    text.push_str(
        "\n/// Every model this build knows, sorted by id.\n\
         pub static MODELS: &[&crate::spec::ModelSpec] = &[\n",
    );
    for model in models {
        text.push_str(&format!("    &{}::SPEC,\n", model.path.join("::")));
    }
    text.push_str("];\n");
    text
}

/// The items of a node: its model's data, then each child's module.
fn node_items(node: &Node<'_>) -> Result<String, CodegenError> {
    let mut text = match node.model {
        Some(model) => model_data(model)?,
        None => String::new(),
    };
    for (name, child) in &node.children {
        text.push_str(&format!("pub mod {name} {{\n{}}}\n", node_items(child)?));
    }
    Ok(text)
}

/// One model's id, schemas and `ModelSpec`.
fn model_data(model: &Model) -> Result<String, CodegenError> {
    let facts = &model.facts;
    Ok(format!(
        r#"/// The model id, as in the submit path `/v1/models/{id}`.
pub const MODEL_ID: &str = "{id}";

/// The input JSON Schema (draft-07, with the provider's `validations` keyword).
pub const INPUT_SCHEMA: &str = {input};

/// The JSON Schema of the `output` object of a succeeded result.
pub const OUTPUT_SCHEMA: &str = {output};

/// This model in the catalog of the models this build knows.
pub static SPEC: crate::spec::ModelSpec = crate::spec::ModelSpec {{
    id: MODEL_ID,
    display_name: {display_name:?},
    output_kind: crate::spec::OutputKind::{kind},
    categories: &[{categories}],
    price: {price},
    input_schema: INPUT_SCHEMA,
    output_schema: OUTPUT_SCHEMA,
    unvalidated_inputs: &[{unvalidated}],
}};
"#,
        id = model.id,
        input = raw_string(&pretty_json(&model.input)),
        output = raw_string(&pretty_json(&model.output)),
        display_name = facts.display_name,
        kind = match facts.output_kind {
            OutputKind::Video => "Video",
            OutputKind::Image => "Image",
            OutputKind::Audio => "Audio",
        },
        categories = string_list(facts.categories.iter().flatten().map(String::as_str)),
        price = price(model, facts)?,
        unvalidated = string_list(model.unvalidated_inputs()),
    ))
}

/// Rust string literals separated by commas.
fn string_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|item| format!("{item:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `price` field: `Some` when the facts give both the base price and
/// what it is per, in millionths of a dollar.
fn price(model: &Model, facts: &Facts) -> Result<String, CodegenError> {
    let (Some(usd), Some(unit)) = (facts.base_price_usd, facts.price_unit.as_deref()) else {
        return Ok("None".into());
    };
    let unit = match unit {
        "output" => "Output",
        "second" => "Second",
        other => {
            return Err(CodegenError::at(
                model.dir().join(crate::catalog::facts::FILE),
                "/price_unit",
                format!("`{other}` is neither `output` nor `second`"),
            ));
        }
    };
    let micro_usd = (usd * 1_000_000.0).round();
    if !(micro_usd.is_finite() && micro_usd >= 0.0) {
        return Err(CodegenError::at(
            model.dir().join(crate::catalog::facts::FILE),
            "/base_price_usd",
            format!("{usd} is not a price"),
        ));
    }
    let note = match &facts.pricing_note {
        Some(note) => format!("Some({note:?})"),
        None => "None".into(),
    };
    Ok(format!(
        "Some(crate::spec::BasePrice {{ micro_usd: {}, unit: crate::spec::PriceUnit::{unit}, note: {note} }})",
        micro_usd as u64
    ))
}
