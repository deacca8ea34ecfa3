//! `runcomfy run` and `runcomfy wait`: submit (or resume), wait, download.
//!
//! The wait shows progress, and Ctrl-C cancels the job and says how to
//! resume it.

use std::time::Instant;

use runcomfy::{JobOutput, RequestHandle};
use serde_json::{Value, json};

use runcomfy_validate::Validator;

use crate::catalog::remote_schema::{self, Lookup};
use crate::cli::WaitArgs;
use crate::commands::validate;
use crate::context::Context;
use crate::estimate;
use crate::exit::CliError;
use crate::input::{self, InputArgs};
use crate::money;
use crate::progress::Progress;
use crate::timeout::Timeout;

/// `runcomfy run`: the input assembled, submitted, then waited for unless
/// `--no-wait`; with `--estimate`, checked as for a run, then what the
/// catalog's price says it will cost, and nothing is submitted.
pub(crate) async fn run(
    context: &Context,
    model_id: &str,
    input: &InputArgs,
    wait: &WaitArgs,
    estimate: bool,
) -> Result<(), CliError> {
    let value = match runcomfy_types::model(model_id) {
        Some(_) => input::assemble(model_id, input).await?,
        None => of_unknown_model(context, model_id, input).await?,
    };
    if estimate {
        context.client.validate(model_id, &value).await?;
        return estimate::estimate(context, model_id, &[&value], 0).await;
    }
    let handle = match context.client.submit_json(model_id, &value).await {
        Ok(handle) => handle,
        Err(error) => return Err(submit_error(context, model_id, &value, error).await),
    };
    context.output.say(format!(
        "submitted {} (resume with: runcomfy wait {})",
        handle.request_id(),
        handle.request_id()
    ));
    if wait.no_wait {
        let id = handle.request_id();
        context.output.print(&json!({"request_id": id, "status": "submitted", "status_url": handle.status_url(), "result_url": handle.result_url(), "cancel_url": handle.cancel_url()}), || id.to_owned());
        return Ok(());
    }
    finish(context, &handle, wait).await
}

/// The input of a model this build does not know, coerced and checked by
/// the schema of the service's catalog (or its cached copy); when neither
/// can be had, it is said that the input is sent unvalidated.
async fn of_unknown_model(
    context: &Context,
    model_id: &str,
    input: &InputArgs,
) -> Result<Value, CliError> {
    match remote_schema::input_schema(&context.client, &context.output, model_id).await? {
        Lookup::Found(schema) => {
            let value = input::assemble_with(model_id, Some(&schema), input).await?;
            let validator = Validator::new(&schema).map_err(|e| {
                CliError::Output(format!(
                    "the catalog's schema: {} at `{}`",
                    e.reason, e.pointer
                ))
            })?;
            validate::check(model_id, &validator, &value).await?;
            Ok(value)
        }
        Lookup::Unavailable(reason) => {
            context.output.say(format!(
                "warning: {model_id} is not a model this build knows and its schema cannot be had ({reason}): the input is sent unvalidated"
            ));
            input::assemble_with(model_id, None, input).await
        }
    }
}

/// Why a submit failed. The client checks the input before it sends it, so
/// an invalid input the local checks pass again is the service's refusal:
/// it was sent. (Checked again only then, so that a submit keeps the
/// client's order: the token first, then the checks.)
async fn submit_error(
    context: &Context,
    model_id: &str,
    value: &Value,
    error: runcomfy::Error,
) -> CliError {
    if matches!(error, runcomfy::Error::InvalidInput { .. })
        && context.client.validate(model_id, value).await.is_ok()
    {
        return CliError::of_checked_submit(error);
    }
    CliError::from(error)
}

/// `runcomfy wait`: resumes the wait for a job submitted elsewhere.
pub(crate) async fn wait(
    context: &Context,
    request_id: String,
    wait: &WaitArgs,
) -> Result<(), CliError> {
    let handle = context.client.resume(request_id)?;
    finish(context, &handle, wait).await
}

/// Waits with a progress display and Ctrl-C handling, then downloads.
async fn finish(
    context: &Context,
    handle: &RequestHandle<Value>,
    wait: &WaitArgs,
) -> Result<(), CliError> {
    let deadline = wait.timeout.and_then(Timeout::deadline);
    let output = tokio::select! {
        output = wait_with_progress(context, handle, deadline) => output?,
        _ = tokio::signal::ctrl_c() => return Err(interrupted(context, handle).await),
    };
    let files = if wait.no_download {
        Vec::new()
    } else {
        handle
            .download(&output, &wait.output_dir)
            .await
            .map_err(|e| match e {
                runcomfy::Error::Io { path, source } => {
                    CliError::Output(format!("cannot write {}: {source}", path.display()))
                }
                other => CliError::from(other),
            })?
    };
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    context.output.say(cost_line(output.cost));
    let document = json!({"request_id": output.request_id, "status": "succeeded", "output": output.raw_output, "files": paths, "cost": output.cost});
    context.output.print(&document, || {
        if wait.no_download {
            output.file_urls().join("\n")
        } else {
            paths.join("\n")
        }
    });
    Ok(())
}

/// What the job cost, as the service said; unknown is never shown as free.
fn cost_line(cost: Option<f64>) -> String {
    match cost {
        Some(usd) => format!("cost {}", money::usd(usd)),
        None => "cost unknown (the service did not say)".to_owned(),
    }
}

/// The library's wait, its status callback feeding the progress display;
/// past `deadline` the error says the time actually waited and the last
/// status seen.
async fn wait_with_progress(
    context: &Context,
    handle: &RequestHandle<Value>,
    deadline: Option<Instant>,
) -> Result<JobOutput<Value>, CliError> {
    let progress = Progress::new(&context.output);
    let mut waiting = handle.wait().on_status(|status| progress.show(status));
    if let Some(deadline) = deadline {
        waiting = waiting.deadline(deadline);
    }
    let output = waiting.await;
    progress.finish();
    Ok(output?)
}

/// First Ctrl-C: cancel the job and say how to resume; a second: exit at once.
async fn interrupted(context: &Context, handle: &RequestHandle<Value>) -> CliError {
    let id = handle.request_id().to_owned();
    eprintln!("\ninterrupted: cancelling {id} (Ctrl-C again to exit at once)");
    tokio::spawn(async {
        let _ = tokio::signal::ctrl_c().await;
        std::process::exit(130);
    });
    match handle.cancel().await {
        Ok(runcomfy::CancelOutcome::Cancelled) => eprintln!("cancelled {id}: it will never run"),
        Ok(outcome) => eprintln!(
            "{id} is {outcome}: it is already running and will run to completion and be billed"
        ),
        Err(error) => eprintln!("could not cancel {id}: {error}"),
    }
    eprintln!("resume with: runcomfy wait {id}");
    let _ = context;
    CliError::Interrupted
}
