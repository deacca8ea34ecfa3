//! The emulator over HTTP (the documented contract, the queue, errors, bad
//! requests and faults, the other words and shapes of its dialect, prices,
//! costs and the balance) and its MP4 writer, a behaviour a module. Every emulator here checks
//! each answer against the OpenAPI document and fails the test on drop if
//! one did not match.
//!
//! One test binary rather than one per file: the modules share `common`
//! without each compiling helpers it does not use, and the emulator is
//! linked once.

mod common;
mod ffmpeg;

mod admin_listing;
mod background;
mod balance;
mod catalog;
mod catalog_query;
mod costs;
mod dialect;
mod errors;
mod faults;
mod lifecycle;
mod outputs;
mod queue;
mod refusals;
mod start_image;
mod validation;
mod video;
