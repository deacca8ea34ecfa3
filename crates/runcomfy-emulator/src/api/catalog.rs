//! The catalog: `GET /v1/models` (searched, filtered by category, paged,
//! schemas on request) and `GET /v1/models/{model}`, each record with the
//! live catalog's fields (a name, categories, the kind, the price when one
//! is known), and the answer to a model the emulator does not know.

use std::sync::Arc;

use axum::extract::State;
use hyper::StatusCode;
use runcomfy_types::ModelSpec;
use runcomfy_validate::Validator;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::auth::Owner;
use crate::api::params::{PathParam, QueryParams};
use crate::api::reply::Reply;
use crate::api::state::Api;
use crate::pricing::Price;

/// Query of `GET /v1/models`.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    search: Option<String>,
    category: Option<String>,
    include_schema: Option<bool>,
    // The document's int64: a larger number is refused, as a schema-checked
    // service refuses it.
    limit: Option<i64>,
    offset: Option<i64>,
}

impl ListQuery {
    /// The page asked for (offset, limit), or the documented 400 when the
    /// limit is below 1 or the offset below 0.
    fn page(&self) -> Result<(usize, usize), Reply> {
        let limit = usize::try_from(self.limit.unwrap_or(100))
            .ok()
            .filter(|l| *l >= 1);
        let offset = usize::try_from(self.offset.unwrap_or(0)).ok();
        match (offset, limit) {
            (Some(offset), Some(limit)) => Ok((offset, limit)),
            _ => Err(Reply::error_message(
                StatusCode::BAD_REQUEST,
                "bad query: `limit` is at least 1 and `offset` at least 0",
            )),
        }
    }
}

/// `GET /v1/models`.
pub(crate) async fn list_models(
    State(api): State<Arc<Api>>,
    _: Owner,
    QueryParams(query): QueryParams<ListQuery>,
) -> Reply {
    let (offset, limit) = match query.page() {
        Ok(page) => page,
        Err(reply) => return reply,
    };
    let search = query.search.as_deref().unwrap_or("").to_ascii_lowercase();
    let matching: Vec<_> = runcomfy_types::models()
        .iter()
        .filter(|spec| spec.id.contains(&search))
        .filter(|spec| {
            query
                .category
                .as_deref()
                .is_none_or(|wanted| categories(spec.id).contains(&wanted))
        })
        .collect();
    let models: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|spec| {
            model_info(
                spec,
                api.prices.get(spec.id),
                query.include_schema.unwrap_or(false),
            )
        })
        .collect();
    Reply::json(
        StatusCode::OK,
        json!({"models": models, "total": matching.len()}),
    )
}

/// `GET /v1/models/{model}`.
pub(crate) async fn get_model(
    State(api): State<Arc<Api>>,
    _: Owner,
    PathParam(model): PathParam,
) -> Reply {
    match model_of(&api, &model) {
        Ok((spec, _)) => Reply::json(
            StatusCode::OK,
            model_info(spec, api.prices.get(spec.id), true),
        ),
        Err(reply) => reply,
    }
}

/// A known model's spec and validator, or the documented answer to an
/// unknown one (which names the known models).
pub(crate) fn model_of(
    api: &Api,
    model: &str,
) -> Result<(&'static ModelSpec, Arc<Validator>), Reply> {
    let spec = runcomfy_types::model(model).ok_or_else(|| unknown_model(model))?;
    match api.validators.get(model) {
        Ok(Some(validator)) => Ok((spec, validator)),
        // Every schema compiled at the start: a failure now is a bug of ours.
        _ => Err(Reply::coded_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            500001,
            format!("the emulator cannot check inputs of {model}"),
        )),
    }
}

fn unknown_model(model: &str) -> Reply {
    let known: Vec<&str> = runcomfy_types::models()
        .iter()
        .map(|spec| spec.id)
        .collect();
    Reply::coded_error(
        StatusCode::BAD_REQUEST,
        400001,
        format!(
            "unknown model `{model}`; this emulator knows: {}",
            known.join(", ")
        ),
    )
}

/// A model's catalog record: the fields of the live catalog it can give,
/// the price when one is known, the schemas when asked for.
fn model_info(spec: &ModelSpec, price: Option<&Price>, schemas: bool) -> Value {
    let mut info = json!({
        "model_id": spec.id,
        "display_name": display_name(spec.id),
        "categories": categories(spec.id),
        "kind": "model",
    });
    match price {
        Some(price) => {
            info["base_price_usd"] = json!(price.usd);
            info["price_unit"] = json!(price.unit.as_str());
            info["pricing_note"] = json!(format!(
                "USD {} per {}, as this emulator was told",
                price.usd,
                price.unit.as_str()
            ));
        }
        None => info["pricing_note"] = json!("no price is known to this emulator"),
    }
    if schemas {
        info["input_schema"] = serde_json::from_str(spec.input_schema).unwrap_or(Value::Null);
        info["output_schema"] = serde_json::from_str(spec.output_schema).unwrap_or(Value::Null);
    }
    info
}

/// A model's name for people, from its id: the words after the provider's
/// folder, numbers in a row joined by dots (`kling/kling-1-6/pro/image-to-video`
/// is `Kling 1.6 Pro Image to Video`).
fn display_name(id: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for segment in id.split('/').skip(1) {
        let mut after_number = false;
        for word in segment.split('-').filter(|w| !w.is_empty()) {
            let number = word.bytes().all(|b| b.is_ascii_digit());
            match words.last_mut() {
                Some(last) if number && after_number => {
                    last.push('.');
                    last.push_str(word);
                }
                _ => words.push(capitalized(word)),
            }
            after_number = number;
        }
    }
    if words.is_empty() {
        id.to_owned()
    } else {
        words.join(" ")
    }
}

/// A word of a name: small joining words stay lower case.
fn capitalized(word: &str) -> String {
    if matches!(word, "to" | "and" | "of") {
        return word.to_owned();
    }
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A model's categories: the segments of its id that say what becomes what
/// (`image-to-video`).
fn categories(id: &str) -> Vec<&str> {
    id.split('/')
        .filter(|segment| segment.contains("-to-"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_categories_come_from_the_model_id() {
        let id = "kling/kling-1-6/pro/image-to-video";
        assert_eq!(display_name(id), "Kling 1.6 Pro Image to Video");
        assert_eq!(categories(id), ["image-to-video"]);
        assert_eq!(display_name("acme"), "acme");
        assert_eq!(
            display_name("wan/wan-2-2/text-to-video"),
            "Wan 2.2 Text to Video"
        );
        assert!(categories("acme/upscaler").is_empty());
    }
}
