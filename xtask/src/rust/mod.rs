//! Rust code from schemas: typify for the typed model modules, the catalog
//! data every build carries, progenitor for the queue client, the
//! emulator's copy of the OpenAPI document and the test of every typed
//! module; each file's text laid out by rustfmt.

mod api;
mod catalog;
mod format;
mod openapi_copy;
mod round_trip;
mod tree;
mod typed;

pub use api::{API_FILE, api_client};
pub use catalog::{CATALOG_DIR, catalog_files};
pub use format::{pretty_json, rustfmt_all};
pub use openapi_copy::{EMULATOR_OPENAPI_FILE, openapi_module};
pub use round_trip::{ROUND_TRIP_FILE, round_trip_tests};
pub use typed::{MODELS_DIR, typed_files};
