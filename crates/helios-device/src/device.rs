//! The device: its profile, clock, simulated hardware, event log and authentication state,
//! behind one lock that no request holds across an await.
//!
//! The profile the device was started with is its factory configuration; the running
//! configuration ([`Device::config`]) starts as that profile (or as what the state directory
//! kept) and is replaced by configuration uploads, factory resets and firmware installations.
//! Settings are read from [`Device::config`]; `profile` tells only what the device left the
//! factory with. A restart ([`Device::restart`]) builds the [`State`] anew.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use helios_wire::event::{Event, EventRecord};
use tokio::sync::watch;

use crate::auth::Authenticator;
use crate::capture::Capture;
use crate::clock::{BootClock, Clock};
use crate::events::{EventLog, Stamp};
use crate::hardware::{SimPorts, SimSwitches};
use crate::profile::Profile;
use crate::system::{SystemState, config::Running};

/// Everything that changes.
#[derive(Debug)]
pub struct State {
    pub switches: SimSwitches,
    pub ports: SimPorts,
    pub events: EventLog,
    pub auth: Authenticator,
    pub system: SystemState,
}

impl State {
    /// The state of a device that has just started with `profile`.
    fn new(profile: &Profile) -> Self {
        Self {
            switches: SimSwitches::new(&profile.switches.0),
            ports: SimPorts::new(&profile.ports),
            events: EventLog::new(),
            auth: Authenticator::new(profile),
            system: SystemState::default(),
        }
    }
}

/// The reference intercom.
#[derive(Debug)]
pub struct Device {
    /// The profile the device started with: its factory configuration.
    pub profile: Profile,
    clock: BootClock,
    state: Mutex<State>,
    running: Running,
    capture: Arc<Capture>,
    /// Counts the restarts, so that the server can drop the connections of the device that was.
    boots: watch::Sender<u64>,
}

impl Device {
    /// A device that has just started: its first event is `DeviceState` startup.
    pub fn new(profile: Profile, clock: Arc<dyn Clock>) -> Arc<Self> {
        let running = Running::load(&profile);
        let state = State::new(&running.profile());
        let mac = crate::system::mac_address(profile.device.seed);
        let device = Arc::new(Self {
            profile,
            capture: Arc::new(Capture::new(clock.clone(), mac, crate::capture::CAPACITY)),
            clock: BootClock::new(clock),
            state: Mutex::new(state),
            running,
            boots: watch::Sender::new(0),
        });
        device.with_state(|state, stamp| {
            state.events.raise(
                Event::DeviceState {
                    state: "startup".into(),
                },
                stamp,
            );
        });
        device
    }

    pub fn clock(&self) -> &dyn Clock {
        &self.clock
    }

    /// The running configuration.
    pub fn config(&self) -> Arc<Profile> {
        self.running.profile()
    }

    /// The running configuration with its document, and what changes it.
    pub fn running(&self) -> &Running {
        &self.running
    }

    /// The packet capture of the device's listeners.
    pub fn capture(&self) -> &Arc<Capture> {
        &self.capture
    }

    /// Tells of every restart, so that connections to the device that was can end.
    pub fn boots(&self) -> watch::Receiver<u64> {
        self.boots.subscribe()
    }

    /// Restarts now: uptime starts again at zero, the state (hardware, events, subscriptions,
    /// logins, pending operations) is built anew from the running configuration, the capture
    /// starts again, and the first event is `DeviceState` startup.
    pub fn restart(&self) {
        let mut state = self.lock();
        let now = self.now();
        self.restart_locked(&mut state, now);
    }

    /// Restarts at uptime `at` (now or in the recent past), with the state already locked.
    pub(crate) fn restart_locked(&self, state: &mut State, at: Duration) {
        self.clock.restart_at(at);
        self.capture.restart();
        *state = State::new(&self.config());
        let stamp = self.stamp_at(Duration::ZERO);
        state.events.raise(
            Event::DeviceState {
                state: "startup".into(),
            },
            stamp,
        );
        self.boots.send_modify(|boots| *boots += 1);
    }

    /// Uptime now.
    pub fn now(&self) -> Duration {
        self.clock.uptime()
    }

    /// The stamp of an event that happens at uptime `at` (now or in the recent past).
    pub fn stamp_at(&self, at: Duration) -> Stamp {
        let now = self.clock.uptime();
        let utc = self.clock.unix().saturating_sub(now.saturating_sub(at));
        let config = self.config();
        Stamp {
            utc_time: secs(utc),
            up_time: secs(at),
            tz_shift: config
                .firmware()
                .ge(&helios_spec::Version::V2_15)
                .then_some(config.device.tz_shift),
        }
    }

    /// Runs `f` on the state, after the simulation has caught up with the clock (monostable
    /// switches that timed out are off, and their events raised at their due time).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State, Stamp) -> R) -> R {
        let mut state = self.lock();
        self.settle(&mut state);
        let stamp = self.stamp_at(self.now());
        f(&mut state, stamp)
    }

    /// Catches up with the clock; the ticker calls this so that time-outs raise their events
    /// even when nobody asks.
    pub fn tick(&self) {
        let mut state = self.lock();
        self.settle(&mut state);
    }

    /// The earliest moment the simulation has something to do.
    pub fn next_deadline(&self) -> Option<Duration> {
        let state = self.lock();
        let system = state.system.next_deadline();
        state
            .switches
            .next_deadline()
            .into_iter()
            .chain(system)
            .min()
    }

    fn settle(&self, state: &mut State) {
        for change in state.switches.settle(self.now()) {
            let stamp = self.stamp_at(change.at);
            state.events.raise(
                Event::SwitchStateChanged {
                    switch: u32::from(change.switch),
                    state: change.active,
                },
                stamp,
            );
        }
        crate::system::settle(self, state);
    }

    /// The outside world sets a logic input (the simulation's stimulus); a change raises
    /// `InputChanged`. Returns whether the state changed.
    pub fn set_input(&self, port: &str, on: bool) -> Result<bool, crate::hardware::PortError> {
        self.with_state(|state, stamp| {
            let changed = state.ports.set_input(port, on)?;
            if changed {
                state.events.raise(
                    Event::InputChanged {
                        port: port.to_owned(),
                        state: on,
                    },
                    stamp,
                );
            }
            Ok(changed)
        })
    }

    /// A copy of the event history.
    pub fn events(&self) -> Vec<EventRecord> {
        self.with_state(|state, _| state.events.records().cloned().collect())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn secs(duration: Duration) -> u32 {
    u32::try_from(duration.as_secs()).unwrap_or(u32::MAX)
}
