//! The system functions' simulation (manual 5.3 to 5.7): the operations a request schedules
//! (a restart, a configuration upload, a factory reset, a firmware installation) wait here
//! until the device carries them out when their time comes (`Device::settle`), so that they
//! happen deterministically under a manual clock, after the reply that scheduled them.
//!
//! A configuration upload takes effect `config_delay` seconds after its reply, without a
//! restart; a factory reset restores the profile's configuration after the same delay and then
//! restarts; `system/restart` and `firmware/apply` restart `restart_delay` seconds after their
//! reply (erratum `config-delay`). A restart forgets whatever is still pending, as a device
//! switched off during the delay does.

pub mod config;
pub mod firmware;
pub mod store;

use std::time::Duration;

/// What the system functions left to do, and the firmware waiting to be applied; a restart
/// forgets both.
#[derive(Debug, Default)]
pub struct SystemState {
    /// The image of the last `firmware` PUT, until `firmware/apply` installs it.
    pub uploaded: Option<firmware::Image>,
    pending: Vec<(Duration, Operation)>,
}

/// An operation that happens after its reply.
#[derive(Debug)]
pub enum Operation {
    Restart,
    ApplyConfig(Box<config::Config>),
    FactoryReset,
    InstallFirmware(firmware::Image),
}

impl SystemState {
    /// Schedules `operation` at uptime `at`; operations due at the same time happen in the order
    /// they were scheduled.
    pub fn schedule(&mut self, at: Duration, operation: Operation) {
        let index = self.pending.partition_point(|(due, _)| *due <= at);
        self.pending.insert(index, (at, operation));
    }

    /// When the next operation is due.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.pending.first().map(|(due, _)| *due)
    }

    /// The next operation due by `now`, with its due time, taken off the schedule.
    pub fn take_due(&mut self, now: Duration) -> Option<(Duration, Operation)> {
        match self.pending.first() {
            Some((due, _)) if *due <= now => Some(self.pending.remove(0)),
            _ => None,
        }
    }
}

/// The device's MAC address, in 2N's range, derived from the profile's seed so that it is
/// stable per profile: `system/info` reports it and the capture's frames carry it.
pub fn mac_address(seed: u64) -> [u8; 6] {
    let bytes = seed.to_be_bytes();
    [0x7C, 0x1E, 0xB3, bytes[5], bytes[6], bytes[7]]
}
