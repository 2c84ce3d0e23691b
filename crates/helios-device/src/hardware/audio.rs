//! The automatic audio loop test (manual 5.27 and the `AudioLoopTest` event), simulated: the
//! loudspeaker plays a test signal that the microphone should hear.
//!
//! A test takes [`LOOP_TEST_TIME`] (2 s) of device time and then yields one `AudioLoopTest`
//! event: `passed`, or `failed` when the profile says the loudspeaker or microphone is faulty
//! (`hardware.audio_fault`) or the model has no microphone. A request while a test runs starts no
//! second one (erratum `audio-test-overlap`).

use std::time::Duration;

use helios_wire::event::Event;

/// How long one loop test takes.
pub const LOOP_TEST_TIME: Duration = Duration::from_secs(2);

/// The loudspeaker and microphone.
#[derive(Clone, Debug)]
pub struct SimAudio {
    /// Whether a loop test finds a problem.
    faulty: bool,
    /// When the running test ends, if one runs.
    running_until: Option<Duration>,
}

impl SimAudio {
    pub fn new(faulty: bool) -> Self {
        Self {
            faulty,
            running_until: None,
        }
    }

    /// Starts a loop test unless one runs; returns whether it started one.
    pub fn start_loop_test(&mut self, now: Duration) -> bool {
        if self.running_until.is_some() {
            return false;
        }
        self.running_until = Some(now + LOOP_TEST_TIME);
        true
    }

    /// Ends the test due by `now`, with its event at its due time.
    pub fn settle(&mut self, now: Duration) -> Vec<(Duration, Event)> {
        match self.running_until {
            Some(end) if end <= now => {
                self.running_until = None;
                let result = if self.faulty { "failed" } else { "passed" };
                vec![(
                    end,
                    Event::AudioLoopTest {
                        result: result.to_owned(),
                    },
                )]
            }
            _ => Vec::new(),
        }
    }

    pub fn next_deadline(&self) -> Option<Duration> {
        self.running_until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_ends_once_after_its_time() {
        let mut audio = SimAudio::new(false);
        assert!(audio.start_loop_test(Duration::ZERO));
        assert!(!audio.start_loop_test(Duration::from_secs(1)));
        assert!(audio.settle(Duration::from_secs(1)).is_empty());
        let ended = audio.settle(Duration::from_secs(9));
        assert_eq!(
            ended,
            [(
                LOOP_TEST_TIME,
                Event::AudioLoopTest {
                    result: "passed".into()
                }
            )]
        );
        assert!(audio.settle(Duration::from_secs(20)).is_empty());
        assert!(audio.start_loop_test(Duration::from_secs(20)));
    }
}
