//! The client against the emulator, one module a behaviour: checks before
//! sending, jobs from submit to result, retries under faults, the submit
//! rule, waits, credentials. One test binary, so that the suite links once.

#[path = "../common/mod.rs"]
mod common;

mod checks;
mod jobs;
mod retries;
mod security;
mod submits;
mod waits;
