//! What the client's emulator benchmarks share: the emulator with zero job
//! time on its own thread, the runtime they drive the client on, and a client
//! that neither pauses between polls nor budgets its requests, so that only
//! the client's own work is timed.

use std::sync::Arc;
use std::time::Duration;

use runcomfy::Client;
use runcomfy::poll::{FixedInterval, RequestBudget};
use runcomfy_emulator::{BackgroundEmulator, Emulator, EmulatorConfig};

/// The emulator with zero job time, its configuration `adjust`ed, on its own
/// runtime and thread.
pub(crate) fn emulator(adjust: impl FnOnce(&mut EmulatorConfig)) -> BackgroundEmulator {
    let mut config = EmulatorConfig {
        time_scale: 0.0,
        ..EmulatorConfig::default()
    };
    adjust(&mut config);
    Emulator::start_in_background(config).unwrap()
}

/// A current-thread runtime for the client's side.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A client of the emulator at `base`: polls without pause, no request budget.
pub(crate) fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .token("t")
        .poll_policy(FixedInterval(Duration::ZERO))
        .request_budget(Arc::new(RequestBudget::unlimited()))
        .build()
        .unwrap()
}
