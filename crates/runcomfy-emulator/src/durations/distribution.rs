//! The distributions job run times are drawn from ([`Durations`]): the
//! default by output kind and requested length, and the shapes a polling
//! workload may need (log-normal, uniform, bimodal, Pareto, drifting).

use std::time::Duration;

/// The spread of log-normal draws when none is given: about ±35% around
/// the median, as hosted generation jobs vary.
pub const DEFAULT_SIGMA: f64 = 0.3;
/// The spread of each mode of a [`Durations::Bimodal`] when none is given:
/// narrow, so that the two modes stay apart.
pub const DEFAULT_MODE_SIGMA: f64 = 0.1;

/// How long a job runs once a worker takes it, before `--time-scale`
/// multiplies it. Written and read as the `--durations` flag: see
/// [`Durations::from_str`](std::str::FromStr) for the syntax.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Durations {
    /// Log-normal (sigma [`DEFAULT_SIGMA`]) around a median that depends on
    /// the output kind and the requested length: 60 s + 36 s per second of
    /// video (4 minutes for 5 s, 7 for 10 s), 30 s for an image, 30 s +
    /// half the requested length for audio. `by-kind`.
    #[default]
    ByKind,
    /// Log-normal around `median` with `sigma` (the standard deviation of
    /// the logarithm). `lognormal:median=240s,sigma=0.3`.
    LogNormal {
        /// Half the jobs run shorter.
        median: Duration,
        /// The spread of the logarithm.
        sigma: f64,
    },
    /// Every length from `min` to `max` equally likely. `uniform:4s..12s`.
    Uniform {
        /// The shortest.
        min: Duration,
        /// The longest.
        max: Duration,
    },
    /// Two log-normal modes: `share` of the jobs around `long`, the others
    /// around `short`. `bimodal:short=20s,long=120s,share=0.2`.
    Bimodal {
        /// The median of the common, short jobs.
        short: Duration,
        /// The median of the rare, long jobs.
        long: Duration,
        /// The fraction of jobs that are long, 0 to 1.
        share: f64,
        /// The spread of each mode.
        sigma: f64,
    },
    /// A heavy tail: at least `scale`, longer with probability
    /// `(scale / t)^shape`, cut at `max`. `pareto:scale=10s,shape=1.5,max=600s`.
    Pareto {
        /// The shortest run time, and the scale of the tail.
        scale: Duration,
        /// The tail's exponent: the smaller, the heavier.
        shape: f64,
        /// No job runs longer.
        max: Duration,
    },
    /// Log-normal whose mean grows with the jobs in submit order: `from`
    /// for the first, `to` from the `over`-th on, in a straight line
    /// between. `drift:from=10s,to=40s,over=50`.
    Drift {
        /// The mean of the first job.
        from: Duration,
        /// The mean from job `over` on.
        to: Duration,
        /// How many jobs the change takes.
        over: u32,
        /// The spread of each draw.
        sigma: f64,
    },
}
