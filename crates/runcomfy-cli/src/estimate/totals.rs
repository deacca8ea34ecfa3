//! What a number of jobs will cost by their estimates, and how many of them
//! a balance pays for. Pure: no I/O.

/// Below this, a difference of amounts is the rounding of binary fractions
/// (0.07 × 5 is not 0.35 in `f64`), not money.
const ROUNDING: f64 = 1e-9;

/// The estimates of a number of jobs added up: how many `jobs`, how many
/// of them are `priced` (have an estimate), and the `usd` those sum to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Totals {
    pub(crate) jobs: usize,
    pub(crate) priced: usize,
    pub(crate) usd: f64,
}

impl Totals {
    /// The totals of `estimates`, one a job (`None`: that job's cost cannot
    /// be estimated).
    pub(crate) fn of(estimates: &[Option<f64>]) -> Self {
        let priced: Vec<f64> = estimates.iter().flatten().copied().collect();
        Self {
            jobs: estimates.len(),
            priced: priced.len(),
            usd: priced.iter().sum(),
        }
    }

    /// The total, unless there are jobs and none has an estimate.
    pub(crate) fn known_usd(&self) -> Option<f64> {
        (self.priced > 0 || self.jobs == 0).then_some(self.usd)
    }
}

/// How many of the jobs with an estimate `balance` pays for, in their order
/// (a batch submits its lines in order): the first whose sum exceeds it and
/// every one after it are not covered.
pub(crate) fn covered(estimates: &[Option<f64>], balance: f64) -> usize {
    let mut spent = 0.0;
    estimates
        .iter()
        .flatten()
        .take_while(|usd| {
            spent += **usd;
            spent <= balance + ROUNDING
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_add_the_jobs_that_have_an_estimate() {
        let totals = Totals::of(&[Some(0.35), None, Some(0.7)]);
        assert_eq!((totals.jobs, totals.priced), (3, 2));
        assert!((totals.usd - 1.05).abs() < ROUNDING);
        assert_eq!(Totals::of(&[None, None]).known_usd(), None, "nothing known");
        assert_eq!(
            Totals::of(&[]).known_usd(),
            Some(0.0),
            "no job costs nothing"
        );
        assert_eq!(Totals::of(&[Some(0.49)]).known_usd(), Some(0.49));
    }

    #[test]
    fn a_balance_covers_the_jobs_in_order_until_the_first_it_cannot_pay() {
        let five = [Some(0.07 * 5.0); 5];
        assert_eq!(covered(&five, 1.75), 5, "exactly enough, despite rounding");
        assert_eq!(covered(&five, 1.74), 4);
        assert_eq!(covered(&five, 0.0), 0);
        let uneven = [Some(1.0), Some(5.0), Some(1.0)];
        assert_eq!(
            covered(&uneven, 3.0),
            1,
            "in order: the third waits behind the second"
        );
        let with_unknown = [Some(1.0), None, Some(1.0)];
        assert_eq!(
            covered(&with_unknown, 2.0),
            2,
            "jobs without an estimate are left out"
        );
        assert_eq!(covered(&[], 10.0), 0);
    }
}
