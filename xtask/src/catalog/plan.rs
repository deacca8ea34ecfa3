//! What an import would leave in `schemas/models/`, made in memory before
//! anything is written: each record's folder (input schema, output schema,
//! facts, each linted or checked against the facts schema), the folders the
//! answer no longer lists, and the warnings. A curated folder is never
//! planned over, and a folder without facts (made by hand) never removed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::facts::{self, Facts, FactsSchema, GENERATE_IMPORTED, Source};
use super::folders::{self, Folder, INPUT, OUTPUT};
use super::input_schema;
use super::kind::{self, KindClues};
use super::output_schema;
use super::records::{Catalog, Record};
use super::warning::Warning;
use crate::error::CodegenError;
use crate::lint::{self, Profile};
use crate::rust::pretty_json;

/// One folder as the import writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedModel {
    /// The model id.
    pub id: String,
    /// Each file's name and text, in [`folders::FILES`] order.
    pub files: Vec<(&'static str, String)>,
}

/// Everything an import would do.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The folders written, by model id.
    pub models: Vec<PlannedModel>,
    /// The imported folders the answer no longer lists.
    pub removed: Vec<String>,
    /// The curated folders the answer lists, left as they are.
    pub curated: Vec<String>,
    /// What the import warns about, by model id.
    pub warnings: Vec<Warning>,
}

/// Plans the import of `catalog` over the `existing` folders of `root`.
pub fn plan(
    root: &Path,
    catalog: &Catalog,
    catalog_path: &Path,
    existing: &BTreeMap<String, Folder>,
) -> Result<Plan, CodegenError> {
    let facts_schema = FactsSchema::load(root)?;
    let mut records: Vec<&Record> = catalog.records.iter().collect();
    records.sort_by(|a, b| a.model_id.cmp(&b.model_id));
    let mut plan = Plan {
        models: Vec::new(),
        removed: Vec::new(),
        curated: Vec::new(),
        warnings: Vec::new(),
    };
    for record in records {
        let facts = existing
            .get(&record.model_id)
            .and_then(|f| f.facts.as_ref());
        if facts.is_some_and(|facts| facts.curated) {
            plan.curated.push(record.model_id.clone());
            plan.warnings.push(Warning::CuratedKept {
                model: record.model_id.clone(),
            });
            continue;
        }
        let import = RecordImport {
            catalog,
            catalog_path,
            record,
            facts_schema: &facts_schema,
        };
        let model = import.folder(facts.map(|facts| facts.output_kind), &mut plan.warnings)?;
        plan.models.push(model);
    }
    let listed: BTreeSet<&str> = catalog
        .records
        .iter()
        .map(|r| r.model_id.as_str())
        .collect();
    plan.removed = existing
        .iter()
        .filter(|(id, folder)| {
            !listed.contains(id.as_str()) && folder.facts.as_ref().is_some_and(|f| !f.curated)
        })
        .map(|(id, _)| id.clone())
        .collect();
    Ok(plan)
}

/// One record's import: what its folder is made from.
struct RecordImport<'a> {
    catalog: &'a Catalog,
    catalog_path: &'a Path,
    record: &'a Record,
    facts_schema: &'a FactsSchema,
}

impl RecordImport<'_> {
    fn folder(
        &self,
        existing: Option<kind::OutputKind>,
        warnings: &mut Vec<Warning>,
    ) -> Result<PlannedModel, CodegenError> {
        let record = self.record;
        let model = record.model_id.clone();
        let dir = folders::dir_of(&model);
        let (output_kind, told_by) = kind::tell(&KindClues {
            model_id: &model,
            output_type: record.output_type.as_deref(),
            categories: record.categories.as_deref().unwrap_or_default(),
            existing,
        })
        .map_err(|reason| {
            CodegenError::at(
                self.catalog_path,
                &record.pointer,
                format!("model `{model}`: {reason}"),
            )
        })?;
        let input = input_schema::normalise(
            &model,
            &record.display_name,
            &record.schema,
            &record.omitted_inputs,
        );
        for unknown in lint::model_schema_as(&dir.join(INPUT), &input, Profile::Imported)? {
            warnings.push(Warning::UnknownRule {
                model: model.clone(),
                field: field_of(&unknown.pointer),
                rule: unknown.rule,
            });
        }
        if !record.omitted_inputs.is_empty() {
            warnings.push(Warning::Unvalidated {
                model: model.clone(),
                inputs: record.omitted_inputs.clone(),
            });
        }
        let output = output_schema::for_kind(&model, output_kind);
        lint::model_schema_as(&dir.join(OUTPUT), &output, Profile::Imported)?;
        let facts = self.facts(output_kind, told_by).to_value();
        self.facts_schema.check(&dir.join(facts::FILE), &facts)?;
        Ok(PlannedModel {
            id: model,
            files: vec![
                (INPUT, pretty_json(&input)),
                (OUTPUT, pretty_json(&output)),
                (facts::FILE, pretty_json(&facts)),
            ],
        })
    }

    fn facts(&self, output_kind: kind::OutputKind, told_by: kind::KindSource) -> Facts {
        let record = self.record;
        Facts {
            model_id: record.model_id.clone(),
            display_name: record.display_name.clone(),
            output_kind,
            categories: record.categories.clone(),
            kind: record.kind.clone(),
            base_price_usd: record.base_price_usd,
            price_unit: record.price_unit.clone(),
            pricing_note: record.pricing_note.clone(),
            pricing_mode: record.pricing_mode.clone(),
            omitted_inputs: record.omitted_inputs.clone(),
            limitations: record.limitations.clone(),
            curated: false,
            codegen: GENERATE_IMPORTED,
            source: Source {
                file: self.catalog.file_name.clone(),
                shape: record.shape,
                record: Some(record.pointer.clone()),
                output_kind_from: told_by,
            },
        }
    }
}

/// The field a schema pointer is under: `/properties/images/items/validations/0`
/// is `images/items`.
fn field_of(pointer: &str) -> String {
    let field = pointer
        .rsplit_once("/validations/")
        .map_or(pointer, |(field, _)| field);
    field
        .split('/')
        .filter(|token| !token.is_empty() && *token != "properties")
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rules_field_is_its_property_path() {
        assert_eq!(field_of("/properties/image/validations/1"), "image");
        assert_eq!(
            field_of("/properties/images/items/validations/0"),
            "images/items"
        );
    }
}
