//! The switch model (manual 5.8 to 5.10): `on`, `off` and `trigger` across the switches, with
//! `switch/status` and `switch/caps` read in between. A monostable switch is active for its
//! `switchOnDuration` after it was switched on, then off by itself; a bistable one holds; a
//! disabled one refuses control (14, erratum `switch-ctrl-disabled`) and stays off; a switch
//! `switch/caps` does not list answers 12 naming `switch` (erratum `switch-domain`).
//!
//! Time is real: each request has the window between its sending and its reply, and a status
//! read within `switch_ms` of a monostable deadline may find either state. The runner keeps
//! every state the device may be in and narrows it with each answer; an answer that fits none
//! is a departure.

use std::time::Duration;

use helios_client::Call;
use helios_spec::ErrorCode;
use helios_spec::functions::switch;
use proptest::prelude::*;
use proptest::sample::select;
use proptest_state_machine::ReferenceStateMachine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::time::Instant;

use super::{Answer, Departure, Log, Model};
use crate::discovery::SwitchCaps;
use crate::session::Session;

/// The switches as discovered, and the model's prediction in virtual time.
#[derive(Clone, Debug, Default)]
pub struct Switches {
    pub caps: Vec<SwitchCaps>,
    /// A switch id `switch/caps` does not list, for refusals.
    pub unknown: Option<u8>,
    /// Per switch (in `caps` order): virtual milliseconds until it turns off, `u64::MAX` for a
    /// bistable one that is on; `None` while off.
    on_until: Vec<Option<u64>>,
}

