//! What a command that talks to the service gets: its client and its output.
//!
//! The client is of the service, with the token of the first source that
//! has one (`credentials`), or of an emulator started in this process for
//! `--emulator`.

use std::sync::Arc;

use runcomfy::poll::RequestBudget;
use runcomfy::{Client, ClientBuilder};
use runcomfy_emulator::{Emulator, EmulatorConfig};

use crate::clock;
use crate::credentials::source;
use crate::exit::CliError;
use crate::output::Output;
use crate::polling::{self, PollInterval};

/// Which service a command talks to, as the global options say.
pub(crate) struct Service<'a> {
    /// An in-process emulator instead of the service.
    pub(crate) emulator: bool,
    /// `--base-url`, else the environment's.
    pub(crate) base_url: Option<&'a str>,
    /// `--serverless-base-url`, else the environment's.
    pub(crate) serverless_base_url: Option<&'a str>,
    /// `--max-requests-per-second`.
    pub(crate) max_requests_per_second: Option<f64>,
    /// `--poll-interval`.
    pub(crate) poll_interval: Option<PollInterval>,
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
            output.detail("token: the built-in emulator's");
            let base = emulator.base_url();
            let client = with_polling(
                with_budget(
                    Client::builder()
                        .base_url(&base)
                        .serverless_base_url(serverless_base_of(&base))
                        .token("emulator"),
                    budget,
                ),
                service,
            )
            .build()?;
            (client, Some(emulator))
        } else {
            let builder = with_token(Client::builder_from_env(), &output)?;
            let client =
                with_polling(with_budget(with_bases(builder, service), budget), service).build()?;
            polling::learn_across_runs(client.base_url());
            (client, None)
        };
        Ok(Self {
            output,
            client,
            _emulator: emulator,
        })
    }
}

/// The client's token: the environment's (the builder has it), else the
/// provider CLI's token file's; `-v` says which, and a file others can read
/// is warned about.
fn with_token(builder: ClientBuilder, output: &Output) -> Result<ClientBuilder, CliError> {
    let found =
        source::find(|name| std::env::var(name).ok(), clock::now()).map_err(CliError::Token)?;
    output.detail(found.source.describe());
    if let Some(warning) = &found.warning {
        output.say(warning);
    }
    Ok(match found.file_token {
        Some(token) => builder.token(token),
        None => builder,
    })
}

/// The bases the command line gives, over the environment's.
fn with_bases(mut builder: ClientBuilder, service: &Service<'_>) -> ClientBuilder {
    if let Some(base) = service.base_url {
        builder = builder.base_url(base);
    }
    if let Some(base) = service.serverless_base_url {
        builder = builder.serverless_base_url(base);
    }
    builder
}

/// The emulator's serverless base: its origin's `/prod/v2`, as the
/// service's is `https://api.runcomfy.net/prod/v2`.
fn serverless_base_of(model_api_base: &str) -> String {
    let origin = model_api_base.trim_end_matches('/').trim_end_matches("/v1");
    format!("{origin}/prod/v2")
}

/// `--poll-interval`'s policy, when given.
fn with_polling(builder: ClientBuilder, service: &Service<'_>) -> ClientBuilder {
    match service.poll_interval {
        Some(interval) => builder.poll_policy(interval.policy()),
        None => builder,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emulators_serverless_base_is_its_origins_prod_v2() {
        assert_eq!(
            serverless_base_of("http://127.0.0.1:4010/v1"),
            "http://127.0.0.1:4010/prod/v2"
        );
        assert_eq!(
            serverless_base_of("http://127.0.0.1:4010/v1/"),
            "http://127.0.0.1:4010/prod/v2"
        );
    }
}
