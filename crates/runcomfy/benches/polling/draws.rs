//! Stand-in for the emulator's `--durations` draws until they land.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn value(spec: &str, key: &str) -> f64 {
    let part = spec
        .split([',', ':'])
        .find_map(|p| p.strip_prefix(&format!("{key}=")))
        .unwrap();
    part.trim_end_matches('s').parse().unwrap()
}

fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

pub(crate) fn run_times(spec: &str, seed: u64, count: usize) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|i| {
            if spec.starts_with("lognormal") {
                value(spec, "median") * (value(spec, "sigma") * normal(&mut rng)).exp()
            } else if let Some(range) = spec.strip_prefix("uniform:") {
                let (a, b) = range.split_once("..").unwrap();
                let (a, b): (f64, f64) = (
                    a.trim_end_matches('s').parse().unwrap(),
                    b.trim_end_matches('s').parse().unwrap(),
                );
                rng.random_range(a..b)
            } else if spec.starts_with("bimodal") {
                let long = rng.random_range(0.0..1.0) < value(spec, "share");
                let median = value(spec, if long { "long" } else { "short" });
                median * (0.1 * normal(&mut rng)).exp()
            } else if spec.starts_with("pareto") {
                let u: f64 = rng.random_range(f64::EPSILON..1.0);
                (value(spec, "scale") * u.powf(-1.0 / value(spec, "shape"))).min(value(spec, "max"))
            } else {
                let progress = (i as f64 / value(spec, "over")).min(1.0);
                let mean =
                    value(spec, "from") + (value(spec, "to") - value(spec, "from")) * progress;
                mean * (-0.045f64).exp() * (0.3 * normal(&mut rng)).exp()
            }
        })
        .collect()
}
