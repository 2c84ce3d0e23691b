//! What a switch may be doing, and the judgement of `switch/ctrl` and `switch/status` answers
//! against it.

use std::time::Duration;

use helios_client::Call;
use helios_spec::ErrorCode;
use helios_spec::functions::switch;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::time::Instant;

use crate::discovery::SwitchCaps;
use crate::model::{Answer, Transcript};
use crate::verdict::Stop;

/// What a request asks of a switch.
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Maybe {
    Off,
    /// A bistable switch that is on.
    On,
    /// A monostable switch switched on by a request sent at `from` and answered at `to`.
    Timed {
        from: Instant,
        to: Instant,
    },
}

/// One switch as the runner knows it.
#[derive(Debug)]
pub(super) struct KnownSwitch {
    pub(super) caps: SwitchCaps,
    pub(super) states: Vec<Maybe>,
}

/// What a sequence knows of the switches.
#[derive(Debug)]
pub struct KnownSwitches {
    pub(super) switches: Vec<KnownSwitch>,
    pub(super) tolerance: Duration,
}

impl KnownSwitches {
    /// Whether `maybe` can be active, or inactive, during [`sent`, `received`].
    fn can_be(
        &self,
        caps: &SwitchCaps,
        maybe: Maybe,
        sent: Instant,
        received: Instant,
    ) -> (bool, bool) {
        match (maybe, caps.monostable) {
            (Maybe::Off, _) => (false, true),
            (Maybe::On, _) => (true, false),
            (Maybe::Timed { from, to }, Some(seconds)) => {
                let duration = Duration::from_secs(u64::from(seconds));
                let surely_on = received + self.tolerance < from + duration;
                let surely_off = sent > to + duration + self.tolerance;
                (!surely_off, !surely_on)
            }
            (Maybe::Timed { .. }, None) => (true, false),
        }
    }
}

pub(super) fn push(states: &mut Vec<Maybe>, state: Maybe) {
    if !states.contains(&state) {
        states.push(state);
    }
}

pub(super) fn ctrl(switch: u8, action: Action) -> Call {
    Call::new(&switch::ctrl::FUNCTION)
        .param("switch", switch)
        .param("action", action.word())
}

/// Judges a `switch/ctrl` answer and moves what the switch may be doing.
pub(super) fn control(
    known: &mut KnownSwitches,
    switch: u8,
    action: Action,
    answer: &Answer,
    transcript: &mut Transcript,
) -> Result<(), Stop> {
    let what = format!("switch/ctrl switch={switch} action={}", action.word());
    let Some(index) = known.switches.iter().position(|k| k.caps.switch == switch) else {
        return answer.refused(
            transcript,
            &what,
            ErrorCode::InvalidParameter,
            Some("switch"),
            &[],
        );
    };
    let caps = known.switches[index].caps;
    if !caps.enabled {
        return answer.refused(
            transcript,
            &what,
            ErrorCode::ProcessingError,
            None,
            &[(ErrorCode::InvalidParameter, "switch-ctrl-disabled")],
        );
    }
    answer.success()?;
    let switched_on = match caps.monostable {
        Some(_) => Maybe::Timed {
            from: answer.sent,
            to: answer.received,
        },
        None => Maybe::On,
    };
    let mut next = Vec::new();
    for maybe in known.switches[index].states.clone() {
        let (active, inactive) = known.can_be(&caps, maybe, answer.sent, answer.received);
        match action {
            Action::Off => push(&mut next, Maybe::Off),
            Action::On => {
                // The manual does not say whether switching an active monostable switch on
                // again restarts its duration: both are kept.
                if active && matches!(maybe, Maybe::Timed { .. }) {
                    push(&mut next, maybe);
                }
                push(&mut next, switched_on);
            }
            Action::Trigger => {
                if active {
                    push(&mut next, Maybe::Off);
                }
                if inactive {
                    push(&mut next, switched_on);
                }
            }
        }
    }
    known.switches[index].states = next;
    Ok(())
}

/// Judges a `switch/status` result against what each switch may be doing.
pub(super) fn status(
    known: &mut KnownSwitches,
    wanted: Option<u8>,
    result: &Value,
    answer: &Answer,
    transcript: &mut Transcript,
) -> Result<(), Stop> {
    let items = result["switches"].as_array().cloned().unwrap_or_default();
    if let Some(id) = wanted
        && (items.len() != 1 || items[0]["switch"].as_u64() != Some(u64::from(id)))
    {
        return Err(Stop::Fail(format!(
            "switch/status switch={id} lists {} items, not that switch alone",
            items.len()
        )));
    }
    for one in known
        .switches
        .iter()
        .filter(|k| wanted.is_none_or(|id| id == k.caps.switch))
    {
        let id = one.caps.switch;
        if !items
            .iter()
            .any(|i| i["switch"].as_u64() == Some(u64::from(id)))
        {
            transcript.finding(
                "switch-status-extra",
                format!("switch/status does not list switch {id}"),
            );
        }
    }
    let tolerance = known.tolerance;
    for item in &items {
        let Some(id) = item["switch"].as_u64() else {
            return Err(Stop::Fail(format!(
                "a switch/status item without a switch: {item}"
            )));
        };
        let Some(index) = known
            .switches
            .iter()
            .position(|k| u64::from(k.caps.switch) == id)
        else {
            transcript.finding(
                "switch-status-extra",
                format!("switch/status lists switch {id}, which switch/caps does not"),
            );
            continue;
        };
        let Some(active) = item["active"].as_bool() else {
            return Err(Stop::Fail(format!(
                "switch {id}: active is not a boolean: {item}"
            )));
        };
        let caps = known.switches[index].caps;
        let mut next = Vec::new();
        for maybe in known.switches[index].states.clone() {
            let (can_active, can_inactive) =
                known.can_be(&caps, maybe, answer.sent, answer.received);
            if active && can_active {
                push(&mut next, maybe);
            } else if !active && can_inactive {
                push(&mut next, Maybe::Off);
            }
        }
        if next.is_empty() {
            return Err(Stop::Fail(format!(
                "switch {id} ({}) is {}, but the model has it {}",
                describe(&caps),
                if active { "active" } else { "inactive" },
                expectation(&known.switches[index].states, answer.sent, tolerance, &caps),
            )));
        }
        known.switches[index].states = next;
    }
    Ok(())
}

pub(super) fn describe(caps: &SwitchCaps) -> String {
    match (caps.enabled, caps.monostable) {
        (false, _) => "disabled".into(),
        (true, Some(seconds)) => format!("monostable, {seconds} s"),
        (true, None) => "bistable".into(),
    }
}

pub(super) fn expectation(
    states: &[Maybe],
    at: Instant,
    tolerance: Duration,
    caps: &SwitchCaps,
) -> String {
    let words: Vec<String> = states
        .iter()
        .map(|maybe| match maybe {
            Maybe::Off => "off".into(),
            Maybe::On => "on".into(),
            Maybe::Timed { from, .. } => format!(
                "on since {} ms (off after {} s ± {} ms)",
                at.saturating_duration_since(*from).as_millis(),
                caps.monostable.unwrap_or(0),
                tolerance.as_millis()
            ),
        })
        .collect();
    words.join(" or ")
}
