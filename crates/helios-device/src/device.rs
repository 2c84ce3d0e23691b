//! The device: its profile, clock, simulated hardware, event log and authentication state,
//! behind one lock that no request holds across an await.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use helios_wire::event::{Event, EventRecord};

use crate::auth::Authenticator;
use crate::clock::Clock;
use crate::events::{EventLog, Stamp};
use crate::hardware::{SimAudio, SimCalls, SimSip};
use crate::hardware::{SimPorts, SimSwitches};
use crate::profile::Profile;

/// Everything that changes.
#[derive(Debug)]
pub struct State {
    pub switches: SimSwitches,
    pub ports: SimPorts,
    pub events: EventLog,
    pub auth: Authenticator,
    pub sip: SimSip,
    pub calls: SimCalls,
    pub audio: SimAudio,
}

/// The reference intercom.
#[derive(Debug)]
pub struct Device {
    pub profile: Profile,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

impl Device {
    /// A device that has just started: its first event is `DeviceState` startup.
    pub fn new(profile: Profile, clock: Arc<dyn Clock>) -> Arc<Self> {
        let state = State {
            switches: SimSwitches::new(&profile.switches.0),
            ports: SimPorts::new(&profile.ports),
            events: EventLog::new(),
            auth: Authenticator::new(&profile),
            sip: SimSip::new(&profile.sip_accounts),
            calls: SimCalls::from_profile(&profile),
            audio: SimAudio::new(profile.hardware.audio_fault || !profile.hardware.microphone),
        };
        let device = Arc::new(Self {
            profile,
            clock,
            state: Mutex::new(state),
        });
        let started = device.now();
        device.with_state(|state, stamp| {
            state.events.raise(
                Event::DeviceState {
                    state: "startup".into(),
                },
                stamp,
            );
            // The SIP accounts start registering once the device is up.
            for event in state.sip.start(started) {
                state.events.raise(event, stamp);
            }
        });
        device
    }

    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    /// Uptime now.
    pub fn now(&self) -> Duration {
        self.clock.uptime()
    }

    /// The stamp of an event that happens at uptime `at` (now or in the recent past).
    pub fn stamp_at(&self, at: Duration) -> Stamp {
        let now = self.clock.uptime();
        let utc = self.clock.unix().saturating_sub(now.saturating_sub(at));
        Stamp {
            utc_time: secs(utc),
            up_time: secs(at),
            tz_shift: self
                .profile
                .firmware()
                .ge(&helios_spec::Version::V2_15)
                .then_some(self.profile.device.tz_shift),
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
        [
            state.switches.next_deadline(),
            state.sip.next_deadline(),
            state.calls.next_deadline(),
            state.audio.next_deadline(),
        ]
        .into_iter()
        .flatten()
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
        // Registrations, calls and audio tests, merged so that their events come in time order.
        let now = self.now();
        let mut changes = state.sip.settle(now);
        changes.extend(state.calls.settle(now));
        changes.extend(state.audio.settle(now));
        changes.sort_by_key(|(at, _)| *at);
        for (at, event) in changes {
            let stamp = self.stamp_at(at);
            state.events.raise(event, stamp);
        }
    }

    /// A call arrives from `peer` (a SIP URI or a phone number), the simulation's stimulus: it
    /// rings as an incoming session, with its `CallStateChanged` event. Returns the session.
    pub fn incoming_call(&self, peer: &str) -> Result<u32, crate::hardware::CallError> {
        let now = self.now();
        self.with_state(|state, stamp| {
            let (session, event) = state.calls.incoming(peer, now)?;
            state.events.raise(event, stamp);
            Ok(session)
        })
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
