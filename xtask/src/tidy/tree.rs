//! The workspace tree the tidy rules read: the `.rs` files under `crates/`,
//! `xtask/`, `tests/` and `examples/` (any `target/` and `fuzz/` folder and
//! hidden folders left out), the crates among them (a folder with a
//! `Cargo.toml` and a `src/`), and ARCHITECTURE.md.

use std::io;
use std::path::Path;

/// The folders of the repository that hold our Rust code.
const ROOTS: [&str; 4] = ["crates", "xtask", "tests", "examples"];

/// Folders never read: build output, and the fuzz workspace (not built by
/// CI, its own rules).
const SKIPPED: [&str; 2] = ["target", "fuzz"];

/// What `cargo xtask codegen` puts first in every file it writes.
const GENERATED: &str = "// @generated";

/// One Rust source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the repository root, with `/` between components.
    pub path: String,
    /// The whole text.
    pub text: String,
}

impl SourceFile {
    /// Whether its first line says it is generated (exempt from every rule:
    /// it is never edited by hand).
    pub fn is_generated(&self) -> bool {
        self.text.starts_with(GENERATED)
    }
}

/// The tree, read once.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// Every `.rs` file, sorted by path.
    pub files: Vec<SourceFile>,
    /// Each crate's folder, relative to the root (`crates/runcomfy`, `xtask`).
    pub crates: Vec<String>,
    /// ARCHITECTURE.md's text, when there is one.
    pub architecture: Option<String>,
}

impl Workspace {
    /// Reads the tree under `root`.
    pub fn load(root: &Path) -> io::Result<Self> {
        let mut workspace = Self::default();
        for top in ROOTS {
            let dir = root.join(top);
            if dir.is_dir() {
                workspace.read_dir(&dir, top)?;
            }
        }
        workspace.files.sort_by(|a, b| a.path.cmp(&b.path));
        workspace.crates.sort();
        workspace.architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).ok();
        Ok(workspace)
    }

    fn read_dir(&mut self, dir: &Path, relative: &str) -> io::Result<()> {
        if dir.join("Cargo.toml").is_file() && dir.join("src").is_dir() {
            self.crates.push(relative.to_owned());
        }
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{relative}/{name}");
            if entry.file_type()?.is_dir() {
                if !name.starts_with('.') && !SKIPPED.contains(&name.as_str()) {
                    self.read_dir(&entry.path(), &path)?;
                }
            } else if name.ends_with(".rs") {
                let text = std::fs::read_to_string(entry.path())?;
                self.files.push(SourceFile { path, text });
            }
        }
        Ok(())
    }

    /// The hand-written files.
    pub fn hand_written(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter().filter(|file| !file.is_generated())
    }

    /// The hand-written files of the crate in `krate`'s `src/`, each with
    /// its path relative to `src/`.
    pub fn sources<'a>(&'a self, krate: &str) -> impl Iterator<Item = (&'a str, &'a SourceFile)> {
        let prefix = format!("{krate}/src/");
        self.hand_written()
            .filter_map(move |file| Some((file.path.strip_prefix(&prefix)?, file)))
    }

    /// The file at `path` (relative to the root), if it was read.
    pub fn file(&self, path: &str) -> Option<&SourceFile> {
        self.files
            .binary_search_by(|file| file.path.as_str().cmp(path))
            .ok()
            .map(|at| &self.files[at])
    }
}
