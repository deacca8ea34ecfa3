//! `runcomfy`: run RunComfy Model API models from a terminal or a script.
//! Human text and progress go to stderr; results go to stdout.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod batch;
mod exit;
mod input;

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{CommandFactory as _, Parser, Subcommand};
use runcomfy::{Client, JobOutput, JobResult, JobStatus, QueueStatus, RequestHandle};
use runcomfy_emulator::{Emulator, EmulatorArgs, EmulatorConfig};
use serde_json::{Value, json};

use crate::exit::{CliError, EXIT_CODES};
use crate::input::InputArgs;

/// Run RunComfy Model API models (image-to-video and more) from a terminal or
/// a script. The token comes from RUNCOMFY_API_TOKEN (or RUNCOMFY_TOKEN).
#[derive(Debug, Parser)]
#[command(name = "runcomfy", version, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// API base URL including /v1.
    #[arg(
        long,
        global = true,
        env = "RUNCOMFY_MODEL_API_BASE",
        value_name = "URL"
    )]
    base_url: Option<String>,
    /// Start the built-in emulator on loopback for this one command (no token needed).
    #[arg(long, global = true)]
    emulator: bool,
    /// Print one JSON document with the command's result on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Print nothing on stderr but errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Say more on stderr.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// The most API requests per second this command makes, all jobs
    /// together (default 20; 0 for no limit, e.g. against the emulator).
    #[arg(
        long,
        global = true,
        env = "RUNCOMFY_MAX_REQUESTS_PER_SECOND",
        value_name = "N"
    )]
    max_requests_per_second: Option<f64>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate, submit, wait with live progress, download the outputs.
    Run {
        /// The model id, e.g. kling/kling-1-6/pro/image-to-video.
        model_id: String,
        #[command(flatten)]
        input: InputArgs,
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
    /// Check an input locally (schema and media rules); nothing is sent.
    Validate {
        /// The model id.
        model_id: String,
        #[command(flatten)]
        input: InputArgs,
    },
    /// The models this build knows.
    Models,
    /// Print a model's input schema (or its output schema).
    Schema {
        /// The model id.
        model_id: String,
        /// The output schema instead of the input schema.
        #[arg(long)]
        output: bool,
    },
    /// One job per line of a JSONL file, concurrently, crash-safe with a journal.
    Batch(batch::BatchArgs),
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
    #[arg(long, value_name = "SECS")]
    pub(crate) timeout: Option<u64>,
    /// Where outputs are downloaded.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub(crate) output_dir: PathBuf,
    /// Print output URLs instead of downloading them.
    #[arg(long)]
    pub(crate) no_download: bool,
}

/// What every command can use.
pub(crate) struct Context {
    pub(crate) json: bool,
    pub(crate) quiet: bool,
    pub(crate) client: Client,
    // Kept alive for the command.
    _emulator: Option<Emulator>,
}

impl Context {
    async fn new(cli: &Cli) -> Result<Self, CliError> {
        let (client, emulator) = if cli.emulator {
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
                cli,
            )
            .build()?;
            (client, Some(emulator))
        } else {
            let mut builder = Client::builder_from_env();
            if let Some(base) = &cli.base_url {
                builder = builder.base_url(base);
            }
            (with_budget(builder, cli).build()?, None)
        };
        Ok(Self {
            json: cli.json,
            quiet: cli.quiet,
            client,
            _emulator: emulator,
        })
    }

    /// Human text on stderr, unless quiet.
    pub(crate) fn say(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", text.as_ref());
        }
    }

    /// A result on stdout: JSON with `--json`, else the human text.
    pub(crate) fn print(&self, json: &Value, human: impl FnOnce() -> String) {
        if self.json {
            println!("{}", serde_json::to_string_pretty(json).unwrap_or_default());
        } else {
            let text = human();
            if !text.is_empty() {
                println!("{text}");
            }
        }
    }
}

fn with_budget(builder: runcomfy::ClientBuilder, cli: &Cli) -> runcomfy::ClientBuilder {
    match cli.max_requests_per_second {
        Some(rate) if rate <= 0.0 => builder.request_budget(std::sync::Arc::new(
            runcomfy::poll::RequestBudget::unlimited(),
        )),
        Some(rate) => builder.request_budget(std::sync::Arc::new(
            runcomfy::poll::RequestBudget::new(rate, (rate * 2.0).ceil() as u32),
        )),
        None => builder,
    }
}

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
    let json = cli.json;
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
    match runtime.block_on(dispatch(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error, json);
            error.exit_code()
        }
    }
}

