//! Local files: dimensions from the first bytes (read incrementally, never
//! past the header cap), the size from metadata, and errors that name the
//! path.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::images::{jpeg, png};
use crate::needs::{BOTH, DIMS, SIZE, all_known};
use runcomfy_validate::media::{MediaError, MediaFacts, MediaProbe, MediaSource, Needs};

/// A unique path in the system temp dir, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "runcomfy-media-test-{}-{unique}-{name}",
            std::process::id()
        ));
        std::fs::write(&path, contents).expect("write temp file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn file_png_dimensions_and_size() {
    let bytes = png(1024, 768, 50_000);
    let file = TempFile::new("a.png", &bytes);
    let source = MediaSource::parse(file.0.to_str().expect("utf-8 temp path")).expect("parse");
    assert_eq!(source, MediaSource::File(file.0.clone()));

    let facts = MediaProbe::new()
        .probe(&source, BOTH, Some(10 * 1024 * 1024))
        .await
        .expect("probe file");
    assert_eq!(facts, all_known(1024, 768, 50_000));

    // Only what is needed is reported.
    let probe = MediaProbe::default();
    let only_size = probe.probe(&source, SIZE, None).await.expect("size only");
    assert_eq!(only_size.size_bytes, Some(50_000));
    assert_eq!((only_size.width, only_size.height), (None, None));
    let only_dims = probe.probe(&source, DIMS, None).await.expect("dims only");
    assert_eq!(only_dims.size_bytes, None);
    assert_eq!((only_dims.width, only_dims.height), (Some(1024), Some(768)));
    let nothing = probe
        .probe(&source, Needs::default(), None)
        .await
        .expect("nothing");
    assert_eq!(nothing, MediaFacts::default());
}

#[tokio::test]
async fn file_jpeg_is_read_incrementally_and_respects_the_cap() {
    // The SOF0 marker is ~48 KiB in: beyond the first read of 16 KiB.
    let bytes = jpeg(640, 480, 3);
    assert!(bytes.len() > 48 * 1024);
    let file = TempFile::new("b.jpg", &bytes);
    let source = MediaSource::File(file.0.clone());

    let facts = MediaProbe::new()
        .probe(&source, BOTH, None)
        .await
        .expect("probe jpeg file");
    assert_eq!(facts, all_known(640, 480, bytes.len()));

    // With a cap before the SOF0 marker, the dimensions are not found and the
    // error says it is a JPEG whose dimensions were not in the first bytes.
    let err = MediaProbe::new()
        .with_header_cap(20_000)
        .probe(&source, DIMS, None)
        .await
        .expect_err("cap too small");
    assert!(
        matches!(err, MediaError::DimensionsNotFound { examined, .. } if examined == 20_000),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("JPEG"), "{msg}");
    assert!(msg.contains(&file.0.display().to_string()), "{msg}");
}

#[tokio::test]
async fn missing_file_error_names_the_path() {
    let path = std::env::temp_dir().join(format!(
        "runcomfy-media-test-{}-does-not-exist.png",
        std::process::id()
    ));
    let source = MediaSource::File(path.clone());
    let err = MediaProbe::new()
        .probe(&source, BOTH, None)
        .await
        .expect_err("missing file");
    assert!(matches!(err, MediaError::Io { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("No such file or directory"), "{msg}");
    assert!(!msg.contains("os error"), "{msg}");
}

#[tokio::test]
async fn text_file_is_not_an_image() {
    let file = TempFile::new("notes.txt", b"just some notes, not an image at all\n");
    let err = MediaProbe::new()
        .probe(&MediaSource::File(file.0.clone()), DIMS, None)
        .await
        .expect_err("text file");
    assert!(matches!(err, MediaError::NotAnImage { .. }), "{err:?}");
    assert!(err.to_string().contains("is not an image"), "{err}");
}
