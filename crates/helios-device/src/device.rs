//! The device: its profile, clock, simulated hardware, event log and authentication state,
//! behind one lock that no request holds across an await.
//!
//! The profile the device was started with is its factory configuration; the running
//! configuration ([`Device::config`]) starts as that profile (or as what the state directory
//! kept) and is replaced by configuration uploads, factory resets and firmware installations.
//! Settings are read from [`Device::config`]; `profile` tells only what the device left the
//! factory with. A restart ([`Device::restart`]) builds the [`State`] anew.

use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use helios_wire::event::{Event, EventRecord};
use tokio::sync::watch;

use crate::auth::Authenticator;
use crate::capture::Capture;
use crate::clock::{BootClock, Clock};
use crate::events::{EventLog, Stamp};
use crate::faults::{Fault, Faults};
use crate::hardware::{
    Camera, DisplayContent, Ports, SimAudio, SimCalls, SimDisplays, SimPorts, SimSip, SimSwitches,
    Switches,
};
use crate::profile::Profile;
use crate::system::{Operation, SystemState, config::Running};

/// Everything that changes.
#[derive(Debug)]
pub struct State {
    pub switches: Box<dyn Switches>,
    pub ports: Box<dyn Ports>,
    pub events: EventLog,
    pub auth: Authenticator,
    pub displays: SimDisplays,
    pub sip: SimSip,
    pub calls: SimCalls,
    pub audio: SimAudio,
    pub system: SystemState,
}

