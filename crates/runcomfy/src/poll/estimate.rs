//! [`RunEstimate`]: a log-normal fit of a model's run time, and the
//! log-normal survival and hazard functions the adaptive policy polls by.

use std::f64::consts::{PI, SQRT_2};
use std::time::Duration;

/// Log-normal estimate of a model's run time (from in progress to done),
/// learned from finished jobs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunEstimate {
    /// The median run time, `exp(mean of ln(run time))`.
    pub median: Duration,
    /// The standard deviation of `ln(run time)`.
    pub sigma: f64,
    /// How many finished jobs the estimate comes from.
    pub samples: usize,
}

impl RunEstimate {
    /// The probability that a run lasts longer than `t`.
    pub fn survival(&self, t: Duration) -> f64 {
        let Some(z) = self.z_score(t, self.sigma) else {
            return 1.0;
        };
        0.5 * erfc(z / SQRT_2)
    }

    /// The hazard rate at `t`, per second: how likely a run still going at
    /// `t` is to finish in the next second.
    pub fn hazard(&self, t: Duration) -> f64 {
        hazard(self.median, self.sigma, t)
    }

    fn z_score(&self, t: Duration, sigma: f64) -> Option<f64> {
        z_score(self.median, sigma, t)
    }
}

/// `(ln t - ln median) / sigma`, or `None` when `t` or the median is zero or
/// sigma is unusable.
pub(crate) fn z_score(median: Duration, sigma: f64, t: Duration) -> Option<f64> {
    let (t, median) = (t.as_secs_f64(), median.as_secs_f64());
    (t > 0.0 && median > 0.0 && sigma > 0.0 && sigma.is_finite()).then(|| (t / median).ln() / sigma)
}

/// The log-normal hazard `pdf / survival` at `t`, per second; 0 at `t = 0`.
pub(crate) fn hazard(median: Duration, sigma: f64, t: Duration) -> f64 {
    match z_score(median, sigma, t) {
        Some(z) => normal_pdf_over_survival(z) / (sigma * t.as_secs_f64()),
        None => 0.0,
    }
}

/// `erfc(x) = tau * exp(-x^2 + p(tau))` with `tau = 1 / (1 + x / 2)`, for
/// `x >= 0`: returns `(tau, p(tau))`. Chebyshev fit (Numerical Recipes
/// `erfcc`), fractional error below 1.2e-7 everywhere, tails included.
fn erfc_parts(x: f64) -> (f64, f64) {
    let tau = 1.0 / (1.0 + 0.5 * x);
    let p = -1.265_512_23
        + tau
            * (1.000_023_68
                + tau
                    * (0.374_091_96
                        + tau
                            * (0.096_784_18
                                + tau
                                    * (-0.186_288_06
                                        + tau
                                            * (0.278_868_07
                                                + tau
                                                    * (-1.135_203_98
                                                        + tau
                                                            * (1.488_515_87
                                                                + tau
                                                                    * (-0.822_152_23
                                                                        + tau
                                                                            * 0.170_872_77))))))));
    (tau, p)
}

/// The complementary error function.
fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let (tau, p) = erfc_parts(x.abs());
    let upper = tau * (-x * x + p).exp();
    if x >= 0.0 { upper } else { 2.0 - upper }
}

/// `phi(z) / Q(z)` for the standard normal (the inverse Mills ratio),
/// computed without underflow far in the upper tail.
fn normal_pdf_over_survival(z: f64) -> f64 {
    let x = z / SQRT_2;
    if x >= 0.0 {
        // phi(z) = exp(-x^2) / sqrt(2 pi), Q(z) = tau * exp(-x^2 + p) / 2:
        // the exp(-x^2) cancels.
        let (tau, p) = erfc_parts(x);
        2.0 / ((2.0 * PI).sqrt() * tau * p.exp())
    } else {
        let pdf = (-0.5 * z * z).exp() / (2.0 * PI).sqrt();
        pdf / (1.0 - 0.5 * erfc(-x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_normal_helpers() {
        let estimate = RunEstimate {
            median: Duration::from_secs(240),
            sigma: 0.3,
            samples: 100,
        };
        assert!((estimate.survival(Duration::from_secs(240)) - 0.5).abs() < 1e-6);
        // One sigma above the median: Q(1) = 0.158655.
        let one_up = Duration::from_secs_f64(240.0 * 0.3f64.exp());
        assert!((estimate.survival(one_up) - 0.158_655).abs() < 1e-5);
        assert_eq!(estimate.survival(Duration::ZERO), 1.0);
        // Hazard at the median: pdf / 0.5 = 2 * phi(0) / (sigma * t).
        let expected = 2.0 * 0.398_942_28 / (0.3 * 240.0);
        let at_median = estimate.hazard(Duration::from_secs(240));
        assert!((at_median - expected).abs() < 1e-6, "{at_median}");
        // Far in the tail the hazard stays finite (no 0 / 0).
        let far = estimate.hazard(Duration::from_secs(240 * 1000));
        assert!(far.is_finite() && far > 0.0, "{far}");
        assert!((erfc(0.5) - 0.479_500_12).abs() < 1e-7);
        assert!((erfc(-1.0) - 1.842_700_79).abs() < 1e-7);
    }
}