fn report(error: &CliError, json: bool) {
    // A batch's results and summary are its JSON document already.
    if json && !matches!(error, CliError::Batch { .. }) {
        let errors: Vec<Value> = match error {
            CliError::Invalid { errors, .. } => errors
                .iter()
                .map(|e| json!({"field": e.field(), "pointer": e.pointer, "message": e.message}))
                .collect(),
            _ => Vec::new(),
        };
        let document = json!({
            "error": {"kind": error.kind(), "message": error.to_string(), "request_id": error.request_id(), "exit_code": error.code(), "errors": errors}
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        );
    }
    let prefix = if std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal() {
        "\x1b[31merror\x1b[0m"
    } else {
        "error"
    };
    eprintln!("{prefix}: {error}");
}

async fn dispatch(cli: Cli) -> Result<(), CliError> {
    match &cli.command {
        Command::Models => return models(&cli),
        Command::Schema { model_id, output } => return schema(model_id, *output),
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "runcomfy",
                &mut std::io::stdout(),
            );
            return Ok(());
        }
        Command::Emulator { args } => return emulator(args).await,
        Command::Validate { model_id, input } => return validate(&cli, model_id, input).await,
        _ => {}
    }
    let context = Context::new(&cli).await?;
    match cli.command {
        Command::Run {
            model_id,
            input,
            wait,
        } => run(&context, &model_id, &input, &wait).await,
        Command::Wait { request_id, wait } => {
            let handle = context.client.resume(request_id)?;
            finish(&context, &handle, &wait).await
        }
        Command::Status { request_id } => {
            let status = context.client.resume(request_id)?.status().await?;
            context.print(&status_json(&status), || status_line(&status));
            Ok(())
        }
        Command::Result { request_id } => result(&context, &request_id).await,
        Command::Cancel { request_id } => {
            let outcome = context.client.resume(request_id.clone())?.cancel().await?;
            context.print(&json!({"request_id": request_id, "outcome": outcome}), || match outcome {
                runcomfy::CancelOutcome::Cancelled => format!("cancelled {request_id}: it will never run"),
                _ => format!("{request_id} is not cancellable ({outcome}): it runs to completion and is billed"),
            });
            Ok(())
        }
        Command::Batch(args) => batch::run(&context, &args).await,
        Command::Models
        | Command::Schema { .. }
        | Command::Completions { .. }
        | Command::Emulator { .. }
        | Command::Validate { .. } => Ok(()),
    }
}

/// Local checks only: no service client is built, nothing is sent.
async fn validate(cli: &Cli, model_id: &str, input: &InputArgs) -> Result<(), CliError> {
    let value = input::assemble(model_id, input).await?;
    let spec = runcomfy_types::model(model_id).ok_or_else(|| {
        let known: Vec<&str> = runcomfy_types::models().iter().map(|s| s.id).collect();
        CliError::Usage(format!(
            "unknown model `{model_id}`: only models this build knows can be validated ({})",
            known.join(", ")
        ))
    })?;
    let schema: Value = serde_json::from_str(spec.input_schema)
        .map_err(|e| CliError::Output(format!("built-in schema: {e}")))?;
    let validator = runcomfy_validate::Validator::new(&schema)
        .map_err(|e| CliError::Output(format!("built-in schema: {e}")))?;
    if let Err(invalid) = validator
        .validate_all(&value, &runcomfy_validate::MediaProbe::new())
        .await
    {
        return Err(CliError::Invalid {
            model_id: model_id.to_owned(),
            errors: invalid.errors,
        });
    }
    if cli.json {
        println!("{}", json!({"model_id": model_id, "valid": true}));
    } else if !cli.quiet {
        eprintln!("valid input for {model_id}");
    }
    Ok(())
}

fn models(cli: &Cli) -> Result<(), CliError> {
    let ids: Vec<&str> = runcomfy_types::models()
        .iter()
        .map(|spec| spec.id)
        .collect();
    if cli.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"models": ids})).unwrap_or_default()
        );
    } else {
        for id in ids {
            println!("{id}");
        }
    }
    Ok(())
}

fn schema(model_id: &str, output: bool) -> Result<(), CliError> {
    let spec = runcomfy_types::model(model_id).ok_or_else(|| {
        let known: Vec<&str> = runcomfy_types::models().iter().map(|s| s.id).collect();
        CliError::Usage(format!(
            "unknown model `{model_id}`; this build knows: {}",
            known.join(", ")
        ))
    })?;
    print!(
        "{}",
        if output {
            spec.output_schema
        } else {
            spec.input_schema
        }
    );
    Ok(())
}

