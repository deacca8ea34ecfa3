//! `runcomfy emulator`: the emulator in the foreground until Ctrl-C.

use runcomfy_emulator::{Emulator, EmulatorArgs};

use crate::exit::CliError;

/// Starts the emulator, prints its address, and serves until Ctrl-C.
pub(crate) async fn emulator(args: &EmulatorArgs) -> Result<(), CliError> {
    let config = args.config().map_err(CliError::Usage)?;
    let emulator = Emulator::start(config)
        .await
        .map_err(|e| CliError::Output(format!("cannot start the emulator: {e}")))?;
    println!("runcomfy emulator listening on {}", emulator.base_url());
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}
