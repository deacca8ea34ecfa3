//! The repository as a whole, one module a behaviour: generated code that
//! matches its schemas, the catalog's import into `schemas/models/`, and
//! the house rules on the real tree. One test binary, so that the suite
//! links once.

#[path = "catalog_check.rs"]
mod catalog_check;
#[path = "catalog_guards.rs"]
mod catalog_guards;
#[path = "catalog_live.rs"]
mod catalog_live;
#[path = "catalog_snapshot.rs"]
mod catalog_snapshot;
#[path = "codegen.rs"]
mod codegen;
mod common;
#[cfg(feature = "emulate")]
#[path = "emulate_inputs.rs"]
mod emulate_inputs;
#[path = "tidy.rs"]
mod tidy;
