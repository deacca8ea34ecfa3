//! `cargo xtask catalog import FILE [--check]`: the provider's catalog, saved
//! from the live API or taken from its snapshot, brought into
//! `schemas/models/<model id>/` as an input schema, an output schema by
//! output kind and a facts file (see `schemas/README.md`).
//!
//! Reading (`records`), telling the output kind (`kind`), making each file
//! (`input_schema`, `output_schema`, `facts`) and planning every folder
//! (`plan`) are pure of writes; `changes` and `schema_diff` say what an
//! import changes, `apply` writes it, `report` words it, `import` runs it.

pub mod apply;
pub mod changes;
pub mod facts;
pub mod folders;
pub mod import;
pub mod input_schema;
pub mod kind;
pub mod output_schema;
pub mod plan;
pub mod records;
pub mod report;
pub mod schema_diff;
pub mod warning;

pub use changes::{Change, ModelChange};
pub use import::{Outcome, import};
pub use warning::Warning;
