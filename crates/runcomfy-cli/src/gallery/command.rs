//! `runcomfy gallery`: the page made from the journals given, at any time.

use std::path::Path;

use serde_json::json;

use crate::clock::{now, utc};
use crate::exit::CliError;
use crate::gallery::args::GalleryArgs;
use crate::gallery::page::page;
use crate::gallery::read::Batch;
use crate::gallery::sources::{default_page, find};
use crate::gallery::write::write_page;
use crate::output::Output;

/// What a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Made {
    pub(crate) cards: usize,
    /// Output files the journals name that are not there.
    pub(crate) missing_files: usize,
}

/// Writes the gallery of `args` and says where it is.
pub(crate) fn gallery(output: &Output, args: &GalleryArgs) -> Result<(), CliError> {
    let sources = find(&args.sources)?;
    let page = match &args.out {
        Some(page) => page.clone(),
        None => default_page(&args.sources[0]),
    };
    let batches: Vec<Batch> = sources.into_iter().map(Batch::read).collect();
    let made = make(&batches, &page)?;
    let document = json!({
        "gallery": page.display().to_string(),
        "cards": made.cards,
        "missing_files": made.missing_files,
    });
    output.print(&document, || {
        let missing = match made.missing_files {
            0 => String::new(),
            n => format!(
                " ({n} output file{} missing)",
                if n == 1 { "" } else { "s" }
            ),
        };
        format!("{}: {} cards{missing}", page.display(), made.cards)
    });
    Ok(())
}

/// Reads the journals of `batches` and writes their page to `page_path`
/// atomically.
pub(crate) fn make(batches: &[Batch], page_path: &Path) -> Result<Made, CliError> {
    let folder = page_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let page_dir = std::fs::create_dir_all(folder)
        .and_then(|()| folder.canonicalize())
        .map_err(|e| {
            CliError::Output(format!(
                "cannot write the gallery {}: {e}",
                page_path.display()
            ))
        })?;
    let mut all = Vec::new();
    for batch in batches {
        all.extend(batch.cards(&page_dir)?);
    }
    let journals: Vec<String> = batches
        .iter()
        .map(|b| b.journal().display().to_string())
        .collect();
    let made = format!(
        "Made {} from {} by `runcomfy gallery`: run it again to bring it up to date (during `runcomfy batch --gallery`, reload).",
        utc(now()),
        journals.join(", ")
    );
    write_page(page_path, &page(&all, &made))?;
    Ok(Made {
        cards: all.len(),
        missing_files: all
            .iter()
            .flat_map(|card| &card.media)
            .filter(|media| media.href.is_none())
            .count(),
    })
}
