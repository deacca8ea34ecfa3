//! A local emulator of RunComfy's Model API, in the spirit of stripe-mock:
//! the queue contract (submit, status, result, cancel, catalog) with every
//! documented field and error code, a queue with workers and realistic
//! (scalable) durations, real MP4 outputs served with `Range`, and faults
//! that chaos tests can inject by rate or one at a time. Where the service
//! is known to answer in other words or shapes than the seeds document, a
//! [`Dialect`] makes it say them; prices and a balance make jobs cost.
//!
//! It binds to 127.0.0.1 only, never logs a token, validates inputs with the
//! same validator as the client (fetching only loopback URLs and `data:`
//! URIs unless [`EmulatorConfig::fetch_remote`] says otherwise), and shares
//! the types and validators but never the API client.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use runcomfy_emulator::{Emulator, EmulatorConfig};
//!
//! let emulator = Emulator::start(EmulatorConfig::for_tests()).await?;
//! assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
//! assert!(emulator.base_url().ends_with("/v1"));
//! # Ok(())
//! # }
//! ```

// The README's example is compiled and run with this crate's doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;

mod account;
mod api;
mod args;
mod background;
mod catalog;
mod config;
mod contract;
mod dialect;
mod durations;
mod emulator;
pub mod faults;
pub mod fixtures;
mod injected;
mod jobs;
mod kind;
mod media;
mod openapi;
mod outputs;
mod pricing;
mod server;
mod start;
mod stats;
pub mod video;

pub use api::UNLIMITED_BALANCE_USD;
pub use args::EmulatorArgs;
pub use background::BackgroundEmulator;
pub use config::EmulatorConfig;
pub use dialect::{
    CancelSpelling, Dialect, FailureError, FinishedStatus, OutputShape, SuccessWord,
};
pub use durations::{
    DEFAULT_MODE_SIGMA, DEFAULT_SIGMA, Durations, DurationsError, RunTimes, Workload, run_times,
    sample_run_times,
};
pub use emulator::{Emulator, StartError};
pub use faults::{Detail, Fault, FaultRates, Target};
pub use kind::OutputKind;
pub use openapi::OPENAPI;
pub use pricing::{Price, PriceUnit};
pub use stats::Stats;
