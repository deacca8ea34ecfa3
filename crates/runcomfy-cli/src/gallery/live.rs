//! The page `runcomfy batch --gallery` keeps current: made again after
//! each result, so a page opened during a long batch shows more on reload.

use std::path::{Path, PathBuf};

use crate::exit::CliError;
use crate::gallery::command::make;
use crate::gallery::read::Batch;
use crate::gallery::sources::Source;

/// A batch's gallery: `gallery.html` in its output folder.
pub(crate) struct LivePage {
    batch: [Batch; 1],
    page: PathBuf,
}

impl LivePage {
    /// The page of the batch journaled at `journal` with `inputs`,
    /// downloading into `output_dir`.
    pub(crate) fn new(journal: &Path, inputs: &Path, output_dir: &Path) -> Self {
        let source = Source {
            journal: journal.to_owned(),
            inputs: Some(inputs.to_owned()),
        };
        Self {
            batch: [Batch::read(source)],
            page: output_dir.join("gallery.html"),
        }
    }

    /// Where the page is.
    pub(crate) fn path(&self) -> &Path {
        &self.page
    }

    /// Makes the page again from the journal as it is now.
    pub(crate) fn refresh(&self) -> Result<(), CliError> {
        make(&self.batch, &self.page).map(|_| ())
    }
}
