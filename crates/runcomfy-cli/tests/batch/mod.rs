//! `runcomfy batch` end to end, one module a behaviour: re-runs, results,
//! `kill -9`, unknown outcomes, refused submits, Ctrl-C, the journal lock,
//! costs, estimates, balance refusals, the request ids a journal holds.
//! A module of the `cli` test binary, so that the suite links once.

mod balance_refusals;
mod costs;
mod ctrl_c;
mod dialects;
mod estimates;
mod journal_lock;
mod journaled_ids;
mod kills;
mod refused_submits;
mod reruns;
mod results;
mod unknown_outcomes;
