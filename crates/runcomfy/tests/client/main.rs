//! The client against the emulator, one module a behaviour: checks before
//! sending, jobs from submit to result, retries under faults, the submit
//! rule, waits, credentials, and downloads (resumed, limited, named, refused,
//! of the emulator's outputs). One test binary, so that the suite links once.

#[path = "../common/mod.rs"]
mod common;

mod checks;
mod download_emulator;
mod download_limits;
mod download_names;
mod download_resume;
mod download_safety;
mod download_support;
mod fidelity;
mod jobs;
mod retries;
mod security;
mod submits;
mod waits;
