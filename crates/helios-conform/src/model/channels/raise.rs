//! Actions that raise events, and the check that each raised exactly its event.

use super::run::{Run, bistable, output};
use super::*;

/// Sends an action that raises an event, then checks that the recorder saw exactly the
/// events the model predicts, with their params.
pub(super) async fn raise(
    session: &mut Session<'_>,
    recorder: &mut Recorder,
    stimulus: &mut Option<helios_client::Stimulus>,
    run: &mut Run,
    source: Option<Source>,
    variant: bool,
    log: &mut Log,
) -> Result<(), Departure> {
    let Some(source) = source else {
        return Ok(());
    };
    let (what, expected, answer) = match &source {
        Source::Output { port } => {
            let was = run.outputs.insert(port.clone(), variant).unwrap_or(false);
            let answer = log.send(session, output(port, variant)).await?;
            answer.success()?;
            let event = json!({"port": port, "state": variant});
            let expected = (was != variant).then_some(("OutputChanged".to_owned(), event));
            (format!("io/ctrl port={port}"), expected, answer)
        }
        Source::Switch { switch } => {
            let was = run.switches.insert(*switch, variant).unwrap_or(false);
            let answer = log.send(session, bistable(*switch, variant)).await?;
            answer.success()?;
            let event = json!({"switch": switch, "state": variant});
            let expected = (was != variant).then_some(("SwitchStateChanged".to_owned(), event));
            (format!("switch/ctrl switch={switch}"), expected, answer)
        }
        Source::World { event } => {
            let Some(spec) = helios_spec::event(event) else {
                return Ok(());
            };
            let params = sample_params(spec, variant);
            let stimulus = match stimulus {
                Some(stimulus) => stimulus,
                None => stimulus.insert(crate::model::stimulus(session)?),
            };
            let sent = Instant::now();
            stimulus
                .event(event, &params)
                .await
                .map_err(|e| Departure::Harness(e.to_string()))?;
            let answer = Answer {
                request: format!("the stimulus {event}"),
                sent,
                received: Instant::now(),
                reply: Ok(Value::Null),
            };
            (
                format!("the stimulus {event}"),
                Some((event.clone(), params)),
                answer,
            )
        }
    };
    let before = recorder.seen.len();
    recorder.refresh(session, log, 0).await?;
    let wait = session.profile.tolerances.event_ms.div_ceil(1000);
    let found = |recorder: &Recorder, name: &str, params: &Value| {
        recorder.seen[before..]
            .iter()
            .filter(|s| s.record.is(name, params))
            .count()
    };
    if let Some((name, params)) = &expected
        && found(recorder, name, params) == 0
    {
        recorder.refresh(session, log, wait).await?;
    }
    // What the action raised happened while it was on its way.
    let mut matched = 0;
    for seen in &mut recorder.seen[before..] {
        if let Some((name, params)) = &expected
            && seen.record.is(name, params)
        {
            seen.lo = Some(answer.sent);
            seen.hi = answer.received;
            matched += 1;
        }
    }
    match (&expected, matched) {
        (None, _) | (Some(_), 1) => Ok(()),
        (Some((name, params)), 0) => Err(Departure::Fail(format!(
            "{what} raised no {name} {params} within {} ms",
            session.profile.tolerances.event_ms
        ))),
        (Some((name, params)), count) => Err(Departure::Fail(format!(
            "{what} raised {name} {params} {count} times"
        ))),
    }
}
