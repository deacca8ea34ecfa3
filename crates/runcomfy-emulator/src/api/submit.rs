//! `POST /v1/models/{model}`: the body read as JSON within the size limit,
//! the input checked as the client checks it, its cost charged to the
//! balance (the documented 402 when it holds too little), then the job
//! queued (or the documented 503 when the queue is full, its cost given
//! back).

use std::sync::Arc;

use axum::extract::{Request, State};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::StatusCode;
use hyper::header;
use runcomfy_validate::Validator;
use serde_json::{Value, json};

use crate::account::Insufficient;
use crate::api::auth::Owner;
use crate::api::catalog::model_of;
use crate::api::outcome::output_count;
use crate::api::params::PathParam;
use crate::api::reply::Reply;
use crate::api::state::Api;
use crate::api::validation::{input_errors, validation_failed};
use crate::jobs::{Full, InputTag, Submission};
use crate::kind::OutputKind;
use crate::outputs::{Picture, Render, asked};
use crate::pricing::Cost;

/// `POST /v1/models/{model}`.
pub(crate) async fn submit(
    State(api): State<Arc<Api>>,
    Owner(owner): Owner,
    PathParam(model): PathParam,
    request: Request,
) -> Reply {
    match queue_job(&api, &model, owner, request).await {
        Ok(accepted) | Err(accepted) => accepted,
    }
}

/// The accepted answer (ids and URLs), or why the job was not queued.
async fn queue_job(api: &Api, model: &str, owner: u64, request: Request) -> Result<Reply, Reply> {
    let (spec, validator) = model_of(api, model)?;
    let input = json_body(request, api.body_limit).await?;
    let errors = input_errors(&validator, &api.probe, &input, api.fetch_remote).await;
    if !errors.is_empty() {
        return Err(validation_failed(&errors));
    }
    let render = plan_output(api, spec.kind, &validator, &input).await;
    let cost = api.prices.get(&spec.id).map(|price| {
        price.cost(
            output_count(api.dialect.output_shape, &render),
            render.charged_secs(),
        )
    });
    if let Some(cost) = cost {
        api.account
            .charge(cost)
            .map_err(|refused| insufficient_balance(cost, refused))?;
    }
    // A prompt that asks for it fails deterministically, for end-to-end tests.
    let marked = input
        .get("prompt")
        .and_then(Value::as_str)
        .is_some_and(|p| p.contains("emulator:fail"));
    let fails = marked || api.faults.job_fails();
    let tag = input_tag(&input);
    let id = uuid::Uuid::new_v4().simple().to_string();
    let submission = Submission {
        owner,
        model_id: spec.id.clone(),
        workload: render.workload(),
        render,
        fails,
        input: tag,
        cost,
    };
    if let Err(full) = api.queue.submit(id.clone(), submission) {
        api.account.refund(cost.unwrap_or_default());
        return Err(queue_full(full));
    }
    api.stats.submitted();
    let base = api.request_url(&id);
    Ok(Reply::json(
        StatusCode::OK,
        json!({
            "request_id": id,
            "status_url": format!("{base}/status"),
            "result_url": format!("{base}/result"),
            "cancel_url": format!("{base}/cancel"),
        }),
    ))
}

/// The body as JSON: sent as `application/json`, at most `limit` bytes.
async fn json_body(request: Request, limit: usize) -> Result<Value, Reply> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(Reply::error_message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the body must be JSON: send `Content-Type: application/json`",
        ));
    }
    let body = match Limited::new(request.into_body(), limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<LengthLimitError>() => {
            return Err(Reply::error_message(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is larger than {limit} bytes"),
            ));
        }
        Err(_) => {
            return Err(Reply::error_message(
                StatusCode::BAD_REQUEST,
                "the body could not be read",
            ));
        }
    };
    serde_json::from_slice(&body).map_err(|error| {
        Reply::error_message(
            StatusCode::BAD_REQUEST,
            format!("the body is not valid JSON: {error}"),
        )
    })
}

/// What the job's output will be: what the input asks (with its schema's
/// defaults), shown on its start image when the schema says which field
/// that is and the emulator can read it (else the seeded pattern).
async fn plan_output(api: &Api, kind: OutputKind, validator: &Validator, input: &Value) -> Render {
    let asked = asked(validator.schema(), input);
    let picture = match asked.start.as_deref() {
        None => None,
        Some(reference) if kind == OutputKind::Video => {
            api.start_images.frame(reference).await.map(Picture::Frame)
        }
        Some(reference) => api
            .start_images
            .picture(reference)
            .await
            .map(Picture::Image),
    };
    Render::plan(kind, &asked, picture)
}

/// What the job keeps of its input: a digest and the prompt.
fn input_tag(input: &Value) -> InputTag {
    InputTag {
        sha256: hex::encode(ring::digest::digest(
            &ring::digest::SHA256,
            input.to_string().as_bytes(),
        )),
        prompt: input
            .get("prompt")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

/// The documented refusal of a job the balance cannot pay for: HTTP 402
/// with `error_code` 400002, as the provider's plugins see it.
fn insufficient_balance(cost: Cost, refused: Insufficient) -> Reply {
    Reply::coded_error(
        StatusCode::PAYMENT_REQUIRED,
        400002,
        format!(
            "insufficient balance: this job costs {cost} and the balance is {}",
            refused.balance
        ),
    )
}

/// The documented 503 of a full queue, with `Retry-After`.
fn queue_full(full: Full) -> Reply {
    Reply::error_message(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "the emulator holds its maximum of {} jobs; finished jobs expire, try again later",
            full.max_jobs
        ),
    )
    .with_header(header::RETRY_AFTER, "5")
}
