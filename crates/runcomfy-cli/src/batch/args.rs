//! The options of `runcomfy batch`.

use std::path::PathBuf;

use crate::timeout::Timeout;

/// Options of `runcomfy batch`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct BatchArgs {
    /// The model id.
    pub(crate) model_id: String,
    /// One JSON input object per line; the line number is the input's identity.
    #[arg(long, value_name = "FILE.jsonl")]
    pub(crate) inputs: PathBuf,
    /// Jobs in flight at once.
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub(crate) concurrency: u32,
    /// The journal that makes a re-run resume instead of resubmitting (default: FILE.jsonl.journal).
    #[arg(long, value_name = "FILE")]
    pub(crate) journal: Option<PathBuf>,
    /// Where outputs are downloaded, each input's into DIR/<line number>/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub(crate) output_dir: PathBuf,
    /// Submit again the inputs whose earlier submit has an unknown outcome
    /// (a billed job may exist for them).
    #[arg(long)]
    pub(crate) resubmit_unknown: bool,
    /// Stop waiting for a job after this many seconds (it goes on; a re-run resumes it).
    #[arg(long, value_name = "SECS", value_parser = Timeout::parser())]
    pub(crate) timeout: Option<Timeout>,
    /// Print what the catalog's price says the lines this run would submit
    /// will cost, and how many of them the balance covers, after the local
    /// checks; submit nothing, write no journal.
    #[arg(long)]
    pub(crate) estimate: bool,
    /// Write the result lines to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub(crate) results: Option<PathBuf>,
    /// Keep a gallery of the results, DIR/gallery.html, made again after
    /// each result (open it during the batch and reload).
    #[arg(long)]
    pub(crate) gallery: bool,
}

impl BatchArgs {
    /// `--journal`, else the inputs file's name with `.journal` added.
    pub(crate) fn journal_path(&self) -> PathBuf {
        self.journal.clone().unwrap_or_else(|| {
            let mut path = self.inputs.clone().into_os_string();
            path.push(".journal");
            PathBuf::from(path)
        })
    }

    /// `--concurrency` as a count of jobs (at least one).
    pub(crate) fn jobs_at_once(&self) -> usize {
        usize::try_from(self.concurrency).unwrap_or(1).max(1)
    }
}
