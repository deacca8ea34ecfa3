//! The `runcomfy` binary end to end against an emulator, one module a
//! behaviour: a model of each output kind read by ffprobe, every input
//! style, progress, exit codes, the calls about one request, Ctrl-C, the
//! offline commands, timeouts of any size, the token file, the balance,
//! costs, estimates, the service's catalog and the models only it knows,
//! the gallery (in a headless browser), and `batch` (its own folder of
//! modules). One test binary, so that the suite links once.

#[path = "../common/mod.rs"]
mod common;

mod balance;
#[path = "../batch/mod.rs"]
mod batch;
mod canceled;
mod cost;
mod dialects;
mod estimates;
mod exit_codes;
mod gallery;
mod huge_timeout;
mod imported_models;
mod kinds;
mod learning;
mod offline;
mod progress;
mod refusals;
mod remote_catalog;
mod requests;
mod run;
mod run_ctrl_c;
mod token_file;
mod unknown_models;
