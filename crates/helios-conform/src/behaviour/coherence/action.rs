//! The runner's own action whose event the stamp oracles (`stamps.rs`) judge: a switch (or an
//! output) switched on between two readings of `system/status`, after two quiet seconds.

use std::time::Duration;

use helios_spec::functions::{io, switch};
use serde_json::{Value, json};
use tokio::time::{Instant, sleep_until};

use super::{Reading, Seen};
use crate::behaviour::events::{io_ctrl, switch_ctrl};
use crate::model::Transcript;
use crate::session::Session;
use crate::verdict::Stop;

/// The quiet before the action: a stamp taken from an earlier event (the setup's, or older)
/// is then more than the second of rounding before the action.
const QUIET: Duration = Duration::from_millis(2100);

/// What the action will switch, and when the setup ended.
#[derive(Debug)]
pub(super) struct Prepared {
    switch: Option<u8>,
    output: Option<String>,
    ready_at: Instant,
}

/// The runner's action and the `upTime`s read around it.
#[derive(Clone, Debug)]
pub(super) struct Acted {
    pub(super) before: Reading,
    pub(super) after: Reading,
    /// The event it raised, and (some of) its params.
    pub(super) event: &'static str,
    pub(super) params: Value,
    pub(super) what: String,
}

/// Switches what the action will switch off: an enabled switch (a bistable one where there is
/// one, so that no time-out adds an event) where the firmware has its event, and an output.
pub(super) async fn prepare(
    session: &mut Session<'_>,
    seen: &mut Seen,
    transcript: &mut Transcript,
) -> Result<Prepared, Stop> {
    let switch_events = helios_spec::event("SwitchStateChanged")
        .is_some_and(|e| e.origin.present_in(session.firmware));
    let switch = (switch_events && session.unavailable(&switch::ctrl::FUNCTION).is_none())
        .then(|| {
            session
                .discovered
                .switch_caps
                .iter()
                .filter(|c| c.enabled)
                .min_by_key(|c| c.monostable.is_some())
                .map(|c| c.switch)
        })
        .flatten();
    let output = session
        .unavailable(&io::ctrl::FUNCTION)
        .is_none()
        .then(|| session.discovered.outputs.first().cloned())
        .flatten();
    if switch.is_none() && output.is_none() {
        return Err(Stop::NotApplicable(
            "no enabled switch and no output for the runner to act on".into(),
        ));
    }
    if let Some(id) = switch {
        let answer = seen
            .send(session, transcript, switch_ctrl(id, "off"))
            .await?;
        answer.success()?;
    }
    if let Some(port) = &output {
        let answer = seen.send(session, transcript, io_ctrl(port, "off")).await?;
        answer.success()?;
    }
    Ok(Prepared {
        switch,
        output,
        ready_at: Instant::now(),
    })
}

/// After the quiet: `system/status`, the switch (or else the output) on, the output on at once
/// after it (two events raised together, for the order oracle), `system/status`; then both
/// off again.
pub(super) async fn act(
    session: &mut Session<'_>,
    seen: &mut Seen,
    transcript: &mut Transcript,
    prepared: Result<Prepared, Stop>,
) -> Result<Acted, Stop> {
    let prepared = prepared?;
    sleep_until(prepared.ready_at + QUIET).await;
    let acted = act_on(session, seen, transcript, &prepared).await;
    if let Some(port) = &prepared.output {
        let _ = seen.send(session, transcript, io_ctrl(port, "off")).await;
    }
    if let Some(id) = prepared.switch {
        let _ = seen.send(session, transcript, switch_ctrl(id, "off")).await;
    }
    acted
}

async fn act_on(
    session: &mut Session<'_>,
    seen: &mut Seen,
    transcript: &mut Transcript,
    prepared: &Prepared,
) -> Result<Acted, Stop> {
    let before = seen.status(session, transcript).await?;
    let (event, params, what) = match (prepared.switch, &prepared.output) {
        (Some(id), _) => {
            let what = format!("switch/ctrl switch={id} action=on");
            seen.send(session, transcript, switch_ctrl(id, "on"))
                .await?
                .success()?;
            let params = json!({"switch": id, "state": true});
            ("SwitchStateChanged", params, what)
        }
        (None, Some(port)) => {
            let what = format!("io/ctrl port={port} action=on");
            seen.send(session, transcript, io_ctrl(port, "on"))
                .await?
                .success()?;
            ("OutputChanged", json!({"port": port, "state": true}), what)
        }
        (None, None) => return Err(Stop::Undecided("nothing to act on".into())),
    };
    if let (Some(_), Some(port)) = (prepared.switch, &prepared.output) {
        seen.send(session, transcript, io_ctrl(port, "on"))
            .await?
            .success()?;
    }
    let after = seen.status(session, transcript).await?;
    Ok(Acted {
        before,
        after,
        event,
        params,
        what,
    })
}
