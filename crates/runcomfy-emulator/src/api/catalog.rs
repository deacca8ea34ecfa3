//! The catalog: `GET /v1/models` (searched, paged, schemas on request) and
//! `GET /v1/models/{model}`, and the answer to a model the emulator does not
//! know.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use hyper::StatusCode;
use runcomfy_types::ModelSpec;
use runcomfy_validate::Validator;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::auth::Owner;
use crate::api::path_param::PathParam;
use crate::api::reply::Reply;
use crate::api::state::Api;

/// Query of `GET /v1/models`.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    search: Option<String>,
    // Accepted as the service accepts it; with one model there is nothing to filter.
    #[allow(dead_code)]
    category: Option<String>,
    include_schema: Option<bool>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// `GET /v1/models`.
pub(crate) async fn list_models(
    _: Owner,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Reply {
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => {
            return Reply::error_message(
                StatusCode::BAD_REQUEST,
                format!("bad query: {rejection}"),
            );
        }
    };
    let search = query.search.as_deref().unwrap_or("").to_ascii_lowercase();
    let matching: Vec<_> = runcomfy_types::models()
        .iter()
        .filter(|spec| spec.id.contains(&search))
        .collect();
    let models: Vec<Value> = matching
        .iter()
        .skip(query.offset.unwrap_or(0))
        .take(query.limit.unwrap_or(100))
        .map(|spec| model_info(spec, query.include_schema.unwrap_or(false)))
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
        Ok((spec, _)) => Reply::json(StatusCode::OK, model_info(spec, true)),
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

fn model_info(spec: &ModelSpec, schemas: bool) -> Value {
    let mut info = json!({"model_id": spec.id});
    if schemas {
        info["input_schema"] = serde_json::from_str(spec.input_schema).unwrap_or(Value::Null);
        info["output_schema"] = serde_json::from_str(spec.output_schema).unwrap_or(Value::Null);
    }
    info
}
