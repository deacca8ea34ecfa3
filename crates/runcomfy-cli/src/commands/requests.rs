//! `runcomfy status`, `result` and `cancel`: one call each about a request.

use runcomfy::{CancelOutcome, JobResult, JobStatus, QueueStatus};
use serde_json::{Value, json};

use crate::context::Context;
use crate::exit::CliError;

/// `runcomfy status`.
pub(crate) async fn status(context: &Context, request_id: String) -> Result<(), CliError> {
    let status = context.client.resume(request_id)?.status().await?;
    context
        .output
        .print(&status_json(&status), || status_line(&status));
    Ok(())
}

/// `runcomfy result`: the outputs, or the state of a job not finished.
pub(crate) async fn result(context: &Context, request_id: &str) -> Result<(), CliError> {
    let handle = context.client.resume(request_id)?;
    match handle.result().await? {
        JobResult::Succeeded(output) => {
            let document = json!({"request_id": output.request_id, "status": "succeeded", "output": output.raw_output, "created_at": output.created_at, "finished_at": output.finished_at, "cost": output.cost});
            context
                .output
                .print(&document, || output.file_urls().join("\n"));
        }
        JobResult::Pending(status) => {
            context
                .output
                .print(&json!({"request_id": request_id, "status": status}), || {
                    format!("{request_id}: {status} (not finished)")
                });
        }
    }
    Ok(())
}

/// `runcomfy cancel`, saying plainly when a running job cannot be.
pub(crate) async fn cancel(context: &Context, request_id: String) -> Result<(), CliError> {
    let outcome = context.client.resume(request_id.clone())?.cancel().await?;
    context.output.print(
        &json!({"request_id": request_id, "outcome": outcome}),
        || match outcome {
            CancelOutcome::Cancelled => format!("cancelled {request_id}: it will never run"),
            _ => format!(
                "{request_id} is not cancellable ({outcome}): it runs to completion and is billed"
            ),
        },
    );
    Ok(())
}

fn status_json(status: &JobStatus) -> Value {
    json!({"request_id": status.request_id, "status": status.state, "queue_position": status.queue_position, "instance_id": status.instance_id})
}

fn status_line(status: &JobStatus) -> String {
    match (&status.state, status.queue_position) {
        (QueueStatus::InQueue, Some(position)) => {
            format!("{}: in_queue, position {position}", status.request_id)
        }
        (state, _) => format!("{}: {state}", status.request_id),
    }
}
