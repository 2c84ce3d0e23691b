//! Switches (manual 5.8 to 5.10): monostable ones switch off `duration` seconds after they were
//! switched on, bistable ones hold; `trigger` changes the state. A security switch behaves as a
//! normal one over the API (erratum `security-switch`).

use std::time::Duration;

use crate::faults::{Fault, Faults};
use crate::profile::{Switch, SwitchMode};

/// What `switch/ctrl` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwitchAction {
    On,
    Off,
    Trigger,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SwitchError {
    #[error("switch {0} does not exist")]
    Unknown(u8),
    #[error("switch {0} is disabled")]
    Disabled(u8),
}

/// A state change, for the event log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwitchChange {
    pub switch: u8,
    pub active: bool,
    /// When it happened, as uptime: a monostable time-out happens at its due time, not when
    /// somebody looks.
    pub at: Duration,
}

#[derive(Clone, Debug)]
struct State {
    config: Switch,
    active: bool,
    /// When a monostable switch that is on goes off.
    off_at: Option<Duration>,
}

/// The simulated switches of a profile.
#[derive(Clone, Debug)]
pub struct SimSwitches {
    switches: Vec<State>,
    faults: Faults,
}

impl SimSwitches {
    pub fn new(config: &[Switch]) -> Self {
        let mut switches: Vec<State> = config
            .iter()
            .map(|config| State {
                config: config.clone(),
                active: false,
                off_at: None,
            })
            .collect();
        switches.sort_by_key(|state| state.config.switch);
        Self {
            switches,
            faults: Faults::NONE,
        }
    }

    /// The same switches with a faulty firmware's `faults` (`disabled-switch-operates`,
    /// `monostable-never-off`).
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    fn state(&self, switch: u8) -> Option<&State> {
        self.switches.iter().find(|s| s.config.switch.0 == switch)
    }
}

impl super::Switches for SimSwitches {
    fn configs(&self) -> Vec<&Switch> {
        self.switches.iter().map(|state| &state.config).collect()
    }

    /// As of the last `settle`.
    fn active(&self, switch: u8) -> Option<bool> {
        self.state(switch).map(|state| state.active)
    }

    fn settle(&mut self, now: Duration) -> Vec<SwitchChange> {
        let mut changes = Vec::new();
        for state in &mut self.switches {
            if let Some(off_at) = state.off_at
                && off_at <= now
            {
                state.active = false;
                state.off_at = None;
                changes.push(SwitchChange {
                    switch: state.config.switch.0,
                    active: false,
                    at: off_at,
                });
            }
        }
        changes.sort_by_key(|change| change.at);
        changes
    }

    fn next_deadline(&self) -> Option<Duration> {
        self.switches.iter().filter_map(|s| s.off_at).min()
    }

    /// Takes a new configuration at `now` (a configuration upload): a switch keeps its state
    /// unless it is now disabled, which switches it off; a monostable one that is on goes off
    /// its new duration after `now` at the latest. Returns the changes.
    fn reconfigure(&mut self, config: &[Switch], now: Duration) -> Vec<SwitchChange> {
        let mut changes = Vec::new();
        for state in &mut self.switches {
            let Some(new) = config.iter().find(|c| c.switch == state.config.switch) else {
                continue;
            };
            state.config = new.clone();
            if state.active && !new.enabled {
                state.active = false;
                changes.push(SwitchChange {
                    switch: new.switch.0,
                    active: false,
                    at: now,
                });
            }
            let latest = now + Duration::from_secs(u64::from(new.duration));
            state.off_at = match (state.active, new.mode) {
                (true, SwitchMode::Monostable) => {
                    Some(state.off_at.map_or(latest, |off_at| off_at.min(latest)))
                }
                _ => None,
            };
        }
        changes
    }

    fn control(
        &mut self,
        switch: u8,
        action: SwitchAction,
        now: Duration,
    ) -> Result<Option<SwitchChange>, SwitchError> {
        let state = self
            .switches
            .iter_mut()
            .find(|s| s.config.switch.0 == switch)
            .ok_or(SwitchError::Unknown(switch))?;
        if !state.config.enabled && !self.faults.has(Fault::DisabledSwitchOperates) {
            return Err(SwitchError::Disabled(switch));
        }
        let on = match action {
            SwitchAction::On => true,
            SwitchAction::Off => false,
            SwitchAction::Trigger => !state.active,
        };
        // A monostable switch switched on (again) stays on for its duration from now.
        state.off_at = match (on, state.config.mode) {
            (true, SwitchMode::Monostable) if !self.faults.has(Fault::MonostableNeverOff) => {
                Some(now + Duration::from_secs(u64::from(state.config.duration)))
            }
            _ => None,
        };
        let changed = state.active != on;
        state.active = on;
        Ok(changed.then_some(SwitchChange {
            switch,
            active: on,
            at: now,
        }))
    }
}
