//! Headless Chromium for the tests of pages: the DOM after the page's
//! scripts ran, and screenshots for people to look at.
//!
//! Chromium (Debian's `chromium`, which `.ci/run` installs) is needed by
//! these tests only, never by users. `CHROMIUM` names another binary.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// A headless browser with a profile of its own.
pub(crate) struct Browser {
    binary: PathBuf,
    profile: tempfile::TempDir,
}

impl Browser {
    /// Chromium, or a failure that says how to install it.
    pub(crate) fn find() -> Self {
        let binary = std::env::var_os("CHROMIUM")
            .map(PathBuf::from)
            .or_else(|| {
                ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
                    .into_iter()
                    .map(PathBuf::from)
                    .find(|path| path.is_file())
            })
            .expect("the gallery tests drive Chromium headless: install it (Debian: apt-get install chromium) or set CHROMIUM");
        Self {
            binary,
            profile: tempfile::tempdir().expect("profile dir"),
        }
    }

    /// Chromium on `page` (its URL followed by `fragment`) with `extra`
    /// arguments; its stdout.
    async fn open(&self, page: &Path, fragment: &str, extra: &[&str]) -> String {
        let url = format!(
            "file://{}{fragment}",
            page.canonicalize().expect("page").display()
        );
        let mut command = tokio::process::Command::new(&self.binary);
        command
            .args(["--headless=new", "--no-sandbox", "--disable-gpu"])
            .args(["--no-first-run", "--disable-extensions", "--mute-audio"])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .args(extra)
            .arg(&url)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        let output = tokio::time::timeout(Duration::from_secs(90), command.output())
            .await
            .expect("Chromium ends within 90 s")
            .expect("Chromium runs");
        assert!(
            output.status.success(),
            "Chromium failed on {url}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The DOM of `page` once it loaded and its scripts ran, a second of
    /// virtual time given to what they wait for (the cards in view).
    pub(crate) async fn dom(&self, page: &Path) -> String {
        self.dom_at(page, "").await
    }

    /// The DOM of `page` opened at `fragment` (`#…`), as [`Self::dom`].
    pub(crate) async fn dom_at(&self, page: &Path, fragment: &str) -> String {
        self.open(
            page,
            fragment,
            &["--dump-dom", "--virtual-time-budget=1000"],
        )
        .await
    }

    /// A 1280 × 900 screenshot of `page` saved as `png`.
    pub(crate) async fn screenshot(&self, page: &Path, png: &Path) {
        std::fs::create_dir_all(png.parent().expect("a folder")).expect("screenshot folder");
        let target = format!("--screenshot={}", png.display());
        // Time for lazy images in view to load before the picture is taken.
        self.open(
            page,
            "",
            &[
                &target,
                "--window-size=1280,900",
                "--virtual-time-budget=3000",
                "--hide-scrollbars",
            ],
        )
        .await;
        assert!(png.is_file(), "no screenshot at {}", png.display());
    }
}
