//! `runcomfy`: run RunComfy Model API models from a terminal or a script.
//! Human text and progress go to stderr; results go to stdout.
//!
//! This file parses the command line, starts the runtime and the logs,
//! hands the command to its module and turns its error into an exit code.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod batch;
mod cache;
mod catalog;
mod cli;
mod clock;
mod commands;
mod context;
mod credentials;
mod estimate;
mod exit;
mod gallery;
mod input;
mod money;
mod output;
mod polling;
mod progress;
mod timeout;

use std::process::ExitCode;

use clap::Parser as _;

use crate::cli::{Cli, Command};
use crate::commands::{balance, completions, emulator, models, requests, run, validate};
use crate::context::{Context, Service};
use crate::exit::CliError;
use crate::output::Output;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version print to stdout and succeed; usage errors exit 64.
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 64 } else { 0 });
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(70);
        }
    };
    if cli.verbose > 0 && !cli.quiet {
        // Request ids and retries on stderr; never headers, so never the token.
        let level = if cli.verbose > 1 { "debug" } else { "info" };
        let filter = tracing_subscriber::EnvFilter::new(format!("runcomfy={level}"));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(std::env::var_os("NO_COLOR").is_none())
            .init();
    }
    let output = Output {
        json: cli.json,
        quiet: cli.quiet,
        verbose: cli.verbose > 0,
    };
    match runtime.block_on(dispatch(cli, output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            output.report(&error);
            error.exit_code()
        }
    }
}

async fn dispatch(cli: Cli, output: Output) -> Result<(), CliError> {
    let service = Service {
        emulator: cli.emulator,
        base_url: cli.base_url.as_deref(),
        serverless_base_url: cli.serverless_base_url.as_deref(),
        max_requests_per_second: cli.max_requests_per_second,
        poll_interval: cli.poll_interval,
    };
    // The commands that need no service client come first: nothing is built.
    let context = match &cli.command {
        Command::Models { remote: false, .. } => return models::models(&output),
        Command::Schema {
            model_id,
            output: of_output,
        } => return models::schema(model_id, *of_output),
        Command::Completions { shell } => return completions::completions(*shell),
        Command::Emulator { args } => return emulator::emulator(args).await,
        Command::Gallery(args) => return gallery::gallery(&output, args),
        Command::Validate { model_id, input } => {
            return validate::validate(&service, &output, model_id, input).await;
        }
        _ => Context::new(&service, output).await?,
    };
    match cli.command {
        Command::Run {
            model_id,
            input,
            estimate,
            wait,
        } => run::run(&context, &model_id, &input, &wait, estimate).await,
        Command::Wait { request_id, wait } => run::wait(&context, request_id, &wait).await,
        Command::Status { request_id } => requests::status(&context, request_id).await,
        Command::Result { request_id } => requests::result(&context, &request_id).await,
        Command::Cancel { request_id } => requests::cancel(&context, request_id).await,
        Command::Batch(args) => batch::run(&context, &args).await,
        Command::Balance => balance::balance(&context).await,
        Command::Models { include_schema, .. } => {
            models::remote_models(&context, include_schema).await
        }
        Command::Schema { .. }
        | Command::Completions { .. }
        | Command::Emulator { .. }
        | Command::Gallery(_)
        | Command::Validate { .. } => Ok(()),
    }
}
