//! The RunComfy Model API client: validate, submit, poll, result, cancel and
//! download, with retries, deadlines and typed errors that carry the request
//! id.
//!
//! ```no_run
//! use std::time::Duration;
//! use runcomfy::Client;
//! use runcomfy::models::kling::kling_1_6::pro::image_to_video::Input;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?; // RUNCOMFY_API_TOKEN, RUNCOMFY_MODEL_API_BASE
//! let input: Input = Input::builder()
//!     .image_url("https://example.com/start.png")
//!     .prompt(Some("a slow dolly shot".try_into()?))
//!     .try_into()?;
//! let job = client.submit(&input).await?; // validated first, media rules included
//! println!("submitted {}", job.request_id()); // keep it: client.resume(id) picks it up again
//! let output = job
//!     .wait()
//!     .timeout(Duration::from_secs(1800))
//!     .on_status(|status| eprintln!("{}", status.state))
//!     .await?;
//! let files = job.download(&output, "out").await?;
//! # let _ = files;
//! # Ok(())
//! # }
//! ```
//!
//! - **Retries**: status, result and cancel retry connection errors,
//!   timeouts, 408, 429 and 5xx with exponential backoff and full jitter,
//!   honouring `Retry-After`. A submit is retried only when the service
//!   certainly did not accept it (connection refused, 429, 503); when its
//!   outcome is unknown the error is [`Error::OutcomeUnknown`] and nothing is
//!   resubmitted.
//! - **Polling**: [`poll::AdaptivePolicy`] polls sparsely early and densely
//!   near the expected end, learned from earlier jobs of the same model in
//!   this process; every handle shares one [`poll::RequestBudget`].
//! - **Security**: the token is a secret (redacted in `Debug`, never in an
//!   error or log); plain `http` is refused except for loopback; downloads
//!   never carry credentials; reqwest drops them on redirects to other hosts.

// The READMEs' examples are compiled (and the doctests run) with this crate's.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeExamples;
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct WorkspaceReadmeExamples;

#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
#[path = "fuzz.rs"]
pub mod __fuzz;
mod answers;
mod balance;
mod builder;
mod catalog;
mod checks;
mod client;
pub mod download;
mod error;
mod handle;
mod outcome;
pub mod poll;
mod request_id;
mod session;
mod transport;
mod updates;
mod wait;
mod watch;
mod words;

pub use answers::{JobOutput, JobResult, JobStatus};
pub use balance::{Balance, DEFAULT_SERVERLESS_BASE_URL};
pub use builder::{ClientBuilder, DEFAULT_BASE_URL};
pub use catalog::{CatalogPage, ModelRecord, Price, PriceUnit};
pub use checks::CheckedInput;
pub use client::Client;
pub use download::{DownloadOptions, DownloadedFile};
pub use error::{Error, Result};
pub use handle::RequestHandle;
pub use outcome::SubmitOutcome;
pub use request_id::MAX_REQUEST_ID_LEN;
pub use runcomfy_types::{CancelOutcome, ModelInput, QueueStatus, ResultStatus, models};
pub use runcomfy_validate::FieldError;
pub use transport::RetryPolicy;
pub use updates::StatusUpdates;
pub use wait::Wait;
pub use words::service_message;