impl Switches {
    pub fn new(caps: Vec<SwitchCaps>) -> Self {
        let unknown = caps
            .iter()
            .map(|c| c.switch)
            .max()
            .and_then(|m| m.checked_add(1));
        let on_until = vec![None; caps.len()];
        Self {
            caps,
            unknown,
            on_until,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    On,
    Off,
    Trigger,
}

impl Action {
    pub const fn word(self) -> &'static str {
        match self {
            Self::On => "on",
            Self::Off => "off",
            Self::Trigger => "trigger",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "lowercase")]
pub enum SwitchStep {
    Ctrl { switch: u8, action: Action },
    Status { switch: Option<u8> },
    Caps { switch: Option<u8> },
    Wait { ms: u64 },
}

impl ReferenceStateMachine for Switches {
    type State = Self;
    type Transition = SwitchStep;

    /// A device with no switches; the driver starts from the discovered ones instead.
    fn init_state() -> BoxedStrategy<Self> {
        Just(Self::default()).boxed()
    }

    fn transitions(state: &Self) -> BoxedStrategy<SwitchStep> {
        let listed: Vec<u8> = state.caps.iter().map(|c| c.switch).collect();
        if listed.is_empty() {
            return Just(SwitchStep::Wait { ms: 0 }).boxed();
        }
        let mut ids = listed.clone();
        ids.extend(state.unknown);
        let actions = vec![Action::On, Action::Off, Action::Trigger];
        prop_oneof![
            8 => (select(ids), select(actions))
                .prop_map(|(switch, action)| SwitchStep::Ctrl { switch, action }),
            5 => proptest::option::of(select(listed.clone()))
                .prop_map(|switch| SwitchStep::Status { switch }),
            1 => proptest::option::of(select(listed))
                .prop_map(|switch| SwitchStep::Caps { switch }),
            1 => select(vec![50u64, 150, 400]).prop_map(|ms| SwitchStep::Wait { ms }),
        ]
        .boxed()
    }

    fn apply(mut state: Self, transition: &SwitchStep) -> Self {
        match *transition {
            SwitchStep::Ctrl { switch, action } => {
                if let Some(index) = state.caps.iter().position(|c| c.switch == switch)
                    && state.caps[index].enabled
                {
                    let on = match action {
                        Action::On => true,
                        Action::Off => false,
                        Action::Trigger => state.on_until[index].is_none(),
                    };
                    state.on_until[index] = on.then(|| {
                        state.caps[index]
                            .monostable
                            .map_or(u64::MAX, |seconds| u64::from(seconds) * 1000)
                    });
                }
            }
            SwitchStep::Wait { ms } => {
                for until in state.on_until.iter_mut() {
                    *until = until
                        .and_then(|left| left.checked_sub(ms))
                        .filter(|l| *l > 0);
                }
            }
            SwitchStep::Status { .. } | SwitchStep::Caps { .. } => {}
        }
        state
    }
}

/// What a switch may be doing.
impl Model for Switches {
    const ID: &'static str = "model.switch";
    const FUNCTION: &'static helios_spec::Function = &switch::ctrl::FUNCTION;
    const EXPECTED: &'static str = "switch/ctrl, status and caps follow the switch model: monostable \
        switches off after switchOnDuration, bistable ones hold, disabled and unknown ones refuse";
    /// The switches to switch off when the run ends.
    type Context = Vec<u8>;
    type Run = Run;

    fn not_applicable(state: &Self) -> Option<String> {
        state
            .caps
            .is_empty()
            .then(|| "switch/caps lists no switches".into())
    }

    async fn start(
        session: &mut Session<'_>,
        enabled: &mut Vec<u8>,
        state: &Self,
        log: &mut Log,
    ) -> Result<Run, Departure> {
        enabled.clone_from(
            &state
                .caps
                .iter()
                .filter(|c| c.enabled)
                .map(|c| c.switch)
                .collect(),
        );
        for caps in state.caps.iter().filter(|c| c.enabled) {
            let call = ctrl(caps.switch, Action::Off);
            log.send(session, call).await?.success()?;
        }
        Ok(Run {
            known: state
                .caps
                .iter()
                .map(|caps| Known {
                    caps: *caps,
                    states: vec![Maybe::Off],
                })
                .collect(),
            tolerance: Duration::from_millis(session.profile.tolerances.switch_ms),
        })
    }

    async fn step(
        session: &mut Session<'_>,
        _: &mut Vec<u8>,
        run: &mut Run,
        transition: &SwitchStep,
        log: &mut Log,
    ) -> Result<(), Departure> {
        match *transition {
            SwitchStep::Ctrl { switch, action } => {
                let answer = log.send(session, ctrl(switch, action)).await?;
                control(run, switch, action, &answer, log)
            }
            SwitchStep::Status { switch } => {
                let mut call = Call::new(&switch::status::FUNCTION);
                if let Some(id) = switch {
                    call = call.param("switch", id);
                }
                let answer = log.send(session, call).await?;
                let result = answer.success()?.clone();
                status(run, switch, &result, &answer, log)
            }
            SwitchStep::Caps { switch } => {
                let mut call = Call::new(&switch::caps::FUNCTION);
                if let Some(id) = switch {
                    call = call.param("switch", id);
                }
                let answer = log.send(session, call).await?;
                let mut found = crate::discovery::Discovered::default();
                found.read_switch_caps(answer.success()?);
                let expected: Vec<SwitchCaps> = run
                    .known
                    .iter()
                    .map(|k| k.caps)
                    .filter(|c| switch.is_none_or(|id| id == c.switch))
                    .collect();
                if found.switch_caps == expected {
                    Ok(())
                } else {
                    Err(Departure::Fail(format!(
                        "switch/caps changed: {:?}, first {expected:?}",
                        found.switch_caps
                    )))
                }
            }
            SwitchStep::Wait { ms } => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                Ok(())
            }
        }
    }

    /// The next sequence's `start` switches everything off anyway.
    async fn finish(_: &mut Session<'_>, _: &mut Vec<u8>, _: Run) {}

    async fn close(session: &mut Session<'_>, enabled: Vec<u8>) {
        let mut log = Log::default();
        for switch in enabled {
            let _ = log.send(session, ctrl(switch, Action::Off)).await;
        }
    }
}

mod judge;
pub use judge::Run;
use judge::{Known, Maybe, control, ctrl, status};
