//! The Model API routes: submit, status, result, cancel, the catalog, and the
//! output files. Handlers return a [`Reply`]; the server turns it into HTTP,
//! checks it against the contract, and injects faults around it.
//!
//! Imports go one way: `routes` names the handlers (`catalog`, `submit`,
//! `requests`, `files`, `balance`, `admin`); handlers use the extractors
//! (`auth`, `params`), `validation`, `states` and `outcome`,
//! and `submit` asks `catalog` for the model; everything uses `reply` and
//! `state`, which import nothing of this module.

mod admin;
mod auth;
mod balance;
mod catalog;
mod files;
mod outcome;
mod params;
mod reply;
mod requests;
mod routes;
mod state;
mod states;
mod submit;
mod validation;

pub use balance::UNLIMITED_BALANCE_USD;
pub(crate) use reply::Reply;
pub(crate) use routes::{fault_target, router};
pub(crate) use state::Api;
