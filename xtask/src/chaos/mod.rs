//! `cargo xtask chaos`: a batch against the emulator with every fault kind
//! injected, the CLI killed with SIGKILL at random moments and restarted on
//! the same journal, then every input's fate checked on the emulator's side.
//!
//! The emulator and the CLI run as separate processes (built by
//! `cargo build`), so this crate still depends on `runcomfy-validate` only.
//! The emulator outlives the CLI's kills and is asked at the end, through its
//! read-only `GET /_emulator/jobs`, which jobs exist, for which input (by
//! prompt), in which state, and the size and SHA-256 of each video it serves.
//!
//! The parts that decide (options, the kill plan, the evidence, the
//! classification and the report) are pure and unit-tested; `driver` runs
//! the processes through `processes` and reads what they left through
//! `gather`, `journal` and `http`.

mod classify;
mod driver;
mod evidence;
mod gather;
mod http;
mod inputs;
mod journal;
mod options;
mod plan;
mod processes;
mod report;

pub use classify::classify;
pub use driver::run;
pub use evidence::{CliRecord, Digest, EmulatorJob, Evidence, parse_listing, parse_results};
pub use http::parse_http;
pub use inputs::{MODEL_ID, input_line, prompt};
pub use journal::{JournalFacts, KILLED_REASON};
pub use options::{FAULT_FLAGS, Options};
pub use plan::{Kill, kill_plan};
pub use report::Report;
