//! Inputs generated from a model's input schema, for the property tests
//! (`tests/properties.rs`) and the differential against Python's
//! `jsonschema` (`examples/differential.rs`): what is read of a schema
//! (`schema`), text (`text`), media references (`references`), values of
//! one property (`values`), whole cases and their mutations (`cases`), and
//! the schema Python is given (`standard`).

mod cases;
mod references;
mod schema;
mod standard;
mod text;
mod values;

pub(crate) use cases::{Case, Intent, any_json, cases};
pub(crate) use references::{data_of, others};
pub(crate) use schema::{Items, Kind, Property, properties};
pub(crate) use standard::standard_keywords_only;
