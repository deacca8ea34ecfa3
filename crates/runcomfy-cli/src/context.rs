//! What a command that talks to the service gets: its client and its output.
//!
//! The client is of the service, or of an emulator started in this process
//! for `--emulator`.

use std::sync::Arc;

use runcomfy::poll::RequestBudget;
use runcomfy::{Client, ClientBuilder};
use runcomfy_emulator::{Emulator, EmulatorConfig};

use crate::exit::CliError;
use crate::output::Output;

/// Which service a command talks to, as the global options say.
pub(crate) struct Service<'a> {
    /// An in-process emulator instead of the service.
    pub(crate) emulator: bool,
    /// `--base-url`, else the environment's.
    pub(crate) base_url: Option<&'a str>,
    /// `--max-requests-per-second`.
    pub(crate) max_requests_per_second: Option<f64>,
}

/// What every command that sends requests can use.
pub(crate) struct Context {
    pub(crate) output: Output,
    pub(crate) client: Client,
    // Kept alive for the command.
    _emulator: Option<Emulator>,
}

impl Context {
    pub(crate) async fn new(service: &Service<'_>, output: Output) -> Result<Self, CliError> {
        let budget = service.max_requests_per_second;
        let (client, emulator) = if service.emulator {
            // Jobs take ~2% of their real time: seconds, not minutes.
            let emulator = Emulator::start(EmulatorConfig {
                time_scale: 0.02,
                ..EmulatorConfig::default()
            })
            .await
            .map_err(|e| CliError::Output(format!("cannot start the emulator: {e}")))?;
            let client = with_budget(
                Client::builder()
                    .base_url(emulator.base_url())
                    .token("emulator"),
                budget,
            )
            .build()?;
            (client, Some(emulator))
        } else {
            let mut builder = Client::builder_from_env();
            if let Some(base) = service.base_url {
                builder = builder.base_url(base);
            }
            (with_budget(builder, budget).build()?, None)
        };
        Ok(Self {
            output,
            client,
            _emulator: emulator,
        })
    }
}

fn with_budget(builder: ClientBuilder, max_requests_per_second: Option<f64>) -> ClientBuilder {
    match max_requests_per_second {
        Some(rate) if rate <= 0.0 => builder.request_budget(Arc::new(RequestBudget::unlimited())),
        Some(rate) => builder.request_budget(Arc::new(RequestBudget::new(
            rate,
            (rate * 2.0).ceil() as u32,
        ))),
        None => builder,
    }
}
