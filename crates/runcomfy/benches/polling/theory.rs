//! What no schedule can beat without a queue, for this run-time spread:
//! the continuous-limit bound the benchmark prints its no-queue row against.

use std::time::Duration;

use serde_json::Value;

/// The run time the emulator draws: log-normal, median 240 s, sigma 0.3.
fn truth() -> runcomfy::poll::RunEstimate {
    runcomfy::poll::RunEstimate {
        median: Duration::from_secs(240),
        sigma: 0.3,
        samples: usize::MAX,
    }
}

/// `(E[D], I)` for [`truth`]: the expected run time and the integral of
/// `sqrt(hazard) * survival`.
fn truth_integrals() -> (f64, f64) {
    let truth = truth();
    let (mut integral, mut expected) = (0.0, 0.0);
    let step = 0.05;
    let mut t = step / 2.0;
    while t < 4000.0 {
        let at = Duration::from_secs_f64(t);
        let survival = truth.survival(at);
        integral += truth.hazard(at).sqrt() * survival * step;
        expected += survival * step;
        t += step;
    }
    (expected, integral)
}

/// The best lag ratio any schedule reaches at an equal request count
/// without a queue, in the continuous limit: `E[D] / I^2`.
///
/// With a poll rate of `c * sqrt(h)` (the optimum), requests ~ `c * I` and
/// lag ~ `I / (2c)`; a fixed interval gets `lag * requests = E[D] / 2`.
pub(crate) fn best_ratio_without_queue() -> f64 {
    let (expected, integral) = truth_integrals();
    expected / (integral * integral)
}

/// The bound without a queue, with numbers, and how close the default came.
pub(crate) fn theory(mean_run: f64, report: &[Value]) {
    let (expected, integral) = truth_integrals();
    let best = best_ratio_without_queue();
    let reached = report
        .iter()
        .find(|s| s["key"] == "no_queue")
        .and_then(|s| s["lag_ratio_at_fixed2"].as_f64())
        .unwrap_or(f64::NAN);
    println!(
        "\n## Why the queue matters\n\nWithout a queue only the run time is uncertain. For a \
         perfectly known log-normal (median 240 s, sigma 0.3; E[D] = {expected:.1} s, this \
         sample's mean {mean_run:.1} s) the best lag ratio at an equal request count, in the \
         continuous limit, is E[D] / I^2 = {best:.2}x (I = integral of sqrt(hazard) * survival = \
         {integral:.2}): no policy reaches 2x there. The default reached {reached:.2}x, {:.0}% of \
         that bound, while learning the distribution from its own polls. In a queue a fixed \
         interval also polls all through the wait, while the adaptive policy asks about once \
         per halving of the expected wait and spends its requests near the end of the run.",
        100.0 * reached / best
    );
}
