//! The page replaced atomically: written beside it, synced, renamed over it.
//!
//! A reader (a browser reloading during a batch) sees the old page or the
//! new one, never half of one.

use std::io::Write as _;
use std::path::Path;

use crate::batch::journal::sync_dir;
use crate::exit::CliError;

/// Writes `text` to `page` atomically, creating its folder.
pub(crate) fn write_page(page: &Path, text: &str) -> Result<(), CliError> {
    let fail = |e: std::io::Error| {
        CliError::Output(format!("cannot write the gallery {}: {e}", page.display()))
    };
    let folder = page
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).map_err(fail)?;
    let name = page.file_name().map_or_else(
        || "gallery.html".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let temporary = folder.join(format!(".{name}.{}.partial", std::process::id()));
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temporary, page)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(fail(e));
    }
    sync_dir(folder);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_replaced_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().expect("tempdir");
        let page = dir.path().join("site/gallery.html");
        write_page(&page, "one").expect("writes");
        write_page(&page, "two").expect("replaces");
        assert_eq!(std::fs::read_to_string(&page).expect("reads"), "two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("site"))
            .expect("lists")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["gallery.html"]);
    }
}
