//! An estimate as `--json` prints it (`schemas/cli/estimate-output.json`)
//! and as people read it: the price, the total, what the balance covers,
//! and plainly what is unknown.

use runcomfy::{Balance, Price, PriceUnit};
use serde_json::{Value, json};

use crate::estimate::totals::{Totals, covered};
use crate::money;

/// What the catalog says of a model's price.
pub(crate) struct Pricing {
    pub(crate) price: Option<Price>,
    /// The provider's words on it.
    pub(crate) note: Option<String>,
    /// Why there is no price, when there is none.
    pub(crate) unknown: Option<String>,
}

/// An estimate of jobs of one model.
pub(crate) struct Estimate<'a> {
    pub(crate) model_id: &'a str,
    pub(crate) pricing: Pricing,
    /// Each job's estimate, in the order they would be submitted.
    pub(crate) per_job: Vec<Option<f64>>,
    /// Lines of a batch that an earlier run submitted (or whose submit's
    /// outcome is unknown): not submitted again, so not counted.
    pub(crate) not_submitted_again: usize,
    /// The balance, or why it could not be read.
    pub(crate) balance: Result<Balance, String>,
}

impl Estimate<'_> {
    fn totals(&self) -> Totals {
        Totals::of(&self.per_job)
    }

    /// How many jobs the balance pays for, when both it and a total are known.
    fn covers(&self) -> Option<usize> {
        let balance = self.balance.as_ref().ok()?;
        let totals = self.totals();
        (totals.priced > 0).then(|| covered(&self.per_job, balance.balance_usd))
    }

    /// The `--json` document.
    pub(crate) fn to_json(&self) -> Value {
        let totals = self.totals();
        let price = self
            .pricing
            .price
            .map(|price| json!({"usd": price.usd, "unit": unit_name(price.unit)}));
        let balance = self.balance.as_ref().ok().map(
            |balance| json!({"balance_usd": balance.balance_usd, "currency": balance.currency}),
        );
        json!({"estimate": {
            "model_id": self.model_id,
            "price": price,
            "pricing_note": self.pricing.note,
            "price_unknown": self.pricing.unknown,
            "jobs": totals.jobs,
            "priced_jobs": totals.priced,
            "total_usd": totals.known_usd().map(money::rounded),
            "not_submitted_again": self.not_submitted_again,
            "balance": balance,
            "balance_error": self.balance.as_ref().err(),
            "covers": self.covers(),
        }})
    }

    /// The estimate for people, a line a fact.
    pub(crate) fn human(&self) -> String {
        let mut lines = vec![self.total_line()];
        if let Some(note) = &self.pricing.note {
            lines.push(format!("pricing: {note}"));
        }
        if self.not_submitted_again > 0 {
            lines.push(format!(
                "{}: an earlier run submitted {} (or the outcome of {} submit is unknown), and {} not submitted again",
                count(self.not_submitted_again, "line is not counted", "lines are not counted"),
                pick(self.not_submitted_again, "it", "them"),
                pick(self.not_submitted_again, "its", "their"),
                pick(self.not_submitted_again, "it is", "they are"),
            ));
        }
        lines.push(self.balance_line());
        lines.join("\n")
    }

    fn total_line(&self) -> String {
        let totals = self.totals();
        let jobs = count(totals.jobs, "job", "jobs");
        let Some(price) = self.pricing.price else {
            let why = self
                .pricing
                .unknown
                .as_deref()
                .unwrap_or("the catalog gives no price");
            return format!("estimate for {jobs} of {}: unknown: {why}", self.model_id);
        };
        let rate = format!("{} {}", money::usd(price.usd), unit_words(price.unit));
        let mut line = match totals.known_usd() {
            Some(usd) if totals.priced == totals.jobs => {
                format!(
                    "estimate for {jobs} of {}: {} ({rate})",
                    self.model_id,
                    money::usd(usd)
                )
            }
            Some(usd) => format!(
                "estimate for {} of the {jobs} of {}: {} ({rate})",
                totals.priced,
                self.model_id,
                money::usd(usd)
            ),
            None => format!("estimate for {jobs} of {}: unknown ({rate})", self.model_id),
        };
        let unpriced = totals.jobs - totals.priced;
        if unpriced > 0 {
            line.push_str(&format!(
                "; {} no estimate: {} requested duration is not known",
                count(unpriced, "job has", "jobs have"),
                pick(unpriced, "its", "their")
            ));
        }
        line
    }

    fn balance_line(&self) -> String {
        let balance = match &self.balance {
            Ok(balance) => balance,
            Err(why) => return format!("balance: could not be read ({why}); the estimate stands"),
        };
        let shown = money::balance(balance);
        let totals = self.totals();
        match self.covers() {
            None => format!("balance: {shown} (how far it goes is unknown without an estimate)"),
            Some(covers) if covers == totals.priced => {
                format!("balance: {shown}: enough for {}", all(totals.priced))
            }
            Some(covers) => format!(
                "balance: {shown}: enough for {covers} of the {} (short by {})",
                count(totals.priced, "job", "jobs"),
                money::usd(totals.usd - balance.balance_usd)
            ),
        }
    }
}

