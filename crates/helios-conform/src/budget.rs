//! The runner's budget of failed logins. A device blocks an address after a number of failed
//! logins within a window (the lab declares both in `[logins]`); the runner's own security cases
//! fail logins on purpose, so before each it waits until one more failure stays below the
//! limit, and it counts every failure it sees, planned or not.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use crate::profile::Logins;

#[derive(Debug)]
pub struct LoginBudget {
    allowed: usize,
    window: Duration,
    failures: VecDeque<Instant>,
}

impl LoginBudget {
    pub fn new(logins: Logins) -> Self {
        Self {
            allowed: logins.budget(),
            // A second more than the device's window: the two clocks are not one.
            window: Duration::from_secs(logins.window_seconds + 1),
            failures: VecDeque::new(),
        }
    }

    /// Waits until one more failed login keeps the failures within the window below the
    /// device's limit. With no budget at all (a device that blocks at the first failure) it
    /// never admits one: `false`.
    pub async fn admit(&mut self) -> bool {
        if self.allowed == 0 {
            return false;
        }
        loop {
            let now = Instant::now();
            while self
                .failures
                .front()
                .is_some_and(|at| now.duration_since(*at) >= self.window)
            {
                self.failures.pop_front();
            }
            if self.failures.len() < self.allowed {
                return true;
            }
            if let Some(oldest) = self.failures.front() {
                tokio::time::sleep_until(*oldest + self.window).await;
            }
        }
    }

    /// Whether one more failed login now keeps the failures within the window below the
    /// device's limit, without waiting.
    pub fn has_room(&self) -> bool {
        let now = Instant::now();
        let recent = self
            .failures
            .iter()
            .filter(|at| now.duration_since(**at) < self.window)
            .count();
        recent < self.allowed
    }

    /// A failed login just happened.
    pub fn record(&mut self) {
        self.failures.push_back(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_budget_waits_out_the_window_and_never_reaches_the_limit() {
        let mut budget = LoginBudget::new(Logins {
            block_after: 3,
            window_seconds: 10,
        });
        let started = Instant::now();
        for _ in 0..2 {
            assert!(budget.admit().await);
            budget.record();
        }
        assert!(started.elapsed() < Duration::from_secs(1));
        // A third failure would block: the budget waits until the first leaves the window.
        assert!(budget.admit().await);
        assert!(started.elapsed() >= Duration::from_secs(11));
    }

    #[tokio::test(start_paused = true)]
    async fn a_device_that_blocks_at_once_gets_no_failed_login() {
        let mut budget = LoginBudget::new(Logins {
            block_after: 1,
            window_seconds: 60,
        });
        assert!(!budget.admit().await);
    }
}
