//! Prices and costs: the catalog's records with the live catalog's fields
//! and a model's price once it has one, and `include_cost=true` adding a
//! finished job's cost (price times its outputs, or its requested seconds).

use std::collections::BTreeMap;

use reqwest::StatusCode;
use runcomfy_emulator::{Dialect, EmulatorConfig, OutputShape, Price, PriceUnit};
use serde_json::{Value, json};

use crate::common::{KLING, get, input, start, submitted_id, wait_for};

/// A test emulator that knows Kling's price.
pub(crate) fn priced(usd: f64, unit: PriceUnit) -> EmulatorConfig {
    EmulatorConfig {
        prices: BTreeMap::from([(KLING.to_owned(), Price { usd, unit })]),
        ..EmulatorConfig::for_tests()
    }
}

#[tokio::test]
async fn catalog_records_carry_a_name_categories_a_kind_and_a_known_price() {
    let unpriced = start(EmulatorConfig::for_tests()).await;
    let (status, _, record) = get(&unpriced, &format!("/models/{KLING}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(record["display_name"], "Kling 1.6 Pro Image to Video");
    assert_eq!(record["categories"], json!(["image-to-video"]));
    assert_eq!(record["kind"], "model");
    assert!(record.get("base_price_usd").is_none(), "{record}");
    assert!(record.get("price_unit").is_none(), "{record}");
    assert!(record["pricing_note"].is_string());

    let emulator = start(priced(0.49, PriceUnit::Output)).await;
    let (_, _, list) = get(
        &emulator,
        "/models?category=image-to-video&search=kling-1-6/pro",
    )
    .await;
    assert_eq!(list["total"], 1);
    let listed = &list["models"][0];
    assert_eq!(
        (
            listed["base_price_usd"].clone(),
            listed["price_unit"].clone()
        ),
        (json!(0.49), json!("output"))
    );
    assert!(
        listed.get("input_schema").is_none(),
        "schemas only on request"
    );
    let (_, _, one) = get(&emulator, &format!("/models/{KLING}")).await;
    assert_eq!(one["price_unit"], "output");
    let (_, _, other) = get(&emulator, "/models?category=no-such-category").await;
    assert_eq!(
        (other["total"].clone(), other["models"].clone()),
        (json!(0), json!([]))
    );
}

/// The result of a finished job of `body`, with `query` after `result`.
async fn finished_result(config: EmulatorConfig, body: &Value, query: &str) -> Value {
    let emulator = start(config).await;
    let id = submitted_id(&emulator, body).await;
    wait_for(&emulator, &id, "completed").await;
    get(&emulator, &format!("/requests/{id}/result{query}"))
        .await
        .2
}

#[tokio::test]
async fn include_cost_adds_the_price_times_the_outputs_or_the_requested_seconds() {
    let two_videos = EmulatorConfig {
        dialect: Dialect {
            output_shape: OutputShape::Videos,
            ..Dialect::default()
        },
        ..priced(0.49, PriceUnit::Output)
    };
    let mut ten_seconds = input();
    ten_seconds["duration"] = json!(10);
    for (config, body, cost) in [
        (priced(0.49, PriceUnit::Output), input(), 0.49),
        (two_videos, input(), 0.98),
        (priced(0.1, PriceUnit::Second), ten_seconds, 1.0),
        // Kling's default duration, 5 s.
        (priced(0.1, PriceUnit::Second), input(), 0.5),
    ] {
        let result = finished_result(config, &body, "?include_cost=true").await;
        assert_eq!(result["cost"], cost, "{body}: {result}");
    }
}

#[tokio::test]
async fn no_cost_without_the_parameter_or_a_price() {
    for (config, query) in [
        (priced(0.49, PriceUnit::Output), ""),
        (priced(0.49, PriceUnit::Output), "?include_cost=false"),
        (EmulatorConfig::for_tests(), "?include_cost=true"),
    ] {
        let result = finished_result(config, &input(), query).await;
        assert_eq!(result["status"], "succeeded");
        assert!(result.get("cost").is_none(), "{query}: {result}");
    }
    let emulator = start(EmulatorConfig::for_tests()).await;
    let id = submitted_id(&emulator, &input()).await;
    let answer = get(
        &emulator,
        &format!("/requests/{id}/result?include_cost=maybe"),
    )
    .await;
    assert_eq!(
        (answer.0, answer.2["error_code"].is_u64()),
        (StatusCode::BAD_REQUEST, true),
        "{}",
        answer.2
    );
}
