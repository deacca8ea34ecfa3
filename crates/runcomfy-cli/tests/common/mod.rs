//! What the CLI's end-to-end tests share.
//!
//! Every test file is a crate of its own and uses a part of this, so the
//! rest is dead code there.

#![allow(
    dead_code,
    reason = "each test file uses a part of what the tests share"
)]

pub(crate) mod batch;
pub(crate) mod browser;
pub(crate) mod catalog_stub;
pub(crate) mod child;
pub(crate) mod command;
pub(crate) mod dialects;
pub(crate) mod events;
pub(crate) mod pricing;
pub(crate) mod schema;
