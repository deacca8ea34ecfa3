//! The catalog: `GET /v1/models` (searched, filtered by category and kind,
//! paged, schemas on request), `GET /v1/models/categories` and
//! `GET /v1/models/{model}`, each record with the live catalog's fields (a
//! name, categories, the kind, the price when one is known), and the
//! answer to a model the emulator does not know.

use std::sync::Arc;

use axum::extract::State;
use hyper::StatusCode;
use runcomfy_validate::Validator;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::auth::Owner;
use crate::api::params::{PathParam, QueryParams};
use crate::api::reply::Reply;
use crate::api::state::Api;
use crate::catalog::{CatalogModel, CatalogQuery, all_categories, catalog, catalog_model};
use crate::pricing::Price;

/// Query of `GET /v1/models`.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    search: Option<String>,
    category: Option<String>,
    kind: Option<String>,
    include_schema: Option<bool>,
    // The document's int64: a larger number is refused, as a schema-checked
    // service refuses it.
    limit: Option<i64>,
    offset: Option<i64>,
}

impl ListQuery {
    /// The catalog query asked for, or the documented 400 when the limit
    /// is below 1 or the offset below 0 (a limit above 100 is 100).
    fn catalog_query(self) -> Result<CatalogQuery, Reply> {
        let limit = usize::try_from(self.limit.unwrap_or(100))
            .ok()
            .filter(|l| *l >= 1);
        let offset = usize::try_from(self.offset.unwrap_or(0)).ok();
        match (offset, limit) {
            (Some(offset), Some(limit)) => Ok(CatalogQuery {
                search: self.search,
                category: self.category,
                kind: self.kind,
                offset,
                limit,
            }),
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
    let schemas = query.include_schema.unwrap_or(false);
    let query = match query.catalog_query() {
        Ok(query) => query,
        Err(reply) => return reply,
    };
    let (page, total) = query.select(catalog());
    let models: Vec<Value> = page
        .into_iter()
        .map(|model| model_info(model, api.prices.get(&model.id), schemas))
        .collect();
    Reply::json(StatusCode::OK, json!({"models": models, "total": total}))
}

/// `GET /v1/models/categories`: every category of the catalog, sorted.
pub(crate) async fn list_categories(_: Owner) -> Reply {
    Reply::json(
        StatusCode::OK,
        json!({"categories": all_categories(catalog())}),
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
            model_info(spec, api.prices.get(&spec.id), true),
        ),
        Err(reply) => reply,
    }
}

/// A known model's spec and validator, or the documented answer to an
/// unknown one (which names the known models).
pub(crate) fn model_of(
    api: &Api,
    model: &str,
) -> Result<(&'static CatalogModel, Arc<Validator>), Reply> {
    let spec = catalog_model(model).ok_or_else(|| unknown_model(model))?;
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
    let known: Vec<&str> = catalog().iter().map(|spec| spec.id.as_str()).collect();
    Reply::coded_error(
        StatusCode::BAD_REQUEST,
        400001,
        format!(
            "unknown model `{model}`; this emulator knows: {}",
            known.join(", ")
        ),
    )
}

/// A model's catalog record: the live catalog's fields (and its output
/// kind), the price when one is known, the schemas when asked for.
fn model_info(spec: &CatalogModel, price: Option<&Price>, schemas: bool) -> Value {
    let mut info = json!({
        "model_id": spec.id,
        "display_name": spec.display_name,
        "categories": spec.categories,
        "kind": "model",
        "output_kind": spec.kind.as_str(),
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
