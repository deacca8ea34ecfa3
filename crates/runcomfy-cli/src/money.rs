//! Amounts of money as people read them (`$0.49`) and as `--json` carries
//! them (to a millionth of a dollar, so that sums of prices such as 0.07
//! per second do not print their binary rounding).

use runcomfy::Balance;

/// A USD amount for people: cents, or up to four decimals when the amount
/// has more (a price per second).
pub(crate) fn usd(amount: f64) -> String {
    let cents = amount * 100.0;
    if (cents - cents.round()).abs() < 1e-6 {
        return format!("${amount:.2}");
    }
    let text = format!("{amount:.4}");
    format!("${}", text.trim_end_matches('0'))
}

/// An account's balance for people: `$12.50 USD`.
pub(crate) fn balance(balance: &Balance) -> String {
    if balance.currency.eq_ignore_ascii_case("USD") {
        format!("{} USD", usd(balance.balance_usd))
    } else {
        format!("{:.2} {}", balance.balance_usd, balance.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_show_cents_or_the_decimals_a_price_needs() {
        assert_eq!(usd(0.49), "$0.49");
        assert_eq!(usd(0.07 * 5.0), "$0.35", "binary rounding is not shown");
        assert_eq!(usd(12.0), "$12.00");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(0.0035), "$0.0035");
        assert_eq!(usd(0.123_456), "$0.1235");
    }
}
