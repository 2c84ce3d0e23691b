//! `events`: each action the runner can take itself raises its event with the right params
//! (switch and I/O control, a call dialled and hung up, the audio test), delivered to the
//! channel of each account whose privileges allow it and to no other (5.24). Events that need
//! the world outside the device come through the profile's stimulus interface (an input, an
//! incoming call, a card, a key...); without one, in `--interactive` mode the operator is asked
//! to act; otherwise they are not applicable.

mod world;

use helios_client::Call;
use helios_spec::functions::{audio, call, io, log, switch};
use helios_spec::{Function, Tier};
use serde_json::json;

use super::observe::{Watch, judge, wait, watched};
use super::{Group, Outcomes};
use crate::model::events::outside_world;
use crate::model::{Transcript, stimulus};
use crate::outcome::Outcome;
use crate::session::Session;
use crate::verdict::Stop;
use world::world_event;

pub(super) const GROUP: Group = Group {
    id: "events",
    tier: Tier::Reversible,
    restarts: false,
    functions: &[
        &audio::test::FUNCTION,
        &call::dial::FUNCTION,
        &call::hangup::FUNCTION,
        &io::ctrl::FUNCTION,
        &log::subscribe::FUNCTION,
        &log::pull::FUNCTION,
        &log::unsubscribe::FUNCTION,
        &switch::ctrl::FUNCTION,
    ],
    check,
};

/// Who rings the incoming call.
const CALLER: &str = "sip:2229@192.0.2.7";

fn check<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(async move {
        let mut outcomes = Vec::new();
        let mut transcript = Transcript::default();
        let result = switch_event(session, &mut transcript).await;
        outcomes.push(outcome(
            "events.switch",
            &switch::ctrl::FUNCTION,
            transcript,
            result,
        ));
        let mut transcript = Transcript::default();
        let result = filtered_event(session, &mut transcript).await;
        outcomes.push(outcome(
            "events.filter",
            &log::subscribe::FUNCTION,
            transcript,
            result,
        ));
        let mut transcript = Transcript::default();
        let result = output_event(session, &mut transcript).await;
        outcomes.push(outcome(
            "events.output",
            &io::ctrl::FUNCTION,
            transcript,
            result,
        ));
        let mut transcript = Transcript::default();
        let result = call_event(session, &mut transcript).await;
        outcomes.push(outcome(
            "events.call",
            &call::dial::FUNCTION,
            transcript,
            result,
        ));
        let mut transcript = Transcript::default();
        let result = audio_event(session, &mut transcript).await;
        outcomes.push(outcome(
            "events.audio",
            &audio::test::FUNCTION,
            transcript,
            result,
        ));
        let mut transcript = Transcript::default();
        let result = input_event(session, &mut transcript).await;
        outcomes.push(outcome(
            "events.input",
            &io::status::FUNCTION,
            transcript,
            result,
        ));
        let mut transcript = Transcript::default();
        let result = incoming_event(session, &mut transcript).await;
        outcomes.push(outcome(
            "events.call.incoming",
            &call::answer::FUNCTION,
            transcript,
            result,
        ));
        let firmware = session.firmware;
        for event in outside_world(&session.discovered.events, firmware) {
            let mut transcript = Transcript::default();
            let result = world_event(session, event, &mut transcript).await;
            let id = format!("events.world.{}", event.name);
            let function = &helios_spec::functions::log::pull::FUNCTION;
            outcomes.push(outcome(&id, function, transcript, result));
        }
        outcomes
    })
}

/// What every event check expects.
const EXPECTED: &str = "the event, with its params, on the channel of each account allowed to see \
    it and on no other";

fn outcome(
    id: &str,
    function: &Function,
    transcript: Transcript,
    result: Result<String, Stop>,
) -> Outcome {
    transcript.outcome(id, function, "event", EXPECTED, result)
}

