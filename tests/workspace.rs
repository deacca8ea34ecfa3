//! The workspace's own tests, one module a behaviour: the generated client on
//! loopback, the drift snapshots of everything generated from `schemas/`, and
//! the examples of each model. One test binary, so that the suite links once.

#[path = "api_client.rs"]
mod api_client;
#[path = "drift.rs"]
mod drift;
#[path = "examples.rs"]
mod examples;
