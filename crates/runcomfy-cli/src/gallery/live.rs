//! The page `runcomfy batch --gallery` keeps current: made again after
//! each result, so a page opened during a long batch shows more on reload.

use std::path::{Path, PathBuf};

use crate::exit::CliError;
use crate::gallery::command::make;
use crate::gallery::sources::Source;

/// A batch's gallery: `gallery.html` in its output folder.
#[derive(Debug, Clone)]
pub(crate) struct LivePage {
    source: Source,
    page: PathBuf,
}

impl LivePage {
    /// The page of the batch journaled at `journal` with `inputs`,
    /// downloading into `output_dir`.
    pub(crate) fn new(journal: &Path, inputs: &Path, output_dir: &Path) -> Self {
        Self {
            source: Source {
                journal: journal.to_owned(),
                inputs: Some(inputs.to_owned()),
            },
            page: output_dir.join("gallery.html"),
        }
    }

    /// Where the page is.
    pub(crate) fn path(&self) -> &Path {
        &self.page
    }

    /// Makes the page again from the journal as it is now.
    pub(crate) fn refresh(&self) -> Result<(), CliError> {
        make(std::slice::from_ref(&self.source), &self.page).map(|_| ())
    }
}
