//! The flags of `cargo xtask chaos` and the emulator flags they become.

/// Options of `cargo xtask chaos`.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Inputs in the batch.
    pub jobs: usize,
    /// Seed of the kill plan and of the emulator (durations, faults).
    pub seed: u64,
    /// SIGKILLs before the batch is let finish.
    pub kills: usize,
    /// `runcomfy batch --concurrency`.
    pub concurrency: usize,
    /// The emulator's `--time-scale` (0.004: a 5 s video takes about 1 s).
    pub time_scale: f64,
    /// The rate of every fault kind.
    pub fault_rate: f64,
    /// Milliseconds of a slow answer (well below the client's 30 s timeout).
    pub slow_ms: u64,
    /// MiB of padding on every output video (the emulator's
    /// `--output-padding-mb`), so that kills land mid-download.
    pub padding_mb: u64,
    /// Use the `dev` profile's binaries instead of `release`.
    pub debug: bool,
}

impl Options {
    /// The defaults, with this seed.
    pub fn with_seed(seed: u64) -> Self {
        Self {
            jobs: 500,
            seed,
            kills: 3,
            concurrency: 32,
            time_scale: 0.004,
            fault_rate: 0.1,
            slow_ms: 200,
            padding_mb: 0,
            debug: false,
        }
    }

    /// Parses the flags after `chaos`; `default_seed` when `--seed` is absent.
    pub fn parse(args: &[&str], default_seed: u64) -> Result<Self, String> {
        let mut options = Self::with_seed(default_seed);
        let mut args = args.iter();
        while let Some(&flag) = args.next() {
            if flag == "--debug" {
                options.debug = true;
                continue;
            }
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let number = |what: &str| -> Result<u64, String> {
                value
                    .parse::<u64>()
                    .map_err(|_| format!("{flag} takes {what}, not `{value}`"))
            };
            match flag {
                "--jobs" => options.jobs = number("a count of inputs")? as usize,
                "--seed" => options.seed = number("an unsigned integer")?,
                "--kills" => options.kills = number("a count")? as usize,
                "--concurrency" => options.concurrency = number("a count")? as usize,
                "--slow-ms" => options.slow_ms = number("milliseconds")?,
                "--padding-mb" => options.padding_mb = number("MiB")?.min(4095),
                "--time-scale" | "--fault-rate" => {
                    let x: f64 = value
                        .parse()
                        .map_err(|_| format!("{flag} takes a number, not `{value}`"))?;
                    if flag == "--time-scale" {
                        options.time_scale = x;
                    } else {
                        options.fault_rate = x;
                    }
                }
                other => return Err(format!("unknown flag {other}")),
            }
        }
        if options.jobs == 0 {
            return Err("--jobs must be at least 1".into());
        }
        if !(1..=256).contains(&options.concurrency) {
            return Err("--concurrency is from 1 to 256".into());
        }
        if !(options.time_scale > 0.0 && options.time_scale.is_finite()) {
            return Err("--time-scale must be a positive number".into());
        }
        if !(0.0..=1.0).contains(&options.fault_rate) {
            return Err("--fault-rate is a probability from 0 to 1".into());
        }
        Ok(options)
    }

    /// The emulator's flags: every fault kind at `fault_rate`.
    pub fn emulator_args(&self) -> Vec<String> {
        let rate = self.fault_rate.to_string();
        let mut args: Vec<String> = [
            "--port",
            "0",
            "--workers",
            &self.concurrency.max(4).to_string(),
            "--seed",
            &self.seed.to_string(),
            "--time-scale",
            &self.time_scale.to_string(),
            "--slow-ms",
            &self.slow_ms.to_string(),
            "--retry-after",
            "1",
            "--output-padding-mb",
            &self.padding_mb.to_string(),
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        for flag in FAULT_FLAGS {
            args.push((*flag).to_owned());
            args.push(rate.clone());
        }
        args
    }
}

/// The emulator's fault flags: every kind it can inject by rate.
pub const FAULT_FLAGS: &[&str] = &[
    "--fault-rate-limit",
    "--fault-server-error",
    "--fault-reset",
    "--fault-reset-after",
    "--fault-slow",
    "--fault-malformed-json",
    "--fault-error-in-200",
    "--fault-truncate-media",
    "--fail-rate",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_with_defaults_and_refusals() {
        let options = Options::parse(
            &[
                "--jobs",
                "60",
                "--seed",
                "7",
                "--debug",
                "--padding-mb",
                "2",
            ],
            1,
        )
        .expect("ok");
        assert_eq!(options.padding_mb, 2);
        assert_eq!(
            (options.jobs, options.seed, options.kills, options.debug),
            (60, 7, 3, true)
        );
        assert_eq!(Options::parse(&[], 9).expect("ok"), Options::with_seed(9));
        assert!(Options::parse(&["--jobs"], 1).is_err());
        assert!(Options::parse(&["--fault-rate", "2"], 1).is_err());
        assert!(Options::parse(&["--bogus", "1"], 1).is_err());
        let args = Options::with_seed(1).emulator_args();
        for flag in FAULT_FLAGS {
            let at = args.iter().position(|a| a == flag).expect(flag);
            assert_eq!(args[at + 1], "0.1", "{flag}");
        }
    }
}
