//! [`RequestBudget`]: the token bucket every wait of the process shares.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

/// A token bucket shared by every wait in the process, so that a thousand
/// waits cannot flood the service with status requests.
///
/// Waiters reserve tokens in the order they call [`RequestBudget::acquire`],
/// so under contention each gets its turn; no lock is held across an await.
#[derive(Debug)]
pub struct RequestBudget {
    bucket: Option<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    per_second: f64,
    burst: f64,
    state: Mutex<BucketState>,
}

#[derive(Debug)]
struct BucketState {
    /// Tokens available; negative when waiters have reserved future ones.
    tokens: f64,
    updated: tokio::time::Instant,
}

impl Bucket {
    /// Refills for the time passed since the last update.
    fn refill(&self, state: &mut BucketState) {
        let now = tokio::time::Instant::now();
        let elapsed = now.saturating_duration_since(state.updated).as_secs_f64();
        state.tokens = (state.tokens + elapsed * self.per_second).min(self.burst);
        state.updated = now;
    }

    /// Takes a token now or reserves the next free one: how long to wait.
    fn reserve(&self) -> Duration {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.refill(&mut state);
        state.tokens -= 1.0;
        if state.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::try_from_secs_f64(-state.tokens / self.per_second).unwrap_or(Duration::MAX)
        }
    }

    /// Gives back a reserved token that was not used.
    fn refund(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.refill(&mut state);
        state.tokens = (state.tokens + 1.0).min(self.burst);
    }
}

/// Refunds a reservation if the waiting future is dropped before its turn.
struct Reservation<'a> {
    bucket: &'a Bucket,
    armed: bool,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.bucket.refund();
        }
    }
}

impl RequestBudget {
    /// The default rate of [`RequestBudget::global`], per second.
    pub const DEFAULT_PER_SECOND: f64 = 20.0;
    /// The default burst of [`RequestBudget::global`].
    pub const DEFAULT_BURST: u32 = 40;

    /// A budget of `per_second` requests per second on average and up to
    /// `burst` at once (at least 1). A rate that is not finite and positive
    /// means no limit.
    pub fn new(per_second: f64, burst: u32) -> Self {
        if !(per_second.is_finite() && per_second > 0.0) {
            return Self::unlimited();
        }
        let burst = f64::from(burst.max(1));
        Self {
            bucket: Some(Bucket {
                per_second,
                burst,
                state: Mutex::new(BucketState {
                    tokens: burst,
                    updated: tokio::time::Instant::now(),
                }),
            }),
        }
    }

    /// A budget that never waits.
    pub fn unlimited() -> Self {
        Self { bucket: None }
    }

    /// The budget of this process: 20 requests per second, bursts of 40.
    pub fn global() -> &'static Arc<RequestBudget> {
        static GLOBAL: OnceLock<Arc<RequestBudget>> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            Arc::new(RequestBudget::new(
                Self::DEFAULT_PER_SECOND,
                Self::DEFAULT_BURST,
            ))
        })
    }

    /// Whether this budget never waits.
    pub fn is_unlimited(&self) -> bool {
        self.bucket.is_none()
    }

    /// Waits until a token is free and takes it. Tokens go to waiters in
    /// the order they asked. Dropping the future before it completes gives
    /// the reserved token back.
    pub async fn acquire(&self) {
        let Some(bucket) = &self.bucket else {
            return;
        };
        let wait = bucket.reserve();
        if wait.is_zero() {
            return;
        }
        let mut reservation = Reservation {
            bucket,
            armed: true,
        };
        tokio::time::sleep(wait).await;
        reservation.armed = false;
    }
}

#[cfg(test)]
mod tests {
    //! In virtual time (the budget runs on tokio's clock): exact, and the
    //! same on any machine.

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn request_budget_paces_after_the_burst() {
        let budget = RequestBudget::new(5.0, 2);
        let start = tokio::time::Instant::now();
        for _ in 0..7 {
            budget.acquire().await;
        }
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(950) && took < Duration::from_millis(1400),
            "{took:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn request_budget_refunds_a_dropped_wait() {
        let budget = RequestBudget::new(5.0, 1);
        budget.acquire().await;
        // Gives up long before its turn (200 ms): the token comes back.
        let gave_up = tokio::time::timeout(Duration::from_millis(20), budget.acquire()).await;
        assert!(gave_up.is_err());
        let start = tokio::time::Instant::now();
        budget.acquire().await;
        let took = start.elapsed();
        assert!(took < Duration::from_millis(250), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn unlimited_budget_never_waits() {
        let budget = RequestBudget::unlimited();
        assert!(budget.is_unlimited());
        assert!(RequestBudget::new(f64::NAN, 3).is_unlimited());
        let start = tokio::time::Instant::now();
        for _ in 0..10_000 {
            budget.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(200));
        assert!(!RequestBudget::global().is_unlimited());
    }
}
