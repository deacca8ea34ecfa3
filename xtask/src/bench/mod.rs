//! `cargo xtask bench [--quick] [--publish]`: every performance scenario,
//! each side by side with its baseline in the same run, as one table.
//!
//! Each scenario is a benchmark of the workspace run with `cargo bench`; the
//! benchmarks write their rows as JSON to the file named by
//! `RUNCOMFY_BENCH_JSON` (and run small with `RUNCOMFY_BENCH_QUICK`). The
//! validation scenario is criterion's: its estimate is read from
//! `target/criterion`, and Python's `jsonschema` package, installed into a
//! throwaway virtual environment under `target/bench/`, times the same
//! schema and inputs; the same Python then judges thousands of generated
//! inputs beside our validator (the differential,
//! `crates/runcomfy-validate/examples/differential.rs`). Everything lands in `target/bench/`: `report.json`,
//! `report.md`, `polling.svg` and one log per benchmark. `--publish` copies
//! the table and the picture into the README.

mod cargo;
mod differential;
mod publish;
mod python;
mod row;
mod scale;
mod steps;
mod suite;
mod table;
mod validation;

pub use python::python_with_jsonschema;
pub use row::Row;
pub use suite::{Options, run};
pub use table::{figure, markdown};
