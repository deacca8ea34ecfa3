//! A saved answer in the live API's shape (`{"models": [...], "total": N}`,
//! `input_schema` saying `float` where the snapshot says `number`,
//! categories, kind, prices) imports the same input and output schemas as
//! the snapshot for the same models, plus the facts the live shape adds.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::catalog::facts::{self, Facts, Shape};
use xtask::catalog::folders::{self, INPUT, OUTPUT};
use xtask::catalog::kind::KindSource;
use xtask::catalog::{Change, import};
use xtask::repository_root;

use crate::common::{schemas_before_import, schemas_copy};

fn fixture() -> PathBuf {
    repository_root().join("xtask/tests/fixtures/live-catalog.json")
}

fn fixture_records() -> Vec<Value> {
    let text = fs::read_to_string(fixture()).expect("fixture");
    let answer: Value = serde_json::from_str(&text).expect("JSON");
    answer["models"].as_array().expect("models").clone()
}

fn facts_of(root: &Path, id: &str) -> Facts {
    facts::read(root, &folders::dir_of(id))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("{id} has no facts"))
}

#[test]
fn a_live_answer_imports_the_snapshots_schemas_and_its_own_facts() {
    let (_dir, root) = schemas_before_import();
    let outcome = import(&root, &fixture(), false).unwrap_or_else(|e| panic!("{e}"));
    let records = fixture_records();
    assert_eq!(outcome.changes.len(), records.len());
    let real = repository_root();
    for (index, record) in records.iter().enumerate() {
        let id = record["model_id"].as_str().expect("id");
        for name in [INPUT, OUTPUT] {
            let file = folders::dir_of(id).join(name);
            assert_eq!(
                fs::read_to_string(root.join(&file)).expect("written"),
                fs::read_to_string(real.join(&file)).expect("checked in"),
                "{}",
                file.display()
            );
        }
        let (live, snapshot) = (facts_of(&root, id), facts_of(&real, id));
        assert_eq!(
            (&live.display_name, live.output_kind),
            (&snapshot.display_name, snapshot.output_kind),
            "{id}"
        );
        assert_eq!(live.source.shape, Shape::Live);
        assert_eq!(live.source.file, "live-catalog.json");
        assert_eq!(
            live.source.record.as_deref(),
            Some(format!("/models/{index}").as_str())
        );
        assert_eq!(live.kind.as_deref(), record["kind"].as_str());
        let categories = record["categories"].as_array().map(|list| {
            list.iter()
                .map(|c| c.as_str().expect("text").to_owned())
                .collect::<Vec<_>>()
        });
        assert_eq!(live.categories, categories, "{id}");
        assert_eq!(
            live.base_price_usd,
            record["base_price_usd"].as_f64(),
            "{id}"
        );
        assert_eq!(
            live.price_unit.as_deref(),
            record["price_unit"].as_str(),
            "{id}"
        );
        assert_eq!(
            live.pricing_note.as_deref(),
            record["pricing_note"].as_str(),
            "{id}"
        );
        assert!(live.codegen && !live.curated);
    }
    let told = |id: &str| facts_of(&root, id).source.output_kind_from;
    assert_eq!(
        told("bytedance/seedance-2.5/image-to-video/1080p"),
        KindSource::Categories
    );
    assert_eq!(told("openai/gpt-image-2/edit"), KindSource::Categories);
    assert_eq!(
        told("acestep-ai/ace-step/audio-inpaint"),
        KindSource::ModelId
    );
    assert_eq!(
        told("bytedance/seedream-5.0-pro/image-to-image"),
        KindSource::ModelId
    );
}

#[test]
fn over_the_snapshots_folders_a_live_answer_changes_facts_only() {
    let (_dir, root) = schemas_copy();
    let outcome = import(&root, &fixture(), true).unwrap_or_else(|e| panic!("{e}"));
    let records = fixture_records();
    let changed: Vec<_> = outcome
        .changes
        .iter()
        .filter_map(|c| match &c.change {
            Change::Changed(lines) => Some((c.id.as_str(), lines)),
            _ => None,
        })
        .collect();
    assert_eq!(changed.len(), records.len(), "{:?}", outcome.changes);
    for (id, lines) in changed {
        assert!(
            lines.iter().all(|line| line.starts_with("facts: ")),
            "{id}: the input and output schemas stay the same: {lines:?}"
        );
        assert!(lines.contains(&"facts: source.shape \"snapshot\" -> \"live\"".to_owned()));
    }
    let removed = outcome
        .changes
        .iter()
        .filter(|c| c.change == Change::Removed)
        .count();
    assert_eq!(removed, 120 - records.len(), "the models the answer lacks");
    assert_eq!(outcome.curated, 0);
}
