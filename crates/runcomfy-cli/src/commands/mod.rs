//! One module per command of `runcomfy` but `batch` (its own folder, `batch/`).

pub(crate) mod balance;
pub(crate) mod completions;
pub(crate) mod emulator;
pub(crate) mod models;
pub(crate) mod requests;
pub(crate) mod run;
pub(crate) mod validate;
