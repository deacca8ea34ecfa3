//! The seeded kill plan: when each SIGKILL of `runcomfy batch` lands.

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

/// When one SIGKILL lands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kill {
    /// Once this many inputs have a final journal record (`done` or
    /// `unknown`), counted over every run so far...
    pub after_final: usize,
    /// ...this many milliseconds later.
    pub jitter_ms: u64,
}

/// The kills of a run of `jobs` inputs: at random points between the start
/// and 85% of the inputs finished, in order, each with up to 400 ms of
/// jitter so that a kill can land anywhere (validating, between an intent
/// and its answer, mid-download, mid-write).
pub fn kill_plan(seed: u64, jobs: usize, kills: usize) -> Vec<Kill> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6b69_6c6c);
    let mut points: Vec<usize> = (0..kills)
        .map(|_| (rng.random::<f64>() * 0.85 * jobs as f64) as usize)
        .collect();
    points.sort_unstable();
    points
        .into_iter()
        .map(|after_final| Kill {
            after_final,
            jitter_ms: (rng.random::<f64>() * 400.0) as u64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_is_seeded_ordered_and_within_bounds() {
        let plan = kill_plan(7, 500, 3);
        assert_eq!(plan, kill_plan(7, 500, 3));
        assert_ne!(plan, kill_plan(8, 500, 3));
        assert_eq!(plan.len(), 3);
        assert!(
            plan.windows(2)
                .all(|w| w[0].after_final <= w[1].after_final)
        );
        assert!(
            plan.iter()
                .all(|k| k.after_final <= 425 && k.jitter_ms < 400)
        );
    }
}
