//! `--estimate` of `run` and `batch`: what the catalog's price says the
//! jobs will cost, and how far the balance goes, before anything is paid.
//! `quote` asks the service (the catalog record and the balance; nothing
//! is submitted), `totals` adds up (pure), `report` shows it.

mod quote;
mod report;
mod totals;

pub(crate) use quote::estimate;
