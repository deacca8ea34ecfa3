//! [`RunTimes`]: what a model's finished jobs say about how long its next
//! job will run: their run times, the newest weighing most, smoothed into a
//! distribution (a log-normal kernel around each) whose hazard the adaptive
//! policy polls by. No shape is assumed: uniform, bimodal and heavy-tailed
//! run times are followed as they come.

use std::sync::OnceLock;

use crate::poll::normal;

/// How many runs back a run's weight halves: recent runs weigh most, so a
/// model whose jobs change speed is followed.
const HALF_LIFE: f64 = 12.0;
/// The narrowest kernel, in `ln(seconds)`: run times are measured between
/// two polls, never exactly.
const MIN_BANDWIDTH: f64 = 0.08;
/// The kernel while there are too few runs to see their spread.
const FEW_RUNS_BANDWIDTH: f64 = 0.3;
/// Below this many (weighted) runs the spread is taken as unknown.
const FEW_RUNS: f64 = 3.0;
/// A job past the point where this share of runs had ended is overdue: what
/// was learned says nothing more about it.
pub(crate) const OVERDUE: f64 = 0.01;
/// Cells of the grid the adaptive policy integrates on.
const GRID: usize = 240;

/// The run times (in progress to done) of a model's recent jobs, smoothed.
#[derive(Debug, Clone, PartialEq)]
pub struct RunTimes {
    /// `ln(seconds)` of each run, oldest first.
    logs: Vec<f64>,
    /// Each run's weight (summing to 1), newest heaviest.
    weights: Vec<f64>,
    /// The kernels' width, in `ln(seconds)`.
    bandwidth: f64,
    /// The expected run time, in seconds.
    mean: f64,
    /// Survival and hazard on a grid from 0 over the kernels' support, for
    /// the adaptive policy's integrals: made when first asked (a policy
    /// that does not use it, such as a fixed interval, never pays for it).
    grid: OnceLock<Vec<Cell>>,
    /// A value computed once from these run times by a policy (its key, the
    /// value): the adaptive policy's scale.
    memo: OnceLock<(u64, f64)>,
}

/// One cell of [`RunTimes`]' grid: a stretch of run time, in seconds, with
/// the survival and the hazard at its middle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cell {
    pub(crate) start: f64,
    pub(crate) end: f64,
    pub(crate) survival: f64,
    pub(crate) hazard: f64,
}

impl RunTimes {
    /// The distribution of these run times (seconds, oldest first); `None`
    /// without one usable run.
    pub fn new(secs: impl IntoIterator<Item = f64>) -> Option<Self> {
        let logs: Vec<f64> = secs
            .into_iter()
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(f64::ln)
            .collect();
        if logs.is_empty() {
            return None;
        }
        let n = logs.len();
        let raw: Vec<f64> = (0..n)
            .map(|i| 0.5f64.powf((n - 1 - i) as f64 / HALF_LIFE))
            .collect();
        let total: f64 = raw.iter().sum();
        let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
        let effective = 1.0 / weights.iter().map(|w| w * w).sum::<f64>();
        let centre: f64 = logs.iter().zip(&weights).map(|(l, w)| l * w).sum();
        let spread = logs
            .iter()
            .zip(&weights)
            .map(|(l, w)| w * (l - centre) * (l - centre))
            .sum::<f64>()
            .sqrt();
        // Silverman's robust rule (the smaller of the deviation and the
        // interquartile range, so two modes are not smeared into one),
        // widened while the spread is not yet seen.
        let quartiles =
            weighted_quantile(&logs, &weights, 0.75) - weighted_quantile(&logs, &weights, 0.25);
        let scale = spread.min(quartiles / 1.34);
        let mut bandwidth = (0.9 * scale * effective.powf(-0.2)).max(MIN_BANDWIDTH);
        if effective < FEW_RUNS {
            bandwidth = bandwidth.max(FEW_RUNS_BANDWIDTH);
        }
        let mean = logs
            .iter()
            .zip(&weights)
            .map(|(l, w)| w * (l + bandwidth * bandwidth / 2.0).exp())
            .sum();
        Some(Self {
            logs,
            weights,
            bandwidth,
            mean,
            grid: OnceLock::new(),
            memo: OnceLock::new(),
        })
    }

    /// How many runs it was learned from.
    pub fn len(&self) -> usize {
        self.logs.len()
    }

    /// Whether it holds no run (never: [`RunTimes::new`] needs one).
    pub fn is_empty(&self) -> bool {
        self.logs.is_empty()
    }

    /// The expected run time, in seconds.
    pub fn mean_secs(&self) -> f64 {
        self.mean
    }

    /// The grid (from 0 over the kernels' support) the adaptive policy
    /// integrates on.
    pub(crate) fn grid(&self) -> &[Cell] {
        self.grid.get_or_init(|| self.make_grid())
    }

    /// `compute()`, computed once for `key` (again, uncached, for another
    /// key).
    pub(crate) fn memo(&self, key: u64, compute: impl FnOnce() -> f64) -> f64 {
        if let Some((cached, value)) = self.memo.get() {
            if *cached == key {
                return *value;
            }
            return compute();
        }
        let value = compute();
        let _ = self.memo.set((key, value));
        value
    }

    /// The share of runs still going after `secs`.
    pub fn survival(&self, secs: f64) -> f64 {
        if secs <= 0.0 {
            return 1.0;
        }
        let ln = secs.ln();
        self.logs
            .iter()
            .zip(&self.weights)
            .map(|(l, w)| w * normal::survival((ln - l) / self.bandwidth))
            .sum()
    }

