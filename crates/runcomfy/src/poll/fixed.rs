//! [`FixedInterval`]: the same delay between every two polls.

use std::time::Duration;

use crate::poll::policy::{Observation, PollPolicy};

/// A fixed interval between polls, the first one after the submit (what
/// most clients do; the provider's CLI polls every 2 s).
#[derive(Debug, Clone, Copy)]
pub struct FixedInterval(pub Duration);

impl PollPolicy for FixedInterval {
    fn next_delay(&self, _observation: &Observation) -> Duration {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use runcomfy_types::QueueStatus;

    use super::*;

    #[test]
    fn fixed_interval_returns_its_value() {
        let policy = FixedInterval(Duration::from_millis(1500));
        for polls in [1, 5, 100] {
            let seen = policy.next_delay(&Observation::sample(QueueStatus::InProgress, polls, 3.0));
            assert_eq!(seen, Duration::from_millis(1500));
        }
    }
}
