//! The camera's memory (the `time` parameter of 5.20): one capture per second for the last
//! [`MEMORY_SECONDS`] seconds, written as the device clock passes each whole second.
//!
//! A capture of the synthetic sensor is what the scene needs to be drawn again: the frame's
//! tick and the wall-clock time at that instant. That is what a real intercom's buffer of raw
//! video amounts to for a scene drawn from the clock, and it costs a few bytes a second instead
//! of a JPEG per second for every source and resolution a client might ask for later. The JPEG
//! of a past second is encoded from its capture on demand, through the same frame cache as live
//! frames, so a frame that was served live comes back from memory as the very same bytes.

use std::collections::VecDeque;
use std::time::Duration;

use helios_spec::functions::camera::snapshot::MEMORY_SECONDS;

use super::scene::FRAME_RATE;

/// What the sensor recorded at one whole second of uptime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capture {
    /// Whole seconds of uptime.
    pub second: u64,
    /// Unix time then, in milliseconds.
    pub unix_ms: u64,
}

impl Capture {
    /// The frame clock's tick at this second.
    pub fn tick(&self) -> u64 {
        self.second * FRAME_RATE
    }
}

/// The ring of captures: seconds `now - MEMORY_SECONDS ..= now`, oldest first.
#[derive(Debug, Default)]
pub struct Memory {
    captures: VecDeque<Capture>,
}

/// How many captures the ring keeps: the current second and the thirty before it.
const CAPACITY: usize = MEMORY_SECONDS.unsigned_abs() as usize + 1;

impl Memory {
    /// Records every whole second up to `uptime` not yet recorded, reading the wall clock back
    /// from `unix` (the wall time at `uptime`). After a long jump of a manual clock, only the
    /// seconds the ring can hold are recorded.
    pub fn record(&mut self, uptime: Duration, unix: Duration) {
        let now = uptime.as_secs();
        let oldest_kept = now.saturating_sub(CAPACITY as u64 - 1);
        let first = match self.captures.back() {
            Some(last) => (last.second + 1).max(oldest_kept),
            None => oldest_kept,
        };
        let (uptime_ms, unix_ms) = (millis(uptime), millis(unix));
        for second in first..=now {
            let ago = uptime_ms.saturating_sub(second * 1000);
            self.captures.push_back(Capture {
                second,
                unix_ms: unix_ms.saturating_sub(ago),
            });
        }
        while self.captures.len() > CAPACITY {
            self.captures.pop_front();
        }
    }

    /// The capture of a whole second, if the ring holds it.
    pub fn at(&self, second: u64) -> Option<Capture> {
        let first = self.captures.front()?.second;
        let index = usize::try_from(second.checked_sub(first)?).ok()?;
        self.captures.get(index).copied()
    }

    pub fn len(&self) -> usize {
        self.captures.len()
    }

    pub fn is_empty(&self) -> bool {
        self.captures.is_empty()
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIX: u64 = 1_437_987_102;

    fn at(seconds: u64, millis: u64) -> (Duration, Duration) {
        let uptime = Duration::from_millis(seconds * 1000 + millis);
        (uptime, Duration::from_secs(UNIX) + uptime)
    }

    #[test]
    fn one_capture_per_second_bounded_to_the_window() {
        let mut memory = Memory::default();
        let (uptime, unix) = at(0, 0);
        memory.record(uptime, unix);
        assert_eq!(memory.len(), 1);
        let (uptime, unix) = at(5, 400);
        memory.record(uptime, unix);
        assert_eq!(memory.len(), 6);
        assert_eq!(
            memory.at(3),
            Some(Capture {
                second: 3,
                unix_ms: (UNIX + 3) * 1000
            })
        );
        let (uptime, unix) = at(1000, 0);
        memory.record(uptime, unix);
        assert_eq!(memory.len(), CAPACITY);
        assert_eq!(memory.at(969), None);
        assert_eq!(memory.at(970).map(|c| c.second), Some(970));
        assert_eq!(memory.at(1000).map(|c| c.tick()), Some(15_000));
        assert_eq!(memory.at(1001), None);
    }
}
