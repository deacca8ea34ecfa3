//! `runcomfy completions`: the shell's completion script on stdout.

use clap::CommandFactory as _;

use crate::cli::Cli;
use crate::exit::CliError;

/// Writes the completion script of `shell`; it cannot fail.
pub(crate) fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "runcomfy",
        &mut std::io::stdout(),
    );
    Ok(())
}