impl State {
    /// The state of a device that has just started with `profile`, with the firmware's `faults`.
    fn new(profile: &Profile, faults: Faults) -> Self {
        Self {
            switches: Box::new(SimSwitches::new(&profile.switches.0).with_faults(faults)),
            ports: Box::new(SimPorts::new(&profile.ports)),
            events: EventLog::for_firmware(profile.firmware()),
            auth: Authenticator::new(profile),
            displays: SimDisplays::default(),
            sip: SimSip::new(&profile.sip_accounts),
            calls: SimCalls::from_profile(profile),
            audio: SimAudio::new(profile.hardware.audio_fault || !profile.hardware.microphone),
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
    /// Bumped whenever the state may have changed (an event raised, time passed), so that
    /// waiting pulls look again.
    changes: tokio::sync::watch::Sender<u64>,
    me: Weak<Device>,
    /// Outside the state's lock: see `hardware::camera`.
    camera: Option<Arc<Camera>>,
    running: Running,
    capture: Arc<Capture>,
    /// Counts the restarts, so that the server can drop the connections of the device that was.
    boots: watch::Sender<u64>,
}

/// The fault `extra-switch`: the hardware has one switch more than its profile, disabled and
/// numbered after the last (when a number from 1 to 4 is left), so that every function reports
/// it alike and only a declaration written from the profile misses it.
fn extra_switch(mut profile: Profile) -> Profile {
    if !profile.faults.has(Fault::ExtraSwitch) {
        return profile;
    }
    let last = profile
        .switches
        .0
        .iter()
        .map(|s| s.switch.0)
        .max()
        .unwrap_or(0);
    if let Ok(switch) = crate::profile::SwitchId::try_from(i64::from(last) + 1) {
        profile.switches.0.push(crate::profile::Switch {
            switch,
            enabled: false,
            mode: crate::profile::SwitchMode::default(),
            duration: 5,
            kind: crate::profile::SwitchType::default(),
        });
    }
    profile
}

impl Device {
    /// A device that has just started: its first event is `DeviceState` startup.
    pub fn new(profile: Profile, clock: Arc<dyn Clock>) -> Arc<Self> {
        let profile = extra_switch(profile);
        let running = Running::load(&profile);
        let state = State::new(&running.profile(), profile.faults);
        let mac = crate::system::mac_address(profile.device.seed);
        let offset = clock_offset(&profile);
        let camera = profile
            .camera
            .clone()
            .map(|config| Arc::new(Camera::new(config, profile.device.tz_shift, clock.clone())));
        let device = Arc::new_cyclic(|me| Self {
            profile,
            capture: Arc::new(Capture::new(clock.clone(), mac, crate::capture::CAPACITY)),
            clock: BootClock::new(clock).offset(offset),
            state: Mutex::new(state),
            camera,
            changes: tokio::sync::watch::Sender::new(0),
            me: me.clone(),
            running,
            boots: watch::Sender::new(0),
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
        &self.clock
    }

    /// The faults the device was started with: the firmware's, so that no configuration
    /// upload or factory reset removes them.
    pub fn faults(&self) -> Faults {
        self.profile.faults
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
        *state = State::new(&self.config(), self.faults());
        let stamp = self.stamp_at(Duration::ZERO);
        state.events.raise(
            Event::DeviceState {
                state: "startup".into(),
            },
            stamp,
        );
        // The SIP accounts register again, as at the first start.
        for event in state.sip.start(Duration::ZERO) {
            state.events.raise(event, stamp);
        }
        self.boots.send_modify(|boots| *boots += 1);
        self.signal_change();
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
        // Which common fields the firmware's generation has (tzShift from 2.15, hash later).
        let present = |name: &str| {
            helios_spec::COMMON_FIELDS
                .iter()
                .find(|field| field.name == name)
                .is_some_and(|field| {
                    field
                        .origin_in(helios_spec::Origin::V2_13)
                        .present_in(config.firmware())
                })
        };
        Stamp {
            utc_time: secs(utc),
            up_time: secs(at),
            tz_shift: present("tzShift").then_some(config.device.tz_shift),
            hash: present("hash"),
        }
    }

    /// Runs `f` on the state, after the simulation has caught up with the clock (monostable
    /// switches that timed out are off, and their events raised at their due time).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State, Stamp) -> R) -> R {
        let (result, raised) = {
            let mut state = self.lock();
            let before = state.events.last_id();
            self.settle(&mut state);
            let stamp = self.stamp_at(self.now());
            let result = f(&mut state, stamp);
            (result, state.events.last_id() != before)
        };
        if raised {
            self.signal_change();
        }
        result
    }

    /// Catches up with the clock; the ticker calls this so that time-outs raise their events
    /// even when nobody asks, and waiting pulls see that time passed.
    pub fn tick(&self) {
        self.with_state(|_, _| ());
        self.signal_change();
    }

    fn signal_change(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that wakes whenever the state may have changed.
    pub fn watch_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// The device as an `Arc`, for work that outlives a borrow (a long-poll).
    pub fn arc(&self) -> Option<Arc<Device>> {
        self.me.upgrade()
    }

    /// The earliest moment the simulation has something to do.
    pub fn next_deadline(&self) -> Option<Duration> {
        let state = self.lock();
        [
            state.switches.next_deadline(),
            state.sip.next_deadline(),
            state.calls.next_deadline(),
            state.audio.next_deadline(),
            state.system.next_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn settle(&self, state: &mut State) {
        if self.faults().has(Fault::SilentRestart) {
            while self.now() >= crate::faults::SILENT_RESTART_AFTER {
                self.restart_locked(state, crate::faults::SILENT_RESTART_AFTER);
            }
        }
        state.events.expire(self.now());
        state.displays.settle(self.now());
        if let Some(camera) = &self.camera {
            camera.settle();
        }
        // Switch time-outs, registrations, calls and audio tests, merged so that their events
        // come in time order.
        let now = self.now();
        let mut changes: Vec<(Duration, Event)> = state
            .switches
            .settle(now)
            .into_iter()
            .map(|change| {
                let event = Event::SwitchStateChanged {
                    switch: u32::from(change.switch),
                    state: change.active,
                };
                (change.at, event)
            })
            .collect();
        changes.extend(state.sip.settle(now));
        changes.extend(state.calls.settle(now));
        changes.extend(state.audio.settle(now));
        changes.sort_by_key(|(at, _)| *at);
        for (at, event) in changes {
            let stamp = self.stamp_at(at);
            state.events.raise(event, stamp);
        }
        self.carry_out_operations(state);
    }

    /// Schedules `operation` `delay` seconds from now (see `crate::system`).
    pub fn schedule(&self, delay: u32, operation: Operation) {
        let at = self.now() + Duration::from_secs(u64::from(delay));
        self.with_state(|state, _| state.system.schedule(at, operation));
    }

    /// Carries out every scheduled operation due by now, each at its due time.
    fn carry_out_operations(&self, state: &mut State) {
        while let Some((at, operation)) = state.system.take_due(self.now()) {
            match operation {
                Operation::Restart => self.restart_locked(state, at),
                Operation::ApplyConfig(config) => {
                    let switches = config.profile.switches.0.clone();
                    self.running().apply(*config);
                    let stamp = self.stamp_at(at);
                    for change in state.switches.reconfigure(&switches, at) {
                        state.events.raise(
                            Event::SwitchStateChanged {
                                switch: u32::from(change.switch),
                                state: change.active,
                            },
                            stamp,
                        );
                    }
                }
                Operation::FactoryReset => {
                    self.running().factory_reset();
                    self.restart_locked(state, at);
                }
                Operation::InstallFirmware(image) => {
                    self.running().install(image.version);
                    self.restart_locked(state, at);
                }
            }
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

    /// The camera, when the profile has one.
    pub fn camera(&self) -> Option<&Arc<Camera>> {
        self.camera.as_ref()
    }

    /// What `display` shows now through `display/image`, if anything.
    pub fn display_content(&self, display: &str) -> Option<DisplayContent> {
        self.with_state(|state, _| state.displays.current(display).cloned())
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

/// How far the device's real-time clock runs ahead of UTC: not at all, but for the fault
/// `clock-ahead`, whose clock keeps the local time of the profile's `tzShift`.
fn clock_offset(profile: &Profile) -> i64 {
    if profile.faults.has(Fault::ClockAhead) {
        i64::from(profile.device.tz_shift) * 60
    } else {
        0
    }
}
