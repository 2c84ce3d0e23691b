//! The calls a sequence made as the runner knows them, and the judgement of `call/status`.

use super::*;

#[derive(Debug)]
pub(super) struct Tracked {
    /// `None` when the device refused to make it.
    pub(super) session: Option<u32>,
    pub(super) incoming: bool,
    /// The furthest state seen: 0 connecting, 1 ringing, 2 connected.
    pub(super) phase: u8,
    pub(super) ended: bool,
}

/// What one sequence knows of its calls.
#[derive(Debug, Default)]
pub struct Run {
    pub(super) calls: Vec<Tracked>,
}

pub(super) fn phase(word: &str) -> Option<u8> {
    ["connecting", "ringing", "connected"]
        .iter()
        .position(|w| *w == word)
        .and_then(|p| u8::try_from(p).ok())
}

pub(super) fn with_session(function: &'static helios_spec::Function, session: u32) -> Call {
    Call::new(function).param("session", session)
}

pub(super) fn op_call(op: Op, session: u32, reason: Option<&str>) -> Call {
    match op {
        Op::Answer => with_session(&call::answer::FUNCTION, session),
        Op::Hangup => {
            let call = with_session(&call::hangup::FUNCTION, session);
            match reason {
                Some(reason) => call.param("reason", reason),
                None => call,
            }
        }
        Op::Status => with_session(&call::status::FUNCTION, session),
    }
}

pub(super) fn session_id(result: &Value, what: &str) -> Result<u32, Departure> {
    result["session"]
        .as_u64()
        .and_then(|id| u32::try_from(id).ok())
        .ok_or_else(|| Departure::Fail(format!("{what} gave no session id: {result}")))
}

/// A refused call: right at the limit, non-strict below it.
pub(super) fn limit(run: &Run, log: &mut Log) -> Result<(), Departure> {
    let live = run
        .calls
        .iter()
        .filter(|c| c.session.is_some() && !c.ended)
        .count();
    if live < CALL_LIMIT {
        log.finding(
            "call-limit",
            format!("a new call was refused with {live} calls active"),
        );
    }
    Ok(())
}

/// A new session id must not name a call that is still active.
pub(super) fn fresh(run: &Run, made: Option<u32>) -> Result<(), Departure> {
    match made {
        Some(id) if run.calls.iter().any(|c| c.session == Some(id) && !c.ended) => {
            Err(Departure::Fail(format!(
                "a new call got session {id}, which an active call has"
            )))
        }
        _ => Ok(()),
    }
}

/// An operation on a session that does not exist (any more): 12 naming session.
pub(super) fn unknown(
    answer: &crate::model::Answer,
    log: &mut Log,
    what: &str,
) -> Result<(), Departure> {
    answer.refused(
        log,
        what,
        ErrorCode::InvalidParameter,
        Some("session"),
        &[(ErrorCode::ProcessingError, "unknown-session")],
    )
}

/// After a refusal, the call must be gone.
pub(super) async fn confirm_ended(
    session: &mut Session<'_>,
    id: u32,
    log: &mut Log,
    what: &str,
) -> Result<(), Departure> {
    let answer = log
        .send(session, with_session(&call::status::FUNCTION, id))
        .await?;
    if let Ok(result) = &answer.reply
        && result["sessions"].as_array().is_some_and(|s| !s.is_empty())
    {
        return Err(Departure::Fail(format!(
            "{what} was refused, yet call/status still lists the call: {result}"
        )));
    }
    Ok(())
}

pub(super) async fn status(
    session: &mut Session<'_>,
    run: &mut Run,
    log: &mut Log,
) -> Result<(), Departure> {
    let answer = log
        .send(session, Call::new(&call::status::FUNCTION))
        .await?;
    let result = answer.success()?.clone();
    observe(run, &result, None, log)
}

/// Judges a `call/status` result (of every call, or of `only`).
pub(super) fn observe(
    run: &mut Run,
    result: &Value,
    only: Option<u32>,
    log: &mut Log,
) -> Result<(), Departure> {
    let listed = result["sessions"].as_array().cloned().unwrap_or_default();
    for tracked in run.calls.iter_mut() {
        let Some(id) = tracked.session else { continue };
        if only.is_some_and(|o| o != id) {
            continue;
        }
        let item = listed
            .iter()
            .find(|i| i["session"].as_u64() == Some(u64::from(id)));
        let Some(item) = item else {
            // Ended by the far end (or by the runner): it must stay ended.
            tracked.ended = true;
            continue;
        };
        if tracked.ended {
            return Err(Departure::Fail(format!(
                "call/status lists session {id}, which had ended: {item}"
            )));
        }
        let direction = if tracked.incoming {
            "incoming"
        } else {
            "outgoing"
        };
        if item["direction"].as_str() != Some(direction) {
            return Err(Departure::Fail(format!(
                "session {id} is {direction}, but call/status says {item}"
            )));
        }
        let Some(now) = item["state"].as_str().and_then(phase) else {
            return Err(Departure::Fail(format!(
                "session {id} has no call state: {item}"
            )));
        };
        if now < tracked.phase || (tracked.incoming && now == 0) {
            return Err(Departure::Fail(format!(
                "session {id} ({direction}) went back to {} after {}",
                item["state"],
                ["connecting", "ringing", "connected"][usize::from(tracked.phase)]
            )));
        }
        tracked.phase = now;
    }
    if only.is_some() && listed.len() > 1 {
        return Err(Departure::Fail(format!(
            "call/status of one session lists {}",
            listed.len()
        )));
    }
    for item in &listed {
        let id = item["session"].as_u64();
        if !run.calls.iter().any(|c| c.session.map(u64::from) == id) {
            log.note(format!("a call the runner did not make: {item}"));
        }
    }
    Ok(())
}

/// Hangs up every active call.
pub(super) async fn hang_up_all(session: &mut Session<'_>, log: &mut Log) -> Result<(), Departure> {
    let answer = log
        .send(session, Call::new(&call::status::FUNCTION))
        .await?;
    let result = answer.success()?.clone();
    for item in result["sessions"].as_array().into_iter().flatten() {
        if let Some(id) = item["session"]
            .as_u64()
            .and_then(|id| u32::try_from(id).ok())
        {
            // A call that ended meanwhile refuses: that is fine here.
            log.send(session, with_session(&call::hangup::FUNCTION, id))
                .await?;
        }
    }
    Ok(())
}
