//! `runcomfy-emulator`: a local RunComfy Model API for offline tests.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use clap::Parser;
use runcomfy_emulator::{Emulator, EmulatorArgs};

/// A local emulator of RunComfy's Model API (queue, real MP4 outputs, faults).
///
/// Point a client at the printed base URL (RUNCOMFY_MODEL_API_BASE) with any
/// token. Stops on Ctrl-C.
#[derive(Debug, Parser)]
#[command(name = "runcomfy-emulator", version)]
struct Cli {
    #[command(flatten)]
    emulator: EmulatorArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match cli.emulator.config() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(64);
        }
    };
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(69);
        }
    };
    println!("runcomfy emulator listening on {}", emulator.base_url());
    let _ = tokio::signal::ctrl_c().await;
    drop(emulator);
    ExitCode::SUCCESS
}
