//! The `--durations` flag's syntax: [`Durations`] read from text and
//! written back to the same text.
//!
//! `NAME` or `NAME:PARAMETERS`, the parameters `key=value` separated by
//! commas (`uniform` takes `MIN..MAX`); lengths as humantime writes them
//! (`250ms`, `4s`, `2m`, `1h`):
//!
//! | value | parameters (optional ones with their default) |
//! | --- | --- |
//! | `by-kind` (default) | none |
//! | `lognormal:median=240s,sigma=0.3` | `median`; `sigma` 0.3 |
//! | `uniform:4s..12s` | the shortest and the longest |
//! | `bimodal:short=20s,long=120s,share=0.2,sigma=0.1` | `short`, `long`, `share` (of long jobs, 0 to 1); `sigma` 0.1 |
//! | `pareto:scale=10s,shape=1.5,max=600s` | `scale`, `shape`; `max` 100 × `scale` |
//! | `drift:from=10s,to=40s,over=50,sigma=0.3` | `from`, `to` (means), `over` (jobs); `sigma` 0.3 |

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::durations::distribution::{DEFAULT_MODE_SIGMA, DEFAULT_SIGMA, Durations};

/// The longest length a parameter may name (30 days): longer ones are a
/// typo, and would overflow the clock once scaled.
const MAX_PARAMETER: Duration = Duration::from_secs(30 * 24 * 3600);
/// The names of the distributions, as the flag spells them.
const DISTRIBUTIONS: [&str; 6] = [
    "by-kind",
    "lognormal",
    "uniform",
    "bimodal",
    "pareto",
    "drift",
];
/// The largest spread of a log-normal: beyond it a few draws dwarf all others.
const MAX_SIGMA: f64 = 3.0;

/// Why a `--durations` value was refused, in words that name the part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DurationsError(String);

impl FromStr for Durations {
    type Err = DurationsError;

    /// Reads the syntax of the module's table.
    fn from_str(text: &str) -> Result<Self, DurationsError> {
        let (name, parameters) = text.trim().split_once(':').unwrap_or((text.trim(), ""));
        if !DISTRIBUTIONS.contains(&name) {
            return Err(DurationsError(format!(
                "unknown distribution `{name}`: one of {}",
                DISTRIBUTIONS.join(", ")
            )));
        }
        if name == "uniform" {
            return uniform(parameters);
        }
        let mut params = Params::read(name, parameters)?;
        let durations = match name {
            "by-kind" => Self::ByKind,
            "lognormal" => Self::LogNormal {
                median: params.length("median")?,
                sigma: params.sigma(DEFAULT_SIGMA)?,
            },
            "bimodal" => Self::Bimodal {
                short: params.length("short")?,
                long: params.length("long")?,
                share: params.share()?,
                sigma: params.sigma(DEFAULT_MODE_SIGMA)?,
            },
            "pareto" => pareto(&mut params)?,
            // The last name of DISTRIBUTIONS.
            _ => Self::Drift {
                from: params.length("from")?,
                to: params.length("to")?,
                over: params.count("over")?,
                sigma: params.sigma(DEFAULT_SIGMA)?,
            },
        };
        params.finish()?;
        Ok(durations)
    }
}

impl fmt::Display for Durations {
    /// The text [`FromStr`] reads back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let length = |d: &Duration| humantime::format_duration(*d).to_string().replace(' ', "");
        match self {
            Self::ByKind => write!(f, "by-kind"),
            Self::LogNormal { median, sigma } => {
                write!(f, "lognormal:median={},sigma={sigma}", length(median))
            }
            Self::Uniform { min, max } => write!(f, "uniform:{}..{}", length(min), length(max)),
            Self::Bimodal {
                short,
                long,
                share,
                sigma,
            } => write!(
                f,
                "bimodal:short={},long={},share={share},sigma={sigma}",
                length(short),
                length(long)
            ),
            Self::Pareto { scale, shape, max } => write!(
                f,
                "pareto:scale={},shape={shape},max={}",
                length(scale),
                length(max)
            ),
            Self::Drift {
                from,
                to,
                over,
                sigma,
            } => write!(
                f,
                "drift:from={},to={},over={over},sigma={sigma}",
                length(from),
                length(to)
            ),
        }
    }
}

