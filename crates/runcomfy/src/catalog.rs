//! The service's catalog: one page of its list (`GET /v1/models`), a
//! model's record (`GET /v1/models/{model_id}`), its price, and what a job
//! of it will cost before it is paid for.

use serde::Deserialize;
use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, Result};

/// What one output or one second of a model costs, as the catalog says.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Price {
    /// The price in USD per [`Price::unit`].
    pub usd: f64,
    /// What the price is charged per.
    pub unit: PriceUnit,
}

/// What a model's price is charged per.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PriceUnit {
    /// One output (a video, an image, a clip).
    Output,
    /// One second of requested duration.
    Second,
}

impl Price {
    /// The price of one job of `input`: per output, times the outputs it asks
    /// for (`num_outputs`, `num_images` or `n`, else one); per second, times
    /// its requested duration (`duration` in seconds, as a number or a
    /// numeric string, or `music_length_ms`), else the `default` of
    /// `duration` in `schema`. `None` when the duration is not known.
    pub fn estimate(&self, input: &Value, schema: Option<&Value>) -> Option<f64> {
        let amount = match self.unit {
            PriceUnit::Output => ["num_outputs", "num_images", "n"]
                .iter()
                .find_map(|key| number(input.get(key)?))
                .unwrap_or(1.0),
            PriceUnit::Second => requested_seconds(input, schema)?,
        };
        (amount.is_finite() && amount >= 0.0).then_some(self.usd * amount)
    }
}

/// The seconds a job asks for.
fn requested_seconds(input: &Value, schema: Option<&Value>) -> Option<f64> {
    if let Some(secs) = input.get("duration").and_then(number) {
        return Some(secs);
    }
    if let Some(ms) = input.get("music_length_ms").and_then(number) {
        return Some(ms / 1000.0);
    }
    schema?
        .pointer("/properties/duration/default")
        .and_then(number)
}

/// A number, or a string that holds one (`"5"`).
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A model's record in the service's catalog.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ModelRecord {
    /// The model id.
    pub model_id: String,
    /// Its name for people.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Its categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// `model` for a hosted model.
    #[serde(default)]
    pub kind: Option<String>,
    /// The price in USD per `price_unit`, when known.
    #[serde(default)]
    pub base_price_usd: Option<f64>,
    /// `output` or `second`.
    #[serde(default)]
    pub price_unit: Option<String>,
    /// The provider's words on the price.
    #[serde(default)]
    pub pricing_note: Option<String>,
    /// The input JSON Schema, when the catalog gave it.
    #[serde(default)]
    pub input_schema: Option<Value>,
}

impl ModelRecord {
    /// The price, when the catalog gives both its amount and a unit this
    /// build knows.
    pub fn price(&self) -> Option<Price> {
        let unit = match self.price_unit.as_deref()? {
            "output" => PriceUnit::Output,
            "second" => PriceUnit::Second,
            _ => return None,
        };
        let usd = self
            .base_price_usd
            .filter(|usd| usd.is_finite() && *usd >= 0.0)?;
        Some(Price { usd, unit })
    }
}

/// One page of the service's catalog list, as it answered.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct CatalogPage {
    /// The page's records, each as the service wrote it (every field
    /// kept; [`ModelRecord`] reads the ones this build knows).
    pub models: Vec<Value>,
    /// How many models the whole list holds.
    pub total: u64,
}

impl Client {
    /// One page of the service's catalog (`GET /v1/models?offset=&limit=`),
    /// input schemas included when `include_schema`: nothing is submitted.
    /// The service's limit is 1 to 100.
    pub async fn catalog_page(
        &self,
        offset: u64,
        limit: u64,
        include_schema: bool,
    ) -> Result<CatalogPage> {
        let session = self.session();
        let url = format!(
            "{}/models?offset={offset}&limit={limit}&include_schema={include_schema}",
            session.base_url()
        );
        let span = tracing::debug_span!("runcomfy.catalog_page", offset, limit);
        session.get_json::<CatalogPage>(&url, "", span).await
    }

    /// The service's catalog record of `model_id`, its input schema
    /// included (`GET /v1/models/{model_id}`): nothing is submitted.
    pub async fn model(&self, model_id: &str) -> Result<ModelRecord> {
        let session = self.session();
        let url = format!(
            "{}/models/{}?include_schema=true",
            session.base_url(),
            model_id.trim_matches('/')
        );
        let span = tracing::debug_span!("runcomfy.model", model_id);
        session
            .get_json::<ModelRecord>(&url, model_id, span)
            .await
            .map_err(|error| match error {
                Error::NotFound { message, .. } => Error::NotFound {
                    request_id: None,
                    message: format!("the catalog has no model `{model_id}`: {message}"),
                },
                other => other,
            })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_job_costs_its_outputs_or_its_requested_seconds() {
        let per_output = Price {
            usd: 0.49,
            unit: PriceUnit::Output,
        };
        assert_eq!(per_output.estimate(&json!({}), None), Some(0.49));
        assert_eq!(
            per_output.estimate(&json!({"num_images": 4}), None),
            Some(1.96)
        );
        let per_second = Price {
            usd: 0.1,
            unit: PriceUnit::Second,
        };
        let close = |got: Option<f64>, want: f64| got.is_some_and(|g| (g - want).abs() < 1e-9);
        assert!(close(
            per_second.estimate(&json!({"duration": 10}), None),
            1.0
        ));
        assert!(close(
            per_second.estimate(&json!({"duration": "6"}), None),
            0.6
        ));
        assert!(close(
            per_second.estimate(&json!({"music_length_ms": 30000}), None),
            3.0
        ));
        let schema = json!({"properties": {"duration": {"default": 5}}});
        assert!(close(per_second.estimate(&json!({}), Some(&schema)), 0.5));
        assert_eq!(
            per_second.estimate(&json!({}), None),
            None,
            "unknown duration"
        );
        assert_eq!(
            per_second.estimate(&json!({"duration": "auto"}), None),
            None
        );
    }

    #[test]
    fn a_price_needs_an_amount_and_a_known_unit() {
        let record = |price: Value, unit: &str| -> ModelRecord {
            serde_json::from_value(
                json!({"model_id": "m", "base_price_usd": price, "price_unit": unit}),
            )
            .expect("a record")
        };
        assert_eq!(
            record(json!(0.49), "output").price(),
            Some(Price {
                usd: 0.49,
                unit: PriceUnit::Output
            })
        );
        assert_eq!(record(json!(0.49), "token").price(), None);
        assert_eq!(record(json!(null), "second").price(), None);
        assert_eq!(record(json!(-1.0), "second").price(), None);
    }
}
