//! `events`: each action the runner can take itself raises its event with the right params
//! (switch and I/O control, a call dialled and hung up, the audio test), delivered to the
//! channel of each account whose privileges allow it and to no other (5.24). Events that need
//! the world outside the device come through the profile's stimulus interface (an input, an
//! incoming call, a card, a key...); without one, in `--interactive` mode the operator is asked
//! to act; otherwise they are not applicable.

use helios_client::Call;
use helios_spec::functions::{audio, call, io, log, switch};
use helios_spec::{Event, Function, Tier};
use serde_json::{Value, json};

use super::observe::{Watch, judge};
use super::{Group, Outcomes};
use crate::model::events::{outside_world, sample_params};
use crate::model::{Departure, Log, stimulus};
use crate::run::Outcome;
use crate::session::Session;
use crate::verdict::Verdict;

pub(super) const GROUP: Group = Group {
    id: "events",
    tier: Tier::Reversible,
    restarts: false,
    run,
};

/// Who rings the incoming call.
const CALLER: &str = "sip:2229@192.0.2.7";

/// Why a check did not judge the device.
enum Skip {
    NotApplicable(String),
    Departure(Departure),
}

impl From<Departure> for Skip {
    fn from(departure: Departure) -> Self {
        Self::Departure(departure)
    }
}

type Checked = Result<String, Skip>;

fn run<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(async move {
        let mut outcomes = Vec::new();
        let mut log = Log::default();
        let result = switch_event(session, &mut log).await;
        outcomes.push(outcome(
            "events.switch",
            &switch::ctrl::FUNCTION,
            log,
            result,
        ));
        let mut log = Log::default();
        let result = filtered_event(session, &mut log).await;
        outcomes.push(outcome(
            "events.filter",
            &log::subscribe::FUNCTION,
            log,
            result,
        ));
        let mut log = Log::default();
        let result = output_event(session, &mut log).await;
        outcomes.push(outcome("events.output", &io::ctrl::FUNCTION, log, result));
        let mut log = Log::default();
        let result = call_event(session, &mut log).await;
        outcomes.push(outcome("events.call", &call::dial::FUNCTION, log, result));
        let mut log = Log::default();
        let result = audio_event(session, &mut log).await;
        outcomes.push(outcome("events.audio", &audio::test::FUNCTION, log, result));
        let mut log = Log::default();
        let result = input_event(session, &mut log).await;
        outcomes.push(outcome("events.input", &io::status::FUNCTION, log, result));
        let mut log = Log::default();
        let result = incoming_event(session, &mut log).await;
        outcomes.push(outcome(
            "events.call.incoming",
            &call::answer::FUNCTION,
            log,
            result,
        ));
        let firmware = session.firmware;
        for event in outside_world(&session.discovered.events, firmware) {
            let mut log = Log::default();
            let result = world_event(session, event, &mut log).await;
            let id = format!("events.world.{}", event.name);
            let function = &helios_spec::functions::log::pull::FUNCTION;
            outcomes.push(outcome(&id, function, log, result));
        }
        outcomes
    })
}

fn outcome(id: &str, function: &Function, log: Log, result: Checked) -> Outcome {
    let mut outcome = Outcome::new(id, function, "event");
    outcome.expected = "the event, with its params, on the channel of each account allowed to \
        see it and on no other"
        .into();
    outcome.verdict = match result {
        Ok(observed) => {
            outcome.observed = observed;
            Verdict::Pass
        }
        Err(Skip::NotApplicable(why)) => Verdict::NotApplicable(why),
        Err(Skip::Departure(Departure::Fail(why))) => Verdict::Fail(why),
        Err(Skip::Departure(Departure::Harness(why))) => Verdict::undecided(why),
    };
    outcome.exchanges = log.exchanges;
    outcome.findings = log.findings;
    outcome
}

/// Seconds a channel waits for an event that an action raised.
fn wait(session: &Session<'_>) -> u64 {
    session.profile.tolerances.event_ms.div_ceil(1000).max(1)
}

/// Watches `event` while `expected` happen, then judges every account's channel.
async fn watched(
    session: &mut Session<'_>,
    watch: Watch,
    expected: &[Value],
    wait: u64,
    log: &mut Log,
) -> Checked {
    let found = watch.collect(session, expected.len(), wait, log).await;
    let event = watch.event;
    watch.close(session, log).await;
    judge(session, event, &found?, expected).map_err(|why| Skip::Departure(Departure::Fail(why)))
}

