//! The options of `runcomfy gallery`.

use std::path::PathBuf;

/// Options of `runcomfy gallery`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct GalleryArgs {
    /// A batch's journal, or a folder: the journals in it (else in its
    /// parent, where a batch's inputs and journal sit beside its output
    /// folder).
    #[arg(value_name = "JOURNAL_OR_OUTPUT_DIR", required = true)]
    pub(crate) sources: Vec<PathBuf>,
    /// The page to write (default: gallery.html in the folder given, or
    /// beside the journal).
    #[arg(long, value_name = "PAGE.html")]
    pub(crate) out: Option<PathBuf>,
}
