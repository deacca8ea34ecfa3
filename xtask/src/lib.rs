//! Project automation. `cargo xtask codegen` turns `schemas/` into the
//! checked-in generated code; `cargo xtask codegen --check` fails with a diff
//! when any of it is stale. `cargo xtask catalog import FILE` brings the
//! provider's catalog into `schemas/models/` (see [`catalog`]). `cargo xtask bench` runs every performance
//! scenario side by side with its baseline and prints one table.
//! `cargo xtask chaos` runs a batch against the emulator with every fault
//! injected and the CLI killed (see [`chaos`]). `cargo xtask tidy` checks
//! the tree's house rules (see [`tidy`]). `cargo xtask package` checks that
//! every crate packages and builds from its package alone (see [`package`]).
//! `cargo xtask emulate-all` runs every model on the emulator (the
//! `emulate` feature, on by default).
//!
//! The generator depends only on `runcomfy-validate` (to compile each schema
//! with the real validator), never on a crate that contains generated code:
//! built with `--no-default-features` (without `emulate-all`, which needs
//! the client, the emulator and the catalog), xtask still builds when the
//! generated code is stale or broken.

#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod bench;
pub mod catalog;
pub mod chaos;
pub mod codegen;
#[cfg(feature = "emulate")]
pub mod emulate_all;
pub mod error;
pub mod features;
pub mod files;
pub mod generated;
pub mod lint;
pub mod models;
pub mod naming;
pub mod openapi;
pub mod package;
pub mod plot;
pub mod rust;
pub mod tidy;
pub mod typify_schema;

pub use codegen::{GeneratedFile, Stale, check, generate, regenerate, write};
pub use error::CodegenError;

/// The repository root (the parent of the `xtask` folder).
pub fn repository_root() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}
