//! How long jobs run: the distributions to choose from ([`Durations`], the
//! `--durations` flag) and the seeded draws that the queue and benchmarks
//! share ([`RunTimes`], [`run_times`]).
//!
//! Imports go one way: `draw` reads `distribution` and `by_kind`; `syntax`
//! reads `distribution`; `distribution` and `by_kind` import nothing here.

mod by_kind;
mod distribution;
mod draw;
#[cfg(test)]
mod shape_tests;
mod syntax;

pub(crate) use by_kind::{DEFAULT_AUDIO_SECS, DEFAULT_VIDEO_SECS};
pub use distribution::{DEFAULT_MODE_SIGMA, DEFAULT_SIGMA, Durations};
pub use draw::{RunTimes, Workload, run_times, sample_run_times};
pub use syntax::DurationsError;
