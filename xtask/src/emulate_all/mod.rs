//! `cargo xtask emulate-all`: every model of the catalog end to end on the
//! emulator, through the client, each output read by ffprobe.
//!
//! `input.rs` builds a model's minimal valid input from its schema,
//! `validity.rs` runs the validator on it, `expect.rs` says what the output
//! must be and judges what ffprobe found, `job.rs` runs one model,
//! `report.rs` words the outcomes and `run.rs` runs them all.

mod expect;
mod input;
mod job;
mod report;
mod run;
mod validity;

pub use expect::{Expected, Size};
pub use input::{MEASURED_FIELDS, media_reference, minimal_input};
pub use report::{ModelOutcome, Report};
pub use run::{DEFAULT_CONCURRENCY, run};
pub use validity::check_input;
