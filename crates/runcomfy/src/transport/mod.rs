//! One API call, with the retry rules: idempotent calls (status, result,
//! cancel) retry transient failures with exponential backoff and full
//! jitter, honouring `Retry-After` up to a cap; a submit is retried only when
//! the service certainly did not accept it ([`crate::SubmitOutcome`]).

mod attempt;
pub(crate) mod classify;
mod retry;

use std::time::Instant;

pub(crate) use attempt::Attempt;

use classify::{classify, outcome_unknown};
pub use retry::RetryPolicy;
pub(crate) use retry::submit_retry_delay;

use crate::error::Error;
use crate::outcome::SubmitOutcome;
use crate::poll::RequestBudget;

/// Which call this is, for the retry rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    /// Safe to repeat.
    Idempotent,
    /// A submit: repeating it may bill twice.
    Submit,
}

/// Runs `attempt` until it succeeds, fails for good, or runs out of retries
/// or time. `deadline` bounds the whole call, retries included.
pub(crate) async fn call<T, F, Fut>(
    call: Call,
    policy: &RetryPolicy,
    budget: &RequestBudget,
    model_id: &str,
    request_id: Option<&str>,
    deadline: Option<Instant>,
    mut attempt: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    let mut retry = 0u32;
    loop {
        budget.acquire().await;
        let (error, retry_after) = match attempt().await {
            Attempt::Ok(value) => return Ok(value),
            Attempt::Answer {
                status,
                retry_after,
                body,
            } => (
                classify(status, &body, retry_after, model_id, request_id),
                retry_after,
            ),
            Attempt::NoAnswer(source) => (
                Error::Transport {
                    request_id: request_id.map(str::to_owned),
                    source,
                },
                None,
            ),
        };
        let retryable = match call {
            Call::Idempotent => error.is_transient(),
            Call::Submit => match error.submit_outcome() {
                SubmitOutcome::RefusedForNow { .. } => true,
                SubmitOutcome::Refused => false,
                SubmitOutcome::Unknown => return Err(outcome_unknown(error, model_id)),
            },
        };
        retry += 1;
        if !retryable || retry >= policy.max_attempts {
            return Err(error);
        }
        let delay = match retry_after {
            Some(asked) if asked > policy.max_retry_after => return Err(error),
            Some(asked) => asked.max(policy.backoff(retry - 1)),
            None => policy.backoff(retry - 1),
        };
        if deadline.is_some_and(|deadline| {
            Instant::now()
                .checked_add(delay)
                .is_none_or(|at| at >= deadline)
        }) {
            return Err(error);
        }
        tracing::debug!(retry, delay_ms = delay.as_millis() as u64, request_id, error = %error, "retrying");
        tokio::time::sleep(delay).await;
    }
}
