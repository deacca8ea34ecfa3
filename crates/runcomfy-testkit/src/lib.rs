//! What the workspace's tests and benchmarks share, so that no crate's public
//! API carries test or benchmark plumbing. Dev-only: only `[dev-dependencies]`
//! name this crate.

pub mod bench;
pub mod http_server;
#[cfg(test)]
mod loopback_client;
pub mod recording_proxy;
