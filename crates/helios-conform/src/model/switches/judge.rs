//! What a switch may be doing, and the judgement of `switch/ctrl` and `switch/status` answers
//! against it.

use super::*;

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
pub(super) struct Known {
    pub(super) caps: SwitchCaps,
    pub(super) states: Vec<Maybe>,
}

/// What a sequence knows of the switches.
#[derive(Debug)]
pub struct Run {
    pub(super) known: Vec<Known>,
    pub(super) tolerance: Duration,
}

impl Run {
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
    run: &mut Run,
    switch: u8,
    action: Action,
    answer: &Answer,
    log: &mut Log,
) -> Result<(), Departure> {
    let what = format!("switch/ctrl switch={switch} action={}", action.word());
    let Some(index) = run.known.iter().position(|k| k.caps.switch == switch) else {
        return answer.refused(log, &what, ErrorCode::InvalidParameter, Some("switch"), &[]);
    };
    let caps = run.known[index].caps;
    if !caps.enabled {
        return answer.refused(
            log,
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
    for maybe in run.known[index].states.clone() {
        let (active, inactive) = run.can_be(&caps, maybe, answer.sent, answer.received);
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
    run.known[index].states = next;
    Ok(())
}

/// Judges a `switch/status` result against what each switch may be doing.
pub(super) fn status(
    run: &mut Run,
    wanted: Option<u8>,
    result: &Value,
    answer: &Answer,
    log: &mut Log,
) -> Result<(), Departure> {
    let items = result["switches"].as_array().cloned().unwrap_or_default();
    if let Some(id) = wanted
        && (items.len() != 1 || items[0]["switch"].as_u64() != Some(u64::from(id)))
    {
        return Err(Departure::Fail(format!(
            "switch/status switch={id} lists {} items, not that switch alone",
            items.len()
        )));
    }
    for known in run
        .known
        .iter()
        .filter(|k| wanted.is_none_or(|id| id == k.caps.switch))
    {
        let id = known.caps.switch;
        if !items
            .iter()
            .any(|i| i["switch"].as_u64() == Some(u64::from(id)))
        {
            log.finding(
                "switch-status-extra",
                format!("switch/status does not list switch {id}"),
            );
        }
    }
    let tolerance = run.tolerance;
    for item in &items {
        let Some(id) = item["switch"].as_u64() else {
            return Err(Departure::Fail(format!(
                "a switch/status item without a switch: {item}"
            )));
        };
        let Some(index) = run
            .known
            .iter()
            .position(|k| u64::from(k.caps.switch) == id)
        else {
            log.finding(
                "switch-status-extra",
                format!("switch/status lists switch {id}, which switch/caps does not"),
            );
            continue;
        };
        let Some(active) = item["active"].as_bool() else {
            return Err(Departure::Fail(format!(
                "switch {id}: active is not a boolean: {item}"
            )));
        };
        let caps = run.known[index].caps;
        let mut next = Vec::new();
        for maybe in run.known[index].states.clone() {
            let (can_active, can_inactive) = run.can_be(&caps, maybe, answer.sent, answer.received);
            if active && can_active {
                push(&mut next, maybe);
            } else if !active && can_inactive {
                push(&mut next, Maybe::Off);
            }
        }
        if next.is_empty() {
            return Err(Departure::Fail(format!(
                "switch {id} ({}) is {}, but the model has it {}",
                describe(&caps),
                if active { "active" } else { "inactive" },
                expectation(&run.known[index].states, answer.sent, tolerance, &caps),
            )));
        }
        run.known[index].states = next;
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
