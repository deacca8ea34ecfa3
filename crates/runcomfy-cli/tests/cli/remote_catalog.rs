//! `runcomfy models --remote`: the service's whole catalog, page by page,
//! checked to add up to its total, printed in the shape the catalog import
//! reads (`--json`) or as a table.

use serde_json::{Value, json};

use crate::common::catalog_stub::{self, records};
use crate::common::command::{emulator_with, runcomfy};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulators_catalog_is_saved_whole_in_the_shape_the_import_reads() {
    let emulator = emulator_with(|_| {}).await;
    let base = emulator.base_url();
    let saved = runcomfy(
        Some(&base),
        &["--json", "models", "--remote", "--include-schema"],
    )
    .await;
    assert_eq!(saved.code, 0, "{}", saved.explain());
    let answer = saved.json();
    let object = answer.as_object().expect("an object");
    assert_eq!(
        object.keys().collect::<Vec<_>>(),
        ["models", "total"],
        "the live answer's two fields"
    );
    let models = answer["models"].as_array().expect("models");
    assert_eq!(answer["total"], json!(models.len()), "every page");
    let local = runcomfy(None, &["--json", "models"]).await.json();
    assert_eq!(models.len(), local["models"].as_array().map_or(0, Vec::len));
    assert!(models.len() > 100, "more than one page");
    for record in models {
        assert_import_reads(record);
    }
}

/// The fields `xtask/src/catalog/records.rs` reads of a live record, with
/// the types it reads them as.
fn assert_import_reads(record: &Value) {
    let id = record["model_id"].as_str().expect("model_id");
    let ok_id = id.split('/').all(|segment| {
        !matches!(segment, "" | "." | "..")
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    });
    assert!(ok_id, "{id}");
    assert!(record["display_name"].is_string(), "{id}");
    assert!(record["input_schema"].is_object(), "{id}: with its schema");
    assert!(
        record.get("schema").is_none(),
        "{id}: not the snapshot's key"
    );
    let strings = record["categories"].as_array().expect("categories");
    assert!(strings.iter().all(Value::is_string), "{id}");
    assert!(record["kind"].is_string(), "{id}");
    for (key, is) in [
        ("base_price_usd", Value::is_f64 as fn(&Value) -> bool),
        ("price_unit", Value::is_string),
        ("pricing_note", Value::is_string),
    ] {
        if let Some(value) = record.get(key) {
            assert!(is(value) || value.is_u64(), "{id}: {key} {value}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_json_the_catalog_is_a_table_of_id_kind_name_and_price() {
    let emulator = emulator_with(|_| {}).await;
    let table = runcomfy(Some(&emulator.base_url()), &["models", "--remote"]).await;
    assert_eq!(table.code, 0, "{}", table.explain());
    let mut lines = table.stdout.lines();
    let header = lines.next().expect("a header");
    for column in ["MODEL", "KIND", "NAME", "PRICE"] {
        assert!(header.contains(column), "{header}");
    }
    let kling = table
        .stdout
        .lines()
        .find(|line| line.starts_with("kling/kling-1-6/pro/image-to-video "))
        .expect("kling's row");
    assert!(
        kling.contains("video") && kling.contains("Kling"),
        "{kling}"
    );
    assert!(
        table.stdout.trim_end().ends_with("121 models"),
        "{}",
        table.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_that_do_not_add_up_to_the_total_are_an_error_naming_both_counts() {
    let short = catalog_stub::start(vec![
        json!({"models": records("a", 100), "total": 150}),
        json!({"models": [], "total": 150}),
    ])
    .await;
    let outcome = runcomfy(Some(&short.url("/v1")), &["models", "--remote"]).await;
    outcome.assert_says(75, "pages hold 100 models but its total says 150");
    assert!(
        outcome.stdout.is_empty(),
        "nothing printed: {}",
        outcome.stdout
    );

    let moved = catalog_stub::start(vec![
        json!({"models": records("a", 100), "total": 150}),
        json!({"models": records("a", 50), "total": 151}),
    ])
    .await;
    let outcome = runcomfy(Some(&moved.url("/v1")), &["--json", "models", "--remote"]).await;
    assert_eq!(outcome.code, 75, "{}", outcome.explain());
    let error = outcome.error_document();
    assert_eq!(error["kind"], "catalog_changed");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains("from 150 to 151"), "{message}");
    assert!(outcome.json().get("models").is_none(), "no half catalog");

    let asked: Vec<String> = moved
        .requests()
        .iter()
        .map(|r| r.target().to_owned())
        .collect();
    assert!(
        asked[0].contains("offset=0") && asked[0].contains("limit=100"),
        "{asked:?}"
    );
    assert!(asked[1].contains("offset=100"), "{asked:?}");
}