/// `uniform:MIN..MAX`.
fn uniform(parameters: &str) -> Result<Durations, DurationsError> {
    let (min, max) = parameters.split_once("..").ok_or_else(|| {
        DurationsError(format!(
            "uniform takes `MIN..MAX` (`uniform:4s..12s`), not `{parameters}`"
        ))
    })?;
    let (min, max) = (
        length_of("the shortest", min)?,
        length_of("the longest", max)?,
    );
    if min > max {
        return Err(DurationsError(format!(
            "uniform: the shortest ({}) is longer than the longest ({})",
            humantime::format_duration(min),
            humantime::format_duration(max)
        )));
    }
    Ok(Durations::Uniform { min, max })
}

/// `pareto:scale=…,shape=…[,max=…]`, `max` at least `scale`.
fn pareto(params: &mut Params<'_>) -> Result<Durations, DurationsError> {
    let scale = params.length("scale")?;
    let shape = params.number("shape")?;
    if !(shape.is_finite() && shape > 0.0) {
        return Err(DurationsError(format!(
            "pareto: `shape` is a positive number, not {shape}"
        )));
    }
    let max = match params.take("max") {
        Some(text) => length_of("`max`", text)?,
        None => scale.saturating_mul(100),
    };
    if max < scale {
        return Err(DurationsError(
            "pareto: `max` is shorter than `scale`".into(),
        ));
    }
    Ok(Durations::Pareto { scale, shape, max })
}

/// A length: humantime's syntax, above zero and within [`MAX_PARAMETER`].
fn length_of(what: &str, text: &str) -> Result<Duration, DurationsError> {
    let length = humantime::parse_duration(text.trim()).map_err(|error| {
        DurationsError(format!(
            "{what} is a length such as 4s or 250ms, not `{text}`: {error}"
        ))
    })?;
    if length.is_zero() || length > MAX_PARAMETER {
        return Err(DurationsError(format!(
            "{what} is longer than zero and at most 30 days, not `{text}`"
        )));
    }
    Ok(length)
}

/// The `key=value` parameters of one distribution, taken one by one; what
/// is left at the end is a key the distribution does not know.
struct Params<'a> {
    name: &'a str,
    values: BTreeMap<&'a str, &'a str>,
}

