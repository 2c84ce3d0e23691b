//! Time, read through a trait so that tests drive it: the wall clock for `systemTime` and event
//! times, a monotonic count since start for `upTime` and for every timeout of the simulation.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The device's clock.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Unix time.
    fn unix(&self) -> Duration;
    /// Time since the device started; never goes back.
    fn uptime(&self) -> Duration;
}

/// The machine's clocks.
#[derive(Debug)]
pub struct SystemClock {
    started: Instant,
}

impl SystemClock {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn unix(&self) -> Duration {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    }

    fn uptime(&self) -> Duration {
        self.started.elapsed()
    }
}

/// A clock that moves only when told to.
#[derive(Debug)]
pub struct ManualClock {
    state: Mutex<(Duration, Duration)>,
}

impl ManualClock {
    /// Starts at `unix` with an uptime of zero.
    pub fn new(unix: Duration) -> Self {
        Self {
            state: Mutex::new((unix, Duration::ZERO)),
        }
    }

    pub fn advance(&self, by: Duration) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0 += by;
        state.1 += by;
    }
}

impl Clock for ManualClock {
    fn unix(&self) -> Duration {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0
    }

    fn uptime(&self) -> Duration {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1
    }
}