async fn emulator(args: &EmulatorArgs) -> Result<(), CliError> {
    let config = args.config().map_err(CliError::Usage)?;
    let emulator = Emulator::start(config)
        .await
        .map_err(|e| CliError::Output(format!("cannot start the emulator: {e}")))?;
    println!("runcomfy emulator listening on {}", emulator.base_url());
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

async fn run(
    context: &Context,
    model_id: &str,
    input: &InputArgs,
    wait: &WaitArgs,
) -> Result<(), CliError> {
    let value = input::assemble(model_id, input).await?;
    let handle = context.client.submit_json(model_id, &value).await?;
    context.say(format!(
        "submitted {} (resume with: runcomfy wait {})",
        handle.request_id(),
        handle.request_id()
    ));
    if wait.no_wait {
        let id = handle.request_id();
        context.print(&json!({"request_id": id, "status": "submitted", "status_url": handle.status_url(), "result_url": handle.result_url(), "cancel_url": handle.cancel_url()}), || id.to_owned());
        return Ok(());
    }
    finish(context, &handle, wait).await
}

/// Waits with a progress display and Ctrl-C handling, then downloads.
async fn finish(
    context: &Context,
    handle: &RequestHandle<Value>,
    wait: &WaitArgs,
) -> Result<(), CliError> {
    let output = tokio::select! {
        output = wait_with_progress(context, handle, wait.timeout) => output?,
        _ = tokio::signal::ctrl_c() => return Err(interrupted(context, handle).await),
    };
    let files = if wait.no_download {
        Vec::new()
    } else {
        handle
            .download(&output, &wait.output_dir)
            .await
            .map_err(|e| match e {
                runcomfy::Error::Io { path, source } => {
                    CliError::Output(format!("cannot write {}: {source}", path.display()))
                }
                other => CliError::from(other),
            })?
    };
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    let document = json!({"request_id": output.request_id, "status": "succeeded", "output": output.raw_output, "files": paths});
    context.print(&document, || {
        if wait.no_download {
            output.file_urls().join("\n")
        } else {
            paths.join("\n")
        }
    });
    Ok(())
}

/// The library's wait, with the progress display fed by its status callback;
/// `--timeout` ends it with the time actually waited and the last status.
async fn wait_with_progress(
    context: &Context,
    handle: &RequestHandle<Value>,
    timeout: Option<u64>,
) -> Result<JobOutput<Value>, CliError> {
    let progress = Progress::new(context);
    let mut waiting = handle.wait().on_status(|status| progress.show(status));
    if let Some(secs) = timeout {
        waiting = waiting.timeout(Duration::from_secs(secs));
    }
    let output = waiting.await;
    progress.finish();
    Ok(output?)
}

/// First Ctrl-C: cancel the job and say how to resume; a second: exit at once.
async fn interrupted(context: &Context, handle: &RequestHandle<Value>) -> CliError {
    let id = handle.request_id().to_owned();
    eprintln!("\ninterrupted: cancelling {id} (Ctrl-C again to exit at once)");
    tokio::spawn(async {
        let _ = tokio::signal::ctrl_c().await;
        std::process::exit(130);
    });
    match handle.cancel().await {
        Ok(runcomfy::CancelOutcome::Cancelled) => eprintln!("cancelled {id}: it will never run"),
        Ok(outcome) => eprintln!(
            "{id} is {outcome}: it is already running and will run to completion and be billed"
        ),
        Err(error) => eprintln!("could not cancel {id}: {error}"),
    }
    eprintln!("resume with: runcomfy wait {id}");
    let _ = context;
    CliError::Interrupted
}

async fn result(context: &Context, request_id: &str) -> Result<(), CliError> {
    let handle = context.client.resume(request_id)?;
    match handle.result().await? {
        JobResult::Succeeded(output) => {
            let document = json!({"request_id": output.request_id, "status": "succeeded", "output": output.raw_output, "created_at": output.created_at, "finished_at": output.finished_at});
            context.print(&document, || output.file_urls().join("\n"));
        }
        JobResult::Pending(status) => {
            context.print(&json!({"request_id": request_id, "status": status}), || {
                format!("{request_id}: {status} (not finished)")
            });
        }
    }
    Ok(())
}

fn status_json(status: &JobStatus) -> Value {
    json!({"request_id": status.request_id, "status": status.state, "queue_position": status.queue_position, "instance_id": status.instance_id})
}

fn status_line(status: &JobStatus) -> String {
    match (&status.state, status.queue_position) {
        (QueueStatus::InQueue, Some(position)) => {
            format!("{}: in_queue, position {position}", status.request_id)
        }
        (state, _) => format!("{}: {state}", status.request_id),
    }
}

/// Live progress on a terminal; plain lines when stderr is not one.
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    started: Instant,
}

impl Progress {
    pub(crate) fn new(context: &Context) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = (!context.quiet && terminal).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self {
            bar,
            plain: !context.quiet && !terminal,
            started: Instant::now(),
        }
    }

    pub(crate) fn show(&self, status: &JobStatus) {
        let state = match (&status.state, status.queue_position) {
            (QueueStatus::InQueue, Some(position)) => format!("in queue, position {position}"),
            (QueueStatus::InProgress, _) => "in progress".to_owned(),
            (other, _) => other.to_string(),
        };
        let elapsed = self.started.elapsed().as_secs_f64();
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{} · {state} · {elapsed:.0}s", status.request_id));
        } else if self.plain {
            eprintln!("[{elapsed:>7.1}s] {}: {state}", status.request_id);
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