/// `1 job`, `3 jobs`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", pick(n, one, many))
}

fn pick<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `it`, `both jobs`, `all 3 jobs`.
fn all(jobs: usize) -> String {
    match jobs {
        1 => "it".to_owned(),
        2 => "both jobs".to_owned(),
        n => format!("all {n} jobs"),
    }
}

fn unit_name(unit: PriceUnit) -> &'static str {
    match unit {
        PriceUnit::Output => "output",
        PriceUnit::Second => "second",
        _ => "other",
    }
}

fn unit_words(unit: PriceUnit) -> &'static str {
    match unit {
        PriceUnit::Output => "per output",
        PriceUnit::Second => "per second of requested duration",
        _ => "per unit",
    }
}

#[cfg(test)]
mod tests {
    use runcomfy::ModelRecord;

    use super::*;

    const MODEL: &str = "acme/video";

    fn price(usd: f64, unit: &str) -> Pricing {
        let record: ModelRecord = serde_json::from_value(
            json!({"model_id": MODEL, "base_price_usd": usd, "price_unit": unit}),
        )
        .expect("a record");
        Pricing {
            price: record.price(),
            note: None,
            unknown: None,
        }
    }

    fn balance(usd: f64) -> Result<Balance, String> {
        Ok(
            serde_json::from_value(json!({"balance_usd": usd, "currency": "USD"}))
                .expect("a balance"),
        )
    }

    fn estimate(
        pricing: Pricing,
        per_job: Vec<Option<f64>>,
        balance: Result<Balance, String>,
    ) -> Estimate<'static> {
        Estimate {
            model_id: MODEL,
            pricing,
            per_job,
            not_submitted_again: 0,
            balance,
        }
    }

    #[test]
    fn jobs_without_an_estimate_are_said_and_left_out_of_the_total() {
        let estimate = estimate(
            price(0.1, "second"),
            vec![Some(0.5), None, Some(1.0)],
            balance(1.0),
        );
        assert_eq!(
            estimate.human(),
            "estimate for 2 of the 3 jobs of acme/video: $1.50 ($0.10 per second of requested duration); 1 job has no estimate: its requested duration is not known\nbalance: $1.00 USD: enough for 1 of the 2 jobs (short by $0.50)"
        );
        let document = &estimate.to_json()["estimate"];
        assert_eq!(
            (&document["priced_jobs"], &document["covers"]),
            (&json!(2), &json!(1))
        );
    }

    #[test]
    fn a_price_per_output_and_a_balance_that_covers_everything() {
        let one = estimate(price(0.49, "output"), vec![Some(0.49)], balance(5.0));
        assert_eq!(
            one.human(),
            "estimate for 1 job of acme/video: $0.49 ($0.49 per output)\nbalance: $5.00 USD: enough for it"
        );
        let three = estimate(price(0.49, "output"), vec![Some(0.49); 3], balance(5.0));
        assert!(
            three.human().ends_with("enough for all 3 jobs"),
            "{}",
            three.human()
        );
    }

    #[test]
    fn what_is_unknown_is_said_plainly() {
        let unknown = Pricing {
            price: None,
            note: Some("billed per clip".into()),
            unknown: Some("the catalog gives no price for this model".into()),
        };
        let estimate = Estimate {
            not_submitted_again: 1,
            ..estimate(unknown, vec![None, None], Err("service unavailable".into()))
        };
        assert_eq!(
            estimate.human(),
            "estimate for 2 jobs of acme/video: unknown: the catalog gives no price for this model\npricing: billed per clip\n1 line is not counted: an earlier run submitted it (or the outcome of its submit is unknown), and it is not submitted again\nbalance: could not be read (service unavailable); the estimate stands"
        );
        let document = &estimate.to_json()["estimate"];
        assert!(document["total_usd"].is_null() && document["covers"].is_null());
        assert_eq!(document["balance_error"], "service unavailable");
        let no_duration = self::estimate(price(0.1, "second"), vec![None], balance(1.0));
        assert_eq!(
            no_duration.human(),
            "estimate for 1 job of acme/video: unknown ($0.10 per second of requested duration); 1 job has no estimate: its requested duration is not known\nbalance: $1.00 USD (how far it goes is unknown without an estimate)"
        );
    }
}
