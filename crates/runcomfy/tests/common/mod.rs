//! What the client's integration tests share: a Kling input, a client
//! against an emulator with fast retries and polls, an emulator for tests.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use runcomfy::models::kling::kling_1_6::pro::image_to_video::Input;
use runcomfy::poll::{FixedInterval, RequestBudget};
use runcomfy::{Client, RetryPolicy};
use runcomfy_emulator::{Emulator, EmulatorConfig};

/// The token every test client sends (and that must never show anywhere).
pub(crate) const TOKEN: &str = "tok-SECRET-4f2a9c";

pub(crate) use runcomfy_emulator::fixtures::png_data_uri as png;

/// A valid Kling input (its image a header that says 1280 × 720).
pub(crate) fn input() -> Input {
    Input::builder()
        .image_url(png(1280, 720))
        .prompt(Some("a slow dolly shot".try_into().expect("prompt")))
        .try_into()
        .expect("input")
}

/// Retries of milliseconds, so that a test of faults stays fast.
pub(crate) fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

/// A client of `emulator` with fast retries, 10 ms polls and no budget.
pub(crate) fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(emulator.base_url())
        .retry_policy(fast_retries())
        .poll_policy(FixedInterval(Duration::from_millis(10)))
        .request_budget(Arc::new(RequestBudget::unlimited()))
        .build()
        .expect("client")
}

/// An emulator for tests (every answer checked against the contract).
pub(crate) async fn emulator() -> Emulator {
    emulator_with(|_| {}).await
}

/// An emulator for tests, its configuration `adjust`ed.
pub(crate) async fn emulator_with(adjust: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut config = EmulatorConfig::for_tests();
    adjust(&mut config);
    Emulator::start(config).await.expect("emulator")
}
