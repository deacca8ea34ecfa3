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

/// A USD amount as `--json` carries it: rounded to a millionth.
pub(crate) fn rounded(amount: f64) -> f64 {
    (amount * 1e6).round() / 1e6
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

    #[test]
    fn json_amounts_are_rounded_to_a_millionth() {
        assert_eq!(rounded(0.07 * 3.0), 0.21);
        assert_eq!(rounded(0.1 + 0.2), 0.3);
        assert_eq!(rounded(1.234_567_89), 1.234_568);
    }

    #[test]
    fn a_balance_shows_its_currency() {
        let balance = |value: serde_json::Value| -> Balance {
            serde_json::from_value(value).expect("a balance")
        };
        let usd = balance(serde_json::json!({"balance_usd": 12.5, "currency": "USD"}));
        assert_eq!(super::balance(&usd), "$12.50 USD");
        let other = balance(serde_json::json!({"balance_usd": 3, "currency": "EUR"}));
        assert_eq!(super::balance(&other), "3.00 EUR");
    }
}
