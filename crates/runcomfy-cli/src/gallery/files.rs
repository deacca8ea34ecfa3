//! A journaled output file as the page shows it: its kind, and its address
//! relative to the page, or missing.
//!
//! A batch journals each file as it named it: absolute, or relative to the
//! folder the batch ran in, which is not journaled; the journal's folder
//! (where a batch's inputs and journal usually sit) is tried first, then
//! the current folder.

use std::path::{Component, Path, PathBuf};

use crate::gallery::card::{Media, MediaKind};
use crate::gallery::escape::url_segment;

/// The file `recorded` of the journal in `journal_dir`, for a page in
/// `page_dir` (both canonical).
pub(crate) fn media(recorded: &str, journal_dir: &Path, page_dir: &Path) -> Media {
    let path = Path::new(recorded);
    let name = path
        .file_name()
        .map_or_else(|| recorded.to_owned(), |n| n.to_string_lossy().into_owned());
    let found = if path.is_absolute() {
        vec![path.to_owned()]
    } else {
        vec![journal_dir.join(path), path.to_owned()]
    }
    .into_iter()
    .find(|candidate| candidate.is_file())
    .and_then(|file| file.canonicalize().ok());
    Media {
        kind: kind_of(&name),
        href: found.map(|file| relative_url(page_dir, &file)),
        name,
    }
}

/// What a file's extension says it is.
pub(crate) fn kind_of(name: &str) -> MediaKind {
    let extension = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "mp4" | "m4v" | "webm" | "mov" | "mkv" => MediaKind::Video,
        "png" | "jpg" | "jpeg" | "webp" | "gif" | "avif" | "bmp" => MediaKind::Image,
        "wav" | "mp3" | "ogg" | "oga" | "flac" | "m4a" | "aac" | "opus" => MediaKind::Audio,
        _ => MediaKind::Other,
    }
}

/// `file`'s address from a page in `page_dir`: `..` up to their common
/// folder, then down, each segment percent-encoded; a `file:` URL when they
/// share no root (another drive).
pub(crate) fn relative_url(page_dir: &Path, file: &Path) -> String {
    let from: Vec<Component<'_>> = page_dir.components().collect();
    let to: Vec<Component<'_>> = file.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let segments = |components: &[Component<'_>]| -> Vec<String> {
        components
            .iter()
            .map(|c| url_segment(&c.as_os_str().to_string_lossy()))
            .collect()
    };
    if common == 0 {
        let absolute: PathBuf = to.iter().collect();
        return format!("file://{}", absolute.display());
    }
    let mut parts = vec!["..".to_owned(); from.len() - common];
    parts.extend(segments(&to[common..]));
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_addressed_from_the_page() {
        let page = Path::new("/work/batch");
        assert_eq!(
            relative_url(page, Path::new("/work/batch/out/1/clip.mp4")),
            "out/1/clip.mp4"
        );
        assert_eq!(
            relative_url(page, Path::new("/work/other/a b#1.png")),
            "../other/a%20b%231.png"
        );
    }

    #[test]
    fn kinds_come_from_extensions() {
        assert_eq!(kind_of("a.MP4"), MediaKind::Video);
        assert_eq!(kind_of("a.webp"), MediaKind::Image);
        assert_eq!(kind_of("a.wav"), MediaKind::Audio);
        assert_eq!(kind_of("a.json"), MediaKind::Other);
        assert_eq!(kind_of("noextension"), MediaKind::Other);
    }

    #[test]
    fn a_missing_file_has_no_address_and_a_found_one_is_relative() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        std::fs::create_dir_all(root.join("out/2")).expect("dirs");
        std::fs::write(root.join("out/2/x.png"), b"png").expect("file");
        let found = media("out/2/x.png", &root, &root);
        assert_eq!(found.href.as_deref(), Some("out/2/x.png"));
        assert_eq!(found.kind, MediaKind::Image);
        let gone = media("out/3/y.wav", &root, &root);
        assert_eq!((gone.href, gone.name.as_str()), (None, "y.wav"));
    }
}
