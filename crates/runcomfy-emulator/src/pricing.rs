//! What jobs cost: a model's [`Price`] (per output, or per second of
//! requested duration), read from a `--price MODEL_ID=USD/UNIT` value, and
//! a job's [`Cost`], counted in millionths of a dollar so that charges and
//! refunds add up exactly.

use std::fmt;

/// What one output or one second of a model costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    /// USD per [`Price::unit`].
    pub usd: f64,
    /// What the price is charged per.
    pub unit: PriceUnit,
}

/// What a price is charged per, as the catalog's `price_unit` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceUnit {
    /// One output (a video of `output`).
    Output,
    /// One second of the duration the input asks for.
    Second,
}

impl PriceUnit {
    /// The catalog's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Output => "output",
            Self::Second => "second",
        }
    }
}

impl Price {
    /// A `--price` value, `MODEL_ID=USD/output` or `MODEL_ID=USD/second`,
    /// as the model id and its price.
    pub fn parse_assignment(text: &str) -> Result<(String, Self), String> {
        let wrong =
            || format!("--price takes MODEL_ID=USD/output or MODEL_ID=USD/second, not `{text}`");
        let (model, price) = text.rsplit_once('=').ok_or_else(wrong)?;
        let (usd, unit) = price.split_once('/').ok_or_else(wrong)?;
        let unit = match unit.trim() {
            "output" => PriceUnit::Output,
            "second" => PriceUnit::Second,
            _ => return Err(wrong()),
        };
        let usd: f64 = usd.trim().parse().map_err(|_| wrong())?;
        let model = model.trim().trim_matches('/');
        if model.is_empty() || !usd.is_finite() || usd < 0.0 {
            return Err(wrong());
        }
        Ok((model.to_owned(), Self { usd, unit }))
    }

    /// What a job of `outputs` outputs asking for `seconds` seconds costs.
    pub(crate) fn cost(&self, outputs: u32, seconds: u32) -> Cost {
        let amount = match self.unit {
            PriceUnit::Output => outputs,
            PriceUnit::Second => seconds,
        };
        Cost::from_usd(self.usd * f64::from(amount))
    }
}

/// An amount of money, in millionths of a dollar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Cost(u64);

impl Cost {
    /// Dollars, rounded to the millionth (negative or not finite: nothing).
    pub(crate) fn from_usd(usd: f64) -> Self {
        if usd.is_finite() && usd > 0.0 {
            Self((usd * 1e6).round() as u64)
        } else {
            Self(0)
        }
    }

    /// In dollars.
    pub(crate) fn usd(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// The amount left after `other` is taken, when there is enough.
    pub(crate) fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(Self)
    }

    /// The two amounts together.
    pub(crate) fn saturating_add(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "USD {}", self.usd())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_price_is_read_from_model_equals_usd_per_unit() {
        assert_eq!(
            Price::parse_assignment("kling/kling-1-6/pro/image-to-video=0.49/output"),
            Ok((
                "kling/kling-1-6/pro/image-to-video".into(),
                Price {
                    usd: 0.49,
                    unit: PriceUnit::Output
                }
            ))
        );
        assert_eq!(
            Price::parse_assignment("a/b=0.1/second").map(|(_, p)| p.unit),
            Ok(PriceUnit::Second)
        );
        for wrong in [
            "a/b",
            "a/b=0.1",
            "a/b=x/output",
            "a/b=0.1/token",
            "=1/output",
            "a=-1/output",
        ] {
            assert!(Price::parse_assignment(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_job_costs_its_outputs_or_its_seconds_to_the_millionth() {
        let per_output = Price {
            usd: 0.49,
            unit: PriceUnit::Output,
        };
        assert_eq!(per_output.cost(2, 10).usd(), 0.98);
        let per_second = Price {
            usd: 0.1,
            unit: PriceUnit::Second,
        };
        assert_eq!(per_second.cost(1, 5).usd(), 0.5);
        assert_eq!(per_second.cost(2, 3).to_string(), "USD 0.3");
        let balance = Cost::from_usd(1.0);
        assert_eq!(
            balance.checked_sub(Cost::from_usd(0.7)),
            Some(Cost::from_usd(0.3))
        );
        assert_eq!(balance.checked_sub(Cost::from_usd(1.5)), None);
        assert_eq!(Cost::from_usd(f64::NAN), Cost::default());
    }
}