/// Not applicable unless the action and the event log can succeed on this device.
fn available(session: &Session<'_>, action: &'static Function) -> Result<(), Skip> {
    [action, &log::subscribe::FUNCTION, &log::pull::FUNCTION]
        .into_iter()
        .find_map(|function| session.unavailable(function))
        .map_or(Ok(()), |why| Err(Skip::NotApplicable(why)))
}

/// Not applicable when the device's firmware predates the event type (`SwitchStateChanged`
/// came with 2.14).
fn in_firmware(session: &Session<'_>, name: &str) -> Result<(), Skip> {
    match helios_spec::event(name) {
        Some(event) if !event.origin.present_in(session.firmware) => Err(Skip::NotApplicable(
            format!("{name} is newer than firmware {}", session.firmware),
        )),
        _ => Ok(()),
    }
}

/// The enabled switch the event checks use: a bistable one where there is one, so that no
/// time-out adds events of its own.
fn quiet_switch(session: &Session<'_>) -> Option<u8> {
    session
        .discovered
        .switch_caps
        .iter()
        .filter(|c| c.enabled)
        .min_by_key(|c| c.monostable.is_some())
        .map(|c| c.switch)
}

fn switch_ctrl(id: u8, action: &str) -> Call {
    Call::new(&switch::ctrl::FUNCTION)
        .param("switch", id)
        .param("action", action)
}

fn io_ctrl(port: &str, action: &str) -> Call {
    Call::new(&io::ctrl::FUNCTION)
        .param("port", port)
        .param("action", action)
}

/// Sends `call` as the full account and requires success.
async fn act(session: &mut Session<'_>, log: &mut Log, call: Call) -> Result<(), Skip> {
    log.send(session, call).await?.success()?;
    Ok(())
}

async fn switch_event(session: &mut Session<'_>, log: &mut Log) -> Checked {
    available(session, &switch::ctrl::FUNCTION)?;
    in_firmware(session, "SwitchStateChanged")?;
    let Some(id) = quiet_switch(session) else {
        return Err(Skip::NotApplicable("no enabled switch".into()));
    };
    act(session, log, switch_ctrl(id, "off")).await?;
    let watch = Watch::open(session, "SwitchStateChanged", log).await?;
    act(session, log, switch_ctrl(id, "on")).await?;
    act(session, log, switch_ctrl(id, "off")).await?;
    let expected = [
        json!({"switch": id, "state": true}),
        json!({"switch": id, "state": false}),
    ];
    let wait = wait(session);
    watched(session, watch, &expected, wait, log).await
}

/// A channel filtered to `SwitchStateChanged` carries the switch's events and not those of an
/// output changed in between (5.24: only the listed types).
async fn filtered_event(session: &mut Session<'_>, log: &mut Log) -> Checked {
    available(session, &switch::ctrl::FUNCTION)?;
    in_firmware(session, "SwitchStateChanged")?;
    available(session, &io::ctrl::FUNCTION)?;
    let (Some(id), Some(port)) = (
        quiet_switch(session),
        session.discovered.outputs.first().cloned(),
    ) else {
        return Err(Skip::NotApplicable("no enabled switch and output".into()));
    };
    act(session, log, switch_ctrl(id, "off")).await?;
    act(session, log, io_ctrl(&port, "off")).await?;
    let watch = Watch::open(session, "SwitchStateChanged", log).await?;
    act(session, log, io_ctrl(&port, "on")).await?;
    act(session, log, switch_ctrl(id, "on")).await?;
    act(session, log, io_ctrl(&port, "off")).await?;
    act(session, log, switch_ctrl(id, "off")).await?;
    let expected = [
        json!({"switch": id, "state": true}),
        json!({"switch": id, "state": false}),
    ];
    let wait = wait(session);
    watched(session, watch, &expected, wait, log).await
}

async fn output_event(session: &mut Session<'_>, log: &mut Log) -> Checked {
    available(session, &io::ctrl::FUNCTION)?;
    let Some(port) = session.discovered.outputs.first().cloned() else {
        return Err(Skip::NotApplicable("no output".into()));
    };
    act(session, log, io_ctrl(&port, "off")).await?;
    let watch = Watch::open(session, "OutputChanged", log).await?;
    act(session, log, io_ctrl(&port, "on")).await?;
    act(session, log, io_ctrl(&port, "off")).await?;
    let expected = [
        json!({"port": port, "state": true}),
        json!({"port": port, "state": false}),
    ];
    let wait = wait(session);
    watched(session, watch, &expected, wait, log).await
}

