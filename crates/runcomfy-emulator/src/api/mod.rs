//! The Model API routes: submit, status, result, cancel, the catalog, and the
//! output files. Handlers return a [`Reply`]; the server turns it into HTTP,
//! checks it against the contract, and injects faults around it.
//!
//! Imports go one way: `routes` names the handlers (`catalog`, `submit`,
//! `requests`, `files`, `admin`); handlers use the extractors (`auth`,
//! `path_param`), `validation` and `states`, and `submit` asks `catalog`
//! for the model; everything uses `reply` and `state`, which import nothing
//! of this module.

mod admin;
mod auth;
mod catalog;
mod files;
mod path_param;
mod reply;
mod requests;
mod routes;
mod state;
mod states;
mod submit;
mod validation;

pub(crate) use reply::Reply;
pub(crate) use routes::{fault_target, router};
pub(crate) use state::Api;
