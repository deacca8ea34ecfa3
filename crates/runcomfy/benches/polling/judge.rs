//! What a set of waits amounts to ([`Point`]), the fixed intervals' curve
//! through the same jobs ([`Curve`]), and the five conditions.

use crate::sim::Outcome;

/// Requests and lags of a set of waits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Point {
    /// Status and result requests a job.
    pub(crate) requests: f64,
    /// Mean detection lag, in seconds.
    pub(crate) mean_lag: f64,
    /// The longest lag, in seconds.
    pub(crate) worst_lag: f64,
    /// The largest `lag / max(3 s, 15% of the job's run time)`: above 1, a
    /// job was left alone longer than the bound.
    pub(crate) worst_bound: f64,
}

/// The bound a job's lag must stay within: max(3 s, 15% of its run time).
pub(crate) fn bound(run: f64) -> f64 {
    (0.15 * run).max(3.0)
}

impl Point {
    pub(crate) fn of(outcomes: &[Outcome]) -> Self {
        let n = outcomes.len() as f64;
        let requests = outcomes.iter().map(|o| f64::from(o.requests)).sum::<f64>() / n;
        let mean_lag = outcomes.iter().map(|o| o.lag).sum::<f64>() / n;
        let worst_lag = outcomes.iter().map(|o| o.lag).fold(0.0, f64::max);
        let worst_bound = outcomes
            .iter()
            .map(|o| o.lag / bound(o.run))
            .fold(0.0, f64::max);
        Self {
            requests,
            mean_lag,
            worst_lag,
            worst_bound,
        }
    }
}

/// Fixed intervals through the same jobs: lag against requests a job.
pub(crate) struct Curve {
    /// `(requests, mean lag)`, by requests.
    points: Vec<(f64, f64)>,
}

impl Curve {
    pub(crate) fn new(points: impl IntoIterator<Item = Point>) -> Self {
        let mut points: Vec<(f64, f64)> = points
            .into_iter()
            .map(|p| (p.requests, p.mean_lag))
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        Self { points }
    }

    /// The curve's lag at `requests` a job: interpolated in log-log space
    /// between the two intervals around it, extrapolated along the nearest
    /// segment beyond them.
    pub(crate) fn lag_at(&self, requests: f64) -> f64 {
        let points = &self.points;
        let i = points
            .windows(2)
            .position(|w| requests <= w[1].0)
            .unwrap_or(points.len() - 2);
        let ((x0, y0), (x1, y1)) = (points[i], points[i + 1]);
        let slope = (y1.ln() - y0.ln()) / (x1.ln() - x0.ln());
        (y0.ln() + slope * (requests.ln() - x0.ln())).exp()
    }

    /// `point`'s lag over the curve's at the same requests.
    pub(crate) fn ratio(&self, point: &Point) -> f64 {
        point.mean_lag / self.lag_at(point.requests)
    }
}

/// One condition's verdict on one workload.
pub(crate) struct Verdict {
    /// `1.` to `5.`, and what it says.
    pub(crate) condition: &'static str,
    pub(crate) unit: &'static str,
    pub(crate) ours: f64,
    pub(crate) baseline: f64,
    pub(crate) baseline_name: String,
    pub(crate) target: &'static str,
    pub(crate) pass: bool,
}

/// What one workload measured, for the verdicts.
pub(crate) struct Measured<'a> {
    pub(crate) batch_curve: &'a Curve,
    pub(crate) fixed2_batch: Point,
    pub(crate) default_batch: Point,
    pub(crate) unlearned_batch: Point,
    pub(crate) single_curve: &'a Curve,
    pub(crate) fixed2_single: Point,
    pub(crate) first: Point,
    pub(crate) persisted: Point,
    /// Every set of our waits, the misled ones included.
    pub(crate) all_ours: Vec<Point>,
}

/// The five conditions on one workload.
pub(crate) fn verdicts(m: &Measured<'_>) -> Vec<Verdict> {
    let batch_ratio = m.batch_curve.ratio(&m.default_batch);
    let unlearned_ratio = m.batch_curve.ratio(&m.unlearned_batch);
    let first_ratio = m.single_curve.ratio(&m.first);
    let persisted_ratio = m.single_curve.ratio(&m.persisted);
    let worst = m.all_ours.iter().map(|p| p.worst_bound).fold(0.0, f64::max);
    vec![
        Verdict {
            condition: "1. requests/job (batch)",
            unit: "requests",
            ours: m.default_batch.requests,
            baseline: m.fixed2_batch.requests,
            baseline_name: "fixed 2 s".into(),
            target: "<= 1×",
            pass: m.default_batch.requests <= m.fixed2_batch.requests,
        },
        Verdict {
            condition: "2. mean lag at equal requests (batch)",
            unit: "s",
            ours: m.default_batch.mean_lag,
            baseline: m.batch_curve.lag_at(m.default_batch.requests),
            baseline_name: "fixed-interval curve".into(),
            target: "<= 0.8×",
            pass: batch_ratio <= 0.8,
        },
        Verdict {
            condition: "3. worst lag / max(3 s, 15% of run)",
            unit: "×",
            ours: worst,
            baseline: 1.0,
            baseline_name: "the bound".into(),
            target: "<= 1",
            pass: worst <= 1.0,
        },
        Verdict {
            condition: "4. first run: mean lag at equal requests",
            unit: "s",
            ours: m.first.mean_lag,
            baseline: m.single_curve.lag_at(m.first.requests),
            baseline_name: format!(
                "fixed-interval curve ({:.2} vs fixed 2 s's {:.2} requests/job)",
                m.first.requests, m.fixed2_single.requests
            ),
            target: "<= 1.0×, requests <= fixed 2 s's",
            pass: first_ratio <= 1.0 && m.first.requests <= m.fixed2_single.requests,
        },
        Verdict {
            condition: "5a. learning in a batch: lag over the curve's",
            unit: "×",
            ours: batch_ratio,
            baseline: unlearned_ratio,
            baseline_name: "knowing nothing".into(),
            target: "<= 1×",
            pass: batch_ratio <= unlearned_ratio,
        },
        Verdict {
            condition: "5b. learning across runs: lag over the curve's",
            unit: "×",
            ours: persisted_ratio,
            baseline: first_ratio,
            baseline_name: format!(
                "each run knowing nothing ({:.2} vs fixed 2 s's {:.2} requests/job)",
                m.persisted.requests, m.fixed2_single.requests
            ),
            target: "<= 1×, requests <= fixed 2 s's",
            pass: persisted_ratio <= first_ratio
                && m.persisted.requests <= m.fixed2_single.requests,
        },
    ]
}
