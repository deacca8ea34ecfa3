//! The provider's snapshot imports to exactly the checked-in `schemas/`,
//! and importing it again changes nothing; every checked-in folder's facts
//! match their schema and its schemas lint.

use std::collections::BTreeMap;
use std::path::Path;

use xtask::catalog::facts::FactsSchema;
use xtask::catalog::folders::{self, INPUT, OUTPUT};
use xtask::catalog::{Change, Warning, import};
use xtask::lint::{Profile, model_schema_as};
use xtask::repository_root;

use crate::common::{files_under, schemas_before_import, snapshot};

#[test]
fn the_snapshot_imports_to_exactly_the_checked_in_schemas() {
    let snapshot = snapshot();
    let (_dir, root) = schemas_before_import();
    let outcome = import(&root, &snapshot, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome.changes.len(), 120, "{:?}", outcome.changes);
    assert!(outcome.changes.iter().all(|c| c.change == Change::Added));
    assert_eq!(outcome.written.len(), 360);

    let made = files_under(&root.join("schemas"));
    let real = files_under(&repository_root().join("schemas"));
    let differing: Vec<String> = real
        .keys()
        .chain(made.keys().filter(|path| !real.contains_key(*path)))
        .filter(|path| made.get(*path) != real.get(*path))
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        differing.is_empty(),
        "the import differs from the checked-in schemas/ (run `cargo xtask catalog import \
         schemas/catalog/partner-nodes-models.json`): {differing:?}"
    );

    let again = import(&root, &snapshot, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.changes, []);
    assert_eq!(again.written, Vec::<std::path::PathBuf>::new());
    assert_eq!(again.unchanged, 120);
    assert_eq!(
        files_under(&root.join("schemas")),
        made,
        "a re-import is byte-identical"
    );
}

#[test]
fn the_snapshots_warnings_name_each_unvalidated_input_and_no_rule_is_unknown() {
    let outcome = import(&repository_root(), &snapshot(), true).unwrap_or_else(|e| panic!("{e}"));
    // This build applies every `validations` rule the snapshot uses
    // (Seedream 5.0's `width/height>` and `width/height<` among them).
    let unknown: Vec<&Warning> = outcome
        .warnings
        .iter()
        .filter(|w| matches!(w, Warning::UnknownRule { .. }))
        .collect();
    assert_eq!(unknown, Vec::<&Warning>::new());
    let unvalidated: Vec<&Warning> = outcome
        .warnings
        .iter()
        .filter(|w| matches!(w, Warning::Unvalidated { .. }))
        .collect();
    assert_eq!(unvalidated.len(), 15);
    assert!(outcome.warnings.contains(&Warning::Unvalidated {
        model: "runwayml/runway-aleph-2/video-to-video".into(),
        inputs: vec!["keyframes".into()],
    }));
    assert_eq!(outcome.warnings.len(), 15, "{:?}", outcome.warnings);
}

#[test]
fn every_folder_has_facts_that_match_their_schema_and_schemas_that_lint() {
    let root = repository_root();
    let facts_schema = FactsSchema::load(&root).unwrap_or_else(|e| panic!("{e}"));
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, folder) in folders::existing(&root).unwrap_or_else(|e| panic!("{e}")) {
        let dir = folders::dir_of(&id);
        let facts = folder
            .facts
            .unwrap_or_else(|| panic!("{id} has no facts file"));
        facts_schema
            .check(&dir.join("model.json"), &facts.to_value())
            .unwrap_or_else(|e| panic!("{e}"));
        let text = &folder.files["model.json"];
        let value: serde_json::Value = serde_json::from_str(text).expect("facts are JSON");
        facts_schema
            .check(&dir.join("model.json"), &value)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(facts.model_id, id);
        let profile = if facts.curated {
            Profile::Curated
        } else {
            Profile::Imported
        };
        for name in [INPUT, OUTPUT] {
            let schema = serde_json::from_str(&folder.files[name]).expect("JSON");
            model_schema_as(&Path::new(&dir).join(name), &schema, profile)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        *kinds.entry(facts.output_kind.name()).or_default() += 1;
    }
    // The snapshot's 90 video models and Kling 1.6.
    assert_eq!(
        kinds,
        BTreeMap::from([("audio", 6), ("image", 24), ("video", 91)])
    );
}