/// Not applicable unless the action and the event log can succeed on this device.
fn available(session: &Session<'_>, action: &'static Function) -> Result<(), Stop> {
    [action, &log::subscribe::FUNCTION, &log::pull::FUNCTION]
        .into_iter()
        .find_map(|function| session.unavailable(function))
        .map_or(Ok(()), |why| Err(Stop::NotApplicable(why)))
}

/// Not applicable when the device's firmware predates the event type (`SwitchStateChanged`
/// came with 2.14).
fn in_firmware(session: &Session<'_>, name: &str) -> Result<(), Stop> {
    match helios_spec::event(name) {
        Some(event) if !event.origin.present_in(session.firmware) => Err(Stop::NotApplicable(
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

/// `switch/ctrl` of switch `id` with `action`.
pub(super) fn switch_ctrl(id: u8, action: &str) -> Call {
    Call::new(&switch::ctrl::FUNCTION)
        .param("switch", id)
        .param("action", action)
}

/// `io/ctrl` of `port` with `action`.
pub(super) fn io_ctrl(port: &str, action: &str) -> Call {
    Call::new(&io::ctrl::FUNCTION)
        .param("port", port)
        .param("action", action)
}

/// Sends `call` as the full account and requires success.
async fn act(
    session: &mut Session<'_>,
    transcript: &mut Transcript,
    call: Call,
) -> Result<(), Stop> {
    transcript.send(session, call).await?.success()?;
    Ok(())
}

async fn switch_event(
    session: &mut Session<'_>,
    transcript: &mut Transcript,
) -> Result<String, Stop> {
    available(session, &switch::ctrl::FUNCTION)?;
    in_firmware(session, "SwitchStateChanged")?;
    let Some(id) = quiet_switch(session) else {
        return Err(Stop::NotApplicable("no enabled switch".into()));
    };
    act(session, transcript, switch_ctrl(id, "off")).await?;
    let watch = Watch::open(session, "SwitchStateChanged", transcript).await?;
    act(session, transcript, switch_ctrl(id, "on")).await?;
    act(session, transcript, switch_ctrl(id, "off")).await?;
    let expected = [
        json!({"switch": id, "state": true}),
        json!({"switch": id, "state": false}),
    ];
    let wait = wait(session);
    watched(session, watch, &expected, wait, transcript).await
}

/// A channel filtered to `SwitchStateChanged` carries the switch's events and not those of an
/// output changed in between (5.24: only the listed types).
async fn filtered_event(
    session: &mut Session<'_>,
    transcript: &mut Transcript,
) -> Result<String, Stop> {
    available(session, &switch::ctrl::FUNCTION)?;
    in_firmware(session, "SwitchStateChanged")?;
    available(session, &io::ctrl::FUNCTION)?;
    let (Some(id), Some(port)) = (
        quiet_switch(session),
        session.discovered.outputs.first().cloned(),
    ) else {
        return Err(Stop::NotApplicable("no enabled switch and output".into()));
    };
    act(session, transcript, switch_ctrl(id, "off")).await?;
    act(session, transcript, io_ctrl(&port, "off")).await?;
    let watch = Watch::open(session, "SwitchStateChanged", transcript).await?;
    act(session, transcript, io_ctrl(&port, "on")).await?;
    act(session, transcript, switch_ctrl(id, "on")).await?;
    act(session, transcript, io_ctrl(&port, "off")).await?;
    act(session, transcript, switch_ctrl(id, "off")).await?;
    let expected = [
        json!({"switch": id, "state": true}),
        json!({"switch": id, "state": false}),
    ];
    let wait = wait(session);
    watched(session, watch, &expected, wait, transcript).await
}

async fn output_event(
    session: &mut Session<'_>,
    transcript: &mut Transcript,
) -> Result<String, Stop> {
    available(session, &io::ctrl::FUNCTION)?;
    let Some(port) = session.discovered.outputs.first().cloned() else {
        return Err(Stop::NotApplicable("no output".into()));
    };
    act(session, transcript, io_ctrl(&port, "off")).await?;
    let watch = Watch::open(session, "OutputChanged", transcript).await?;
    act(session, transcript, io_ctrl(&port, "on")).await?;
    act(session, transcript, io_ctrl(&port, "off")).await?;
    let expected = [
        json!({"port": port, "state": true}),
        json!({"port": port, "state": false}),
    ];
    let wait = wait(session);
    watched(session, watch, &expected, wait, transcript).await
}

async fn call_event(
    session: &mut Session<'_>,
    transcript: &mut Transcript,
) -> Result<String, Stop> {
    available(session, &call::dial::FUNCTION)?;
    let Some(number) = session.profile.dial_numbers.first().cloned() else {
        return Err(Stop::NotApplicable(
            "the profile names no number the runner may dial ([calls] numbers)".into(),
        ));
    };
    let watch = Watch::open(session, "CallStateChanged", transcript).await?;
    let dial = Call::new(&call::dial::FUNCTION).param("number", number.as_str());
    let answer = transcript.send(session, dial).await?;
    let id = answer.success()?["session"].as_u64().unwrap_or(0);
    let hangup = Call::new(&call::hangup::FUNCTION).param("session", id);
    transcript.send(session, hangup).await?.success()?;
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
    watched(session, watch, &[first, last], wait, transcript).await
}

async fn audio_event(
    session: &mut Session<'_>,
    transcript: &mut Transcript,
) -> Result<String, Stop> {
    let function = &audio::test::FUNCTION;
    available(session, function)?;
    if !session
        .discovered
        .events
        .iter()
        .any(|e| e == "AudioLoopTest")
    {
        return Err(Stop::NotApplicable("log/caps lacks AudioLoopTest".into()));
    }
    let watch = Watch::open(session, "AudioLoopTest", transcript).await?;
    transcript
        .send(session, Call::new(function))
        .await?
        .success()?;
    // The manual does not say how long the test takes: a few seconds, plus the tolerance.
    let wait = 5 + wait(session);
    let found = watch.collect(session, 1, wait, transcript).await?;
    watch.close(session, transcript).await;
    for (_, records) in &found {
        if let Some(record) = records.iter().find(|r| !r.fits) {
            return Err(Stop::Fail(format!(
                "AudioLoopTest with params the manual does not allow: {}",
                record.params
            )));
        }
    }
    judge(session, "AudioLoopTest", &found, &[json!({})])
}

async fn input_event(
    session: &mut Session<'_>,
    transcript: &mut Transcript,
) -> Result<String, Stop> {
    let Some(port) = session.discovered.inputs.first().cloned() else {
        return Err(Stop::NotApplicable("no input".into()));
    };
    let Ok(stimulus) = stimulus(session) else {
        return Err(Stop::NotApplicable(
            "an input changes only by wire: no stimulus interface".into(),
        ));
    };
    stimulus.input(&port, false).await?;
    let watch = Watch::open(session, "InputChanged", transcript).await?;
    stimulus.input(&port, true).await?;
    let expected = [json!({"port": port, "state": true})];
    let wait = wait(session);
    let result = watched(session, watch, &expected, wait, transcript).await;
    stimulus.input(&port, false).await?;
    result
}

async fn incoming_event(
    session: &mut Session<'_>,
    transcript: &mut Transcript,
) -> Result<String, Stop> {
    let Ok(stimulus) = stimulus(session) else {
        return Err(Stop::NotApplicable(
            "an incoming call needs a caller: no stimulus interface".into(),
        ));
    };
    let watch = Watch::open(session, "CallStateChanged", transcript).await?;
    let answer = stimulus.incoming_call(CALLER).await?;
    let id = answer["session"].as_u64().unwrap_or(0);
    let expected =
        [json!({"direction": "incoming", "state": "ringing", "peer": CALLER, "session": id})];
    let wait = wait(session);
    let result = watched(session, watch, &expected, wait, transcript).await;
    let hangup = Call::new(&call::hangup::FUNCTION).param("session", id);
    transcript.send(session, hangup).await?.success()?;
    result
}
