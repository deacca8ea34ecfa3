//! The emulator's copy of the assembled OpenAPI document, a Rust string, so
//! that its crate builds from its package alone.

use serde_json::Value;

use super::format::{header, pretty_json, raw_string};

/// The emulator's copy of the assembled OpenAPI document.
pub const EMULATOR_OPENAPI_FILE: &str = "crates/runcomfy-emulator/src/openapi.rs";

/// The emulator's module holding the assembled OpenAPI document.
pub fn openapi_module(document: &Value) -> String {
    let mut text = header(crate::openapi::OUTPUT);
    text.push_str(&format!(
        "//! The assembled OpenAPI document, carried in this crate so that it\n\
         //! builds from its package alone (the emulator checks every answer against it).\n\n\
         /// The assembled OpenAPI document (`schemas/openapi.json`).\n\
         pub const OPENAPI: &str = {};\n",
        raw_string(&pretty_json(document))
    ));
    text
}
