//! Which journals a gallery shows, the inputs file of each, and where its
//! page goes by default.

use std::path::{Path, PathBuf};

use crate::exit::CliError;

/// One batch: its journal, and its inputs file when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Source {
    pub(crate) journal: PathBuf,
    pub(crate) inputs: Option<PathBuf>,
}

impl Source {
    /// The journal at `journal`, with the inputs file its default name
    /// says (`FILE.jsonl.journal` is FILE.jsonl's) when that file exists.
    pub(crate) fn of_journal(journal: PathBuf) -> Self {
        let inputs = journal
            .to_str()
            .and_then(|path| path.strip_suffix(".journal"))
            .map(PathBuf::from)
            .filter(|inputs| inputs.is_file());
        Self { journal, inputs }
    }
}

/// The batches of `paths`: a file is a journal; a folder gives the
/// `*.journal` files in it, else in its parent.
pub(crate) fn find(paths: &[PathBuf]) -> Result<Vec<Source>, CliError> {
    let mut sources = Vec::new();
    for path in paths {
        if path.is_file() {
            sources.push(Source::of_journal(path.clone()));
            continue;
        }
        if !path.is_dir() {
            return Err(CliError::Usage(format!(
                "{}: no such journal or folder",
                path.display()
            )));
        }
        let mut found = journals_in(path)?;
        if found.is_empty()
            && let Some(parent) = parent_of(path)
        {
            found = journals_in(&parent)?;
        }
        if found.is_empty() {
            return Err(CliError::Usage(format!(
                "{}: no batch journal (*.journal) in it or its parent folder; name the journal",
                path.display()
            )));
        }
        sources.extend(found.into_iter().map(Source::of_journal));
    }
    Ok(sources)
}

/// Where the page goes without `--out`: `gallery.html` in the folder
/// given, or beside the journal.
pub(crate) fn default_page(path: &Path) -> PathBuf {
    let folder = if path.is_dir() {
        path.to_owned()
    } else {
        parent_of(path).unwrap_or_else(|| PathBuf::from("."))
    };
    folder.join("gallery.html")
}

fn parent_of(path: &Path) -> Option<PathBuf> {
    let parent = path.canonicalize().ok()?.parent()?.to_owned();
    Some(parent)
}

/// The `*.journal` files of `folder`, by name.
fn journals_in(folder: &Path) -> Result<Vec<PathBuf>, CliError> {
    let entries = std::fs::read_dir(folder).map_err(|e| CliError::InputFile {
        path: folder.to_owned(),
        reason: format!("cannot list the folder: {e}"),
    })?;
    let mut journals: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e == "journal"))
        .collect();
    journals.sort();
    Ok(journals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_gives_its_journals_else_its_parents() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        std::fs::write(root.join("b.jsonl"), "{}\n").expect("inputs");
        for name in ["b.jsonl.journal", "a.journal", "notes.txt"] {
            std::fs::write(root.join(name), "").expect("file");
        }
        std::fs::create_dir(root.join("out")).expect("out");
        let expected = vec![
            Source {
                journal: root.join("a.journal"),
                inputs: None,
            },
            Source {
                journal: root.join("b.jsonl.journal"),
                inputs: Some(root.join("b.jsonl")),
            },
        ];
        assert_eq!(find(std::slice::from_ref(&root)).expect("finds"), expected);
        assert_eq!(find(&[root.join("out")]).expect("finds"), expected);
        assert_eq!(
            default_page(&root.join("out")),
            root.join("out/gallery.html")
        );
        assert_eq!(
            default_page(&root.join("a.journal")),
            root.join("gallery.html")
        );
        assert!(find(&[root.join("nothing")]).is_err());
    }
}