    /// The hazard at `secs`, per second: how likely a run still going then is
    /// to end in the next second.
    pub fn hazard(&self, secs: f64) -> f64 {
        self.survival_and_hazard(secs).1
    }

    /// [`RunTimes::survival`] and [`RunTimes::hazard`] at `secs`, in one pass.
    fn survival_and_hazard(&self, secs: f64) -> (f64, f64) {
        if secs <= 0.0 {
            return (1.0, 0.0);
        }
        let ln = secs.ln();
        let (mut density, mut survival) = (0.0, 0.0);
        let mut farthest: Option<(f64, f64)> = None;
        for (l, w) in self.logs.iter().zip(&self.weights) {
            let z = (ln - l) / self.bandwidth;
            density += w * normal::pdf(z);
            survival += w * normal::survival(z);
            if farthest.is_none_or(|(lf, _)| *l > lf) {
                farthest = Some((*l, z));
            }
        }
        let per_second = 1.0 / (self.bandwidth * secs);
        let hazard = if survival > 1e-300 && density.is_finite() {
            density / survival * per_second
        } else {
            // Beyond every run: the longest one's tail decides.
            farthest.map_or(0.0, |(_, z)| {
                normal::normal_pdf_over_survival(z) * per_second
            })
        };
        (survival, hazard)
    }

    /// Whether a job still running after `secs` is past what was learned.
    pub fn overdue(&self, secs: f64) -> bool {
        self.survival(secs) < OVERDUE
    }

    /// The grid: one cell from 0 to where the first kernel starts, then
    /// log-spaced cells to where the last one ends.
    fn make_grid(&self) -> Vec<Cell> {
        let span = 5.0 * self.bandwidth;
        let low = self.logs.iter().copied().fold(f64::INFINITY, f64::min) - span;
        let high = self.logs.iter().copied().fold(f64::NEG_INFINITY, f64::max) + span;
        let step = (high - low) / GRID as f64;
        let edges: Vec<f64> = std::iter::once(0.0)
            .chain((0..=GRID).map(|i| (low + step * i as f64).exp()))
            .collect();
        edges
            .windows(2)
            .map(|w| {
                let (start, end) = (w[0], w[1]);
                let middle = if start > 0.0 {
                    (start * end).sqrt()
                } else {
                    0.5 * end
                };
                let (survival, hazard) = self.survival_and_hazard(middle);
                Cell {
                    start,
                    end,
                    survival,
                    hazard,
                }
            })
            .collect()
    }
}

/// The value below which the share `p` of the weight lies.
fn weighted_quantile(values: &[f64], weights: &[f64], p: f64) -> f64 {
    let mut pairs: Vec<(f64, f64)> = values
        .iter()
        .copied()
        .zip(weights.iter().copied())
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut below = 0.0;
    for (value, weight) in &pairs {
        below += weight;
        if below >= p {
            return *value;
        }
    }
    pairs.last().map_or(0.0, |(value, _)| *value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_runs_weigh_most_and_the_mean_follows_them() {
        let early = RunTimes::new([10.0; 20]).expect("runs");
        let drifted = RunTimes::new([10.0; 20].into_iter().chain([40.0; 12])).expect("runs");
        assert!(
            (early.mean_secs() - 10.0).abs() < 0.5,
            "{}",
            early.mean_secs()
        );
        assert!(drifted.mean_secs() > 25.0, "{}", drifted.mean_secs());
        assert_eq!(drifted.len(), 32);
    }

    #[test]
    fn survival_and_hazard_follow_the_runs_whatever_their_shape() {
        // Spread evenly over 4 to 12 s, in an order that does not follow size
        // (recent runs weigh most).
        let uniform = RunTimes::new((0..60).map(|i| 4.0 + 8.0 * f64::from((i * 37) % 60) / 59.0))
            .expect("runs");
        assert!(uniform.survival(2.0) > 0.99);
        assert!(
            (uniform.survival(8.0) - 0.5).abs() < 0.1,
            "{}",
            uniform.survival(8.0)
        );
        assert!(uniform.survival(14.0) < 0.08, "{}", uniform.survival(14.0));
        assert!(uniform.survival(20.0) < 0.005, "{}", uniform.survival(20.0));
        assert!(
            uniform.hazard(11.0) > uniform.hazard(6.0) * 2.0,
            "rises toward the end"
        );
        let bimodal =
            RunTimes::new((0..50).map(|i| if i % 5 == 0 { 60.0 } else { 5.0 })).expect("runs");
        assert!(
            bimodal.hazard(20.0) < bimodal.hazard(5.0) / 10.0,
            "quiet between the modes"
        );
        assert!(bimodal.hazard(60.0) > bimodal.hazard(20.0) * 10.0);
        assert!(bimodal.overdue(200.0) && !bimodal.overdue(50.0));
    }

    #[test]
    fn the_hazard_stays_finite_far_beyond_every_run() {
        let runs = RunTimes::new([3.0, 3.5, 4.0]).expect("runs");
        let far = runs.hazard(1e6);
        assert!(far.is_finite() && far > 0.0, "{far}");
        let grid = runs.grid();
        assert_eq!(grid[0].start, 0.0);
        assert!(grid.windows(2).all(|w| w[0].end == w[1].start));
        assert!(grid.last().is_some_and(|cell| cell.survival < 1e-3));
    }

    #[test]
    fn no_usable_run_is_no_distribution() {
        assert_eq!(RunTimes::new([]), None);
        assert_eq!(RunTimes::new([0.0, f64::NAN, -1.0]), None);
        assert!(RunTimes::new([7.0]).is_some_and(|one| one.len() == 1));
    }
}