impl<'a> Params<'a> {
    fn read(name: &'a str, text: &'a str) -> Result<Self, DurationsError> {
        let mut values = BTreeMap::new();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| DurationsError(format!("{name}: `{pair}` is not `key=value`")))?;
            if values.insert(key.trim(), value.trim()).is_some() {
                return Err(DurationsError(format!("{name}: `{key}` is given twice")));
            }
        }
        Ok(Self { name, values })
    }

    fn take(&mut self, key: &str) -> Option<&'a str> {
        self.values.remove(key)
    }

    fn required(&mut self, key: &str) -> Result<&'a str, DurationsError> {
        self.take(key)
            .ok_or_else(|| DurationsError(format!("{}: `{key}=` is missing", self.name)))
    }

    fn length(&mut self, key: &str) -> Result<Duration, DurationsError> {
        let text = self.required(key)?;
        length_of(&format!("{}: `{key}`", self.name), text)
    }

    fn number(&mut self, key: &str) -> Result<f64, DurationsError> {
        let text = self.required(key)?;
        text.parse().map_err(|_| {
            DurationsError(format!("{}: `{key}` is a number, not `{text}`", self.name))
        })
    }

    fn count(&mut self, key: &str) -> Result<u32, DurationsError> {
        let text = self.required(key)?;
        text.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
            DurationsError(format!(
                "{}: `{key}` is a number of jobs from 1, not `{text}`",
                self.name
            ))
        })
    }

    /// `share`: a fraction from 0 to 1.
    fn share(&mut self) -> Result<f64, DurationsError> {
        let share = self.number("share")?;
        if !(0.0..=1.0).contains(&share) {
            return Err(DurationsError(format!(
                "{}: `share` is a fraction from 0 to 1, not {share}",
                self.name
            )));
        }
        Ok(share)
    }

    /// `sigma`, or `default` when not given: from 0 to [`MAX_SIGMA`].
    fn sigma(&mut self, default: f64) -> Result<f64, DurationsError> {
        let Some(text) = self.take("sigma") else {
            return Ok(default);
        };
        match text.parse::<f64>() {
            Ok(sigma) if (0.0..=MAX_SIGMA).contains(&sigma) => Ok(sigma),
            _ => Err(DurationsError(format!(
                "{}: `sigma` is a number from 0 to {MAX_SIGMA}, not `{text}`",
                self.name
            ))),
        }
    }

    /// Refuses the keys no one took.
    fn finish(self) -> Result<(), DurationsError> {
        match self.values.keys().next() {
            Some(key) => Err(DurationsError(format!("{} takes no `{key}`", self.name))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn every_distribution_reads_its_syntax_and_writes_it_back() {
        for (text, want) in [
            ("by-kind", Durations::ByKind),
            (
                "lognormal:median=240s,sigma=0.3",
                Durations::LogNormal {
                    median: secs(240),
                    sigma: 0.3,
                },
            ),
            (
                "uniform:4s..12s",
                Durations::Uniform {
                    min: secs(4),
                    max: secs(12),
                },
            ),
            (
                "bimodal:short=20s,long=120s,share=0.2",
                Durations::Bimodal {
                    short: secs(20),
                    long: secs(120),
                    share: 0.2,
                    sigma: DEFAULT_MODE_SIGMA,
                },
            ),
            (
                "pareto:scale=10s,shape=1.5,max=600s",
                Durations::Pareto {
                    scale: secs(10),
                    shape: 1.5,
                    max: secs(600),
                },
            ),
            (
                "drift:from=10s,to=40s,over=50",
                Durations::Drift {
                    from: secs(10),
                    to: secs(40),
                    over: 50,
                    sigma: DEFAULT_SIGMA,
                },
            ),
        ] {
            let read: Durations = text.parse().expect(text);
            assert_eq!(read, want, "{text}");
            let written = read.to_string();
            assert_eq!(written.parse::<Durations>(), Ok(want), "{written}");
        }
    }

    #[test]
    fn optional_parameters_take_their_defaults() {
        assert_eq!(
            "lognormal:median=2m".parse(),
            Ok(Durations::LogNormal {
                median: secs(120),
                sigma: DEFAULT_SIGMA
            })
        );
        assert_eq!(
            "pareto:scale=250ms,shape=2".parse(),
            Ok(Durations::Pareto {
                scale: Duration::from_millis(250),
                shape: 2.0,
                max: secs(25)
            })
        );
        assert_eq!(
            Durations::default().to_string().parse(),
            Ok(Durations::ByKind)
        );
    }

    #[test]
    fn a_wrong_value_is_refused_naming_what_is_wrong() {
        for (text, words) in [
            ("gamma:k=2", "unknown distribution `gamma`"),
            ("uniform:12s..4s", "shortest (12s) is longer"),
            ("uniform:4s", "`MIN..MAX`"),
            ("uniform:0s..4s", "longer than zero"),
            ("lognormal:sigma=0.3", "`median=` is missing"),
            ("lognormal:median=ten", "a length such as 4s"),
            (
                "lognormal:median=240s,sigma=9",
                "`sigma` is a number from 0 to 3",
            ),
            ("lognormal:median=240s,mean=3s", "lognormal takes no `mean`"),
            ("lognormal:median=1s,median=2s", "`median` is given twice"),
            ("bimodal:short=1s,long=2s,share=1.5", "fraction from 0 to 1"),
            ("pareto:scale=10s,shape=0", "positive number"),
            ("pareto:scale=10s,shape=1,max=5s", "`max` is shorter"),
            ("drift:from=1s,to=2s,over=0", "number of jobs from 1"),
            ("drift:from=1s,to=2s", "`over=` is missing"),
            ("lognormal:median=999days", "at most 30 days"),
            ("by-kind:x=1", "by-kind takes no `x`"),
            ("lognormal:median", "is not `key=value`"),
        ] {
            let error = text.parse::<Durations>().expect_err(text).to_string();
            assert!(error.contains(words), "{text}: {error}");
        }
    }
}
