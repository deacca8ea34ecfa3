//! The `runcomfy` binary end to end against an emulator, one module a
//! behaviour: every input style, progress, exit codes, the calls about one
//! request, Ctrl-C, the offline commands, timeouts of any size, the token
//! file, the balance, costs, estimates, the gallery (in a headless browser), and `batch` (its own folder of
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
mod learning;
mod offline;
mod progress;
mod refusals;
mod requests;
mod run;
mod run_ctrl_c;
mod token_file;