async fn call_event(session: &mut Session<'_>, log: &mut Log) -> Checked {
    available(session, &call::dial::FUNCTION)?;
    let Some(number) = session.profile.dial_numbers.first().cloned() else {
        return Err(Skip::NotApplicable(
            "the profile names no number the runner may dial ([calls] numbers)".into(),
        ));
    };
    let watch = Watch::open(session, "CallStateChanged", log).await?;
    let dial = Call::new(&call::dial::FUNCTION).param("number", number.as_str());
    let answer = log.send(session, dial).await?;
    let id = answer.success()?["session"].as_u64().unwrap_or(0);
    let hangup = Call::new(&call::hangup::FUNCTION).param("session", id);
    log.send(session, hangup).await?.success()?;
    let mut first = json!({"direction": "outgoing", "state": "connecting", "session": id});
    if number.starts_with("sip:") {
        first["peer"] = json!(number);
    }
    let mut last = json!({"direction": "outgoing", "state": "terminated", "session": id});
    // `reason` came with firmware 2.14.
    if helios_spec::Version::parse("2.14").is_some_and(|v| session.firmware >= v) {
        last["reason"] = json!("normal");
    }
    let wait = wait(session);
    watched(session, watch, &[first, last], wait, log).await
}

async fn audio_event(session: &mut Session<'_>, log: &mut Log) -> Checked {
    let function = &audio::test::FUNCTION;
    available(session, function)?;
    if !session
        .discovered
        .events
        .iter()
        .any(|e| e == "AudioLoopTest")
    {
        return Err(Skip::NotApplicable("log/caps lacks AudioLoopTest".into()));
    }
    let watch = Watch::open(session, "AudioLoopTest", log).await?;
    log.send(session, Call::new(function)).await?.success()?;
    // The manual does not say how long the test takes: a few seconds, plus the tolerance.
    let wait = 5 + wait(session);
    let found = watch.collect(session, 1, wait, log).await?;
    watch.close(session, log).await;
    for (_, records) in &found {
        if let Some(record) = records.iter().find(|r| !r.fits) {
            return Err(Skip::Departure(Departure::Fail(format!(
                "AudioLoopTest with params the manual does not allow: {}",
                record.params
            ))));
        }
    }
    judge(session, "AudioLoopTest", &found, &[json!({})])
        .map_err(|why| Skip::Departure(Departure::Fail(why)))
}

async fn input_event(session: &mut Session<'_>, log: &mut Log) -> Checked {
    let Some(port) = session.discovered.inputs.first().cloned() else {
        return Err(Skip::NotApplicable("no input".into()));
    };
    let Ok(stimulus) = stimulus(session) else {
        return Err(Skip::NotApplicable(
            "an input changes only by wire: no stimulus interface".into(),
        ));
    };
    let harness =
        |e: helios_client::ClientError| Skip::Departure(Departure::Harness(e.to_string()));
    stimulus.input(&port, false).await.map_err(harness)?;
    let watch = Watch::open(session, "InputChanged", log).await?;
    stimulus.input(&port, true).await.map_err(harness)?;
    let expected = [json!({"port": port, "state": true})];
    let wait = wait(session);
    let result = watched(session, watch, &expected, wait, log).await;
    stimulus.input(&port, false).await.map_err(harness)?;
    result
}

async fn incoming_event(session: &mut Session<'_>, log: &mut Log) -> Checked {
    let Ok(stimulus) = stimulus(session) else {
        return Err(Skip::NotApplicable(
            "an incoming call needs a caller: no stimulus interface".into(),
        ));
    };
    let watch = Watch::open(session, "CallStateChanged", log).await?;
    let answer = stimulus
        .incoming_call(CALLER)
        .await
        .map_err(|e| Skip::Departure(Departure::Harness(e.to_string())))?;
    let id = answer["session"].as_u64().unwrap_or(0);
    let expected =
        [json!({"direction": "incoming", "state": "ringing", "peer": CALLER, "session": id})];
    let wait = wait(session);
    let result = watched(session, watch, &expected, wait, log).await;
    let hangup = Call::new(&call::hangup::FUNCTION).param("session", id);
    log.send(session, hangup).await?.success()?;
    result
}

mod world;
use world::world_event;
