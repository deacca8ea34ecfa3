//! The command line: every command, option and flag, as clap reads them.
//! Parsing only; what a command does lives in `commands/` and `batch/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use runcomfy_emulator::EmulatorArgs;

use crate::batch::BatchArgs;
use crate::exit::EXIT_CODES;
use crate::gallery::GalleryArgs;
use crate::input::InputArgs;
use crate::polling::PollInterval;
use crate::timeout::Timeout;

/// Run RunComfy Model API models (image-to-video and more) from a terminal or
/// a script. The token comes from RUNCOMFY_API_TOKEN, else RUNCOMFY_TOKEN,
/// else the token file of the provider's own CLI (`runcomfy login`):
/// token.json in $RUNCOMFY_CONFIG_DIR, else $XDG_CONFIG_HOME/runcomfy, else
/// ~/.config/runcomfy (read only; -v says which).
#[derive(Debug, Parser)]
#[command(name = "runcomfy", version, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// API base URL including /v1.
    #[arg(long, global = true, value_name = "URL")]
    #[arg(env = "RUNCOMFY_MODEL_API_BASE")]
    pub(crate) base_url: Option<String>,
    /// The provider's serverless API base, where the balance is read
    /// (default https://api.runcomfy.net/prod/v2).
    #[arg(long, global = true, value_name = "URL")]
    #[arg(env = "RUNCOMFY_SERVERLESS_API_BASE")]
    pub(crate) serverless_base_url: Option<String>,
    /// Start the built-in emulator on loopback for this one command (no token needed).
    #[arg(long, global = true)]
    pub(crate) emulator: bool,
    /// Print one JSON document with the command's result on stdout.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Print nothing on stderr but errors.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Say more on stderr.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// The most API requests per second this command makes, all jobs
    /// together (default 20; 0 for no limit, e.g. against the emulator).
    #[arg(long, global = true, value_name = "N")]
    #[arg(env = "RUNCOMFY_MAX_REQUESTS_PER_SECOND")]
    pub(crate) max_requests_per_second: Option<f64>,
    /// Seconds between polls while nothing is known of a model's run times
    /// (default 2, as the provider's CLI). Once jobs of a model have
    /// finished (in this run, or in earlier ones: kept in the user's cache
    /// directory, $RUNCOMFY_CACHE_DIR else $XDG_CACHE_HOME/runcomfy else
    /// ~/.cache/runcomfy), polls are sparse where its jobs do not end and
    /// dense where they do, never more than 3 s or 15% of the running time
    /// apart.
    #[arg(long, global = true, value_name = "SECS", value_parser = PollInterval::parser())]
    #[arg(env = "RUNCOMFY_POLL_INTERVAL")]
    pub(crate) poll_interval: Option<PollInterval>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Validate, submit, wait with live progress, download the outputs and
    /// say what the job cost (or, with --estimate, only what it will cost).
    Run {
        /// The model id, e.g. kling/kling-1-6/pro/image-to-video.
        model_id: String,
        #[command(flatten)]
        input: InputArgs,
        /// Print what the catalog's price says the job will cost (and the
        /// balance) after the local checks; submit nothing.
        #[arg(long)]
        estimate: bool,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// The status of a request.
    Status {
        /// The request id.
        request_id: String,
    },
    /// The result of a request (its current state before it finishes).
    Result {
        /// The request id.
        request_id: String,
    },
    /// Cancel a queued request (running ones are not cancellable).
    Cancel {
        /// The request id.
        request_id: String,
    },
    /// Resume waiting for (and downloading) a request started elsewhere.
    Wait {
        /// The request id.
        request_id: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// The account's balance (the provider's serverless API; see --serverless-base-url).
    Balance,
    /// Check an input locally (schema and media rules); nothing is sent.
    Validate {
        /// The model id.
        model_id: String,
        #[command(flatten)]
        input: InputArgs,
    },
    /// The models this build knows; with --remote, the service's whole
    /// catalog (every page, checked to add up to its total).
    Models {
        /// Read the service's catalog instead (`GET /v1/models`, page by
        /// page); with --json, `{"models": [...], "total": N}` as
        /// `cargo xtask catalog import` reads it.
        #[arg(long)]
        remote: bool,
        /// With --remote: each record with its input schema (what an
        /// import needs).
        #[arg(long, requires = "remote")]
        include_schema: bool,
    },
    /// Print a model's input schema (or its output schema).
    Schema {
        /// The model id.
        model_id: String,
        /// The output schema instead of the input schema.
        #[arg(long)]
        output: bool,
    },
    /// One job per line of a JSONL file, concurrently, crash-safe with a journal.
    Batch(BatchArgs),
    /// One self-contained HTML page of a batch's results, made from its
    /// journal and files (also of a batch that was killed).
    Gallery(GalleryArgs),
    /// Run the emulator in the foreground, for your own offline tests.
    Emulator {
        #[command(flatten)]
        args: EmulatorArgs,
    },
    /// Shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Options of commands that wait for a job.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct WaitArgs {
    /// Submit and print the request id; do not wait.
    #[arg(long)]
    pub(crate) no_wait: bool,
    /// Stop waiting after this many seconds (the job goes on; resume with `runcomfy wait`).
    #[arg(long, value_name = "SECS", value_parser = Timeout::parser())]
    pub(crate) timeout: Option<Timeout>,
    /// Where outputs are downloaded.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub(crate) output_dir: PathBuf,
    /// Print output URLs instead of downloading them.
    #[arg(long)]
    pub(crate) no_download: bool,
}
