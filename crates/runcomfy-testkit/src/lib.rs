//! What the workspace's tests and benchmarks share, so that no crate's public
//! API carries test or benchmark plumbing. Dev-only: only `[dev-dependencies]`
//! name this crate, and xtask's `emulate` feature (`cargo xtask emulate-all`).

pub mod bench;
pub mod ffprobe;
pub mod http;
pub mod http_server;
pub mod images;
pub mod loopback;
#[cfg(test)]
mod loopback_client;
pub mod recording_proxy;
