//! Time, read through a trait so that tests drive it: the wall clock for `systemTime` and event
//! times, a monotonic count since start for `upTime` and for every timeout of the simulation.

use std::sync::{Arc, Mutex};
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

/// The clock as the running device sees it: the wall clock of `inner`, and an uptime that starts
/// again at zero when the device restarts (`system/restart`, `firmware/apply`), whatever clock is
/// underneath.
#[derive(Debug)]
pub struct BootClock {
    inner: Arc<dyn Clock>,
    /// The underlying clock's uptime at the last start.
    booted_at: Mutex<Duration>,
    /// Seconds the device's real time runs ahead of `inner`'s (behind when negative): zero but
    /// for the fault catalogue's `clock-ahead`.
    offset: i64,
}

impl BootClock {
    /// A device that starts now: `inner`'s uptime so far counts as before the start.
    pub fn new(inner: Arc<dyn Clock>) -> Self {
        let booted_at = Mutex::new(inner.uptime());
        Self {
            inner,
            booted_at,
            offset: 0,
        }
    }

    /// The same clock with a real time `seconds` ahead of the one underneath (behind when
    /// negative); the uptime is untouched.
    pub fn offset(self, seconds: i64) -> Self {
        Self {
            offset: seconds,
            ..self
        }
    }

    /// The clock underneath, which a restart does not touch.
    pub fn inner(&self) -> &Arc<dyn Clock> {
        &self.inner
    }

    /// Restarts at uptime `at` of the current run (now or in the recent past): the uptime is
    /// then the time since that moment.
    pub fn restart_at(&self, at: Duration) {
        let mut booted_at = self.booted_at.lock().unwrap_or_else(|e| e.into_inner());
        *booted_at = (*booted_at + at).min(self.inner.uptime());
    }
}

impl Clock for BootClock {
    fn unix(&self) -> Duration {
        let unix = self.inner.unix();
        let by = Duration::from_secs(self.offset.unsigned_abs());
        if self.offset >= 0 {
            unix + by
        } else {
            unix.saturating_sub(by)
        }
    }

    fn uptime(&self) -> Duration {
        let booted_at = *self.booted_at.lock().unwrap_or_else(|e| e.into_inner());
        self.inner.uptime().saturating_sub(booted_at)
    }
}
