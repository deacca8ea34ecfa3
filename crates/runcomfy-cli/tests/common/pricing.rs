//! What jobs cost on the test emulator: Kling's price and the account's
//! balance, as a test sets them.

use runcomfy_emulator::{Emulator, Price, PriceUnit};

use crate::common::command::{KLING, finishing_at_submit};

/// An emulator for tests where Kling costs `usd` per `unit` and the
/// account holds `balance` (none: unlimited); its jobs finish at submit.
pub(crate) async fn priced(usd: f64, unit: PriceUnit, balance: Option<f64>) -> Emulator {
    finishing_at_submit(|config| {
        config.prices.insert(KLING.to_owned(), Price { usd, unit });
        config.balance_usd = balance;
    })
    .await
}

/// An emulator for tests where Kling costs $0.49 an output and the balance
/// is unlimited.
pub(crate) async fn at_49_cents() -> Emulator {
    priced(0.49, PriceUnit::Output, None).await
}

/// A serverless base on `emulator` where it serves no balance: reading one
/// there gets its 404.
pub(crate) fn unreadable_balance(emulator: &Emulator) -> String {
    emulator
        .serverless_base_url()
        .replace("/prod/v2", "/elsewhere")
}
