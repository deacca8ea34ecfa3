//! The standard normal's tail: `erfc` and the inverse Mills ratio
//! `phi(z) / Q(z)`, accurate far into the tail, for the log-normal kernels
//! of learned run times.

use std::f64::consts::{PI, SQRT_2};

/// The standard normal's survival `Q(z) = P(Z > z)`.
pub(crate) fn survival(z: f64) -> f64 {
    0.5 * erfc(z / SQRT_2)
}

/// The standard normal's density.
pub(crate) fn pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
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
pub(crate) fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let (tau, p) = erfc_parts(x.abs());
    let upper = tau * (-x * x + p).exp();
    if x >= 0.0 { upper } else { 2.0 - upper }
}

/// `phi(z) / Q(z)` for the standard normal (the inverse Mills ratio),
/// computed without underflow far in the upper tail.
pub(crate) fn normal_pdf_over_survival(z: f64) -> f64 {
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
    fn the_tail_functions_match_known_values() {
        assert!((erfc(0.5) - 0.479_500_12).abs() < 1e-7);
        assert!((erfc(-1.0) - 1.842_700_79).abs() < 1e-7);
        assert!((survival(1.0) - 0.158_655).abs() < 1e-5);
        assert!((pdf(0.0) - 0.398_942_28).abs() < 1e-7);
        // phi(0) / Q(0) = 2 phi(0); far in the tail, about z.
        assert!((normal_pdf_over_survival(0.0) - 0.797_884_56).abs() < 1e-6);
        let far = normal_pdf_over_survival(40.0);
        assert!((far - 40.0).abs() < 0.1, "{far}");
    }
}
