//! `call/status`, `call/dial`, `call/answer` and `call/hangup` (manual 5.15 to 5.18), over the
//! simulated calls of `hardware::calls` (whose module documentation says how far ends behave).

use helios_spec::ErrorCode;
use helios_spec::functions::call;
use helios_wire::ApiError;
use serde_json::{Value, json};

use super::Call;
use crate::device::Device;
use crate::faults::Fault;
use crate::hardware::CallError;
use crate::reply::Reply;

/// The error of a call operation: what names a session names `session`, the rest is 14.
fn refused(error: &CallError) -> ApiError {
    match error {
        // Erratum `unknown-session` and `call-answer-state`.
        CallError::Unknown(_) | CallError::NotRinging(_) => ApiError::with_param(
            ErrorCode::InvalidParameter,
            call::SESSION,
            error.to_string(),
        ),
        CallError::InvalidPeer(_) => ApiError::with_param(
            ErrorCode::InvalidParameter,
            call::dial::NUMBER,
            error.to_string(),
        ),
        // Erratum `call-limit`.
        CallError::TooMany | CallError::Exhausted => {
            ApiError::new(ErrorCode::ProcessingError, error.to_string())
        }
    }
}

/// The `session` parameter; the pipeline checked it is a `u32`.
fn session(call: &Call) -> Result<u32, ApiError> {
    let number = call.params.int(call::SESSION).unwrap_or_default();
    u32::try_from(number).map_err(|_| {
        ApiError::with_param(
            ErrorCode::InvalidParameter,
            call::SESSION,
            format!("{number} is not a session id"),
        )
    })
}

/// 5.15: the active calls, or the one `session` names (12 when it names none).
pub(super) fn status(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let wanted = if call.params.given(call::SESSION) {
        Some(session(call)?)
    } else {
        None
    };
    let sessions: Vec<Value> = device.with_state(|state, _| {
        state
            .calls
            .sessions()
            .filter(|s| wanted.is_none_or(|w| w == s.session))
            .map(|s| {
                json!({
                    "session": s.session,
                    "direction": s.direction.name(),
                    "state": s.state.name(),
                })
            })
            .collect()
    });
    if let (Some(wanted), true) = (wanted, sessions.is_empty()) {
        return Err(refused(&CallError::Unknown(wanted)));
    }
    Ok(Reply::Json(Some(json!({ "sessions": sessions }))))
}

/// 5.16: a new outgoing call, `connecting` at once.
pub(super) fn dial(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let number = call.params.text(call::dial::NUMBER).unwrap_or_default();
    let now = device.now();
    let session = device.with_state(|state, stamp| {
        let (session, event) = state.calls.dial(number, now).map_err(|e| refused(&e))?;
        state.events.raise(event, stamp);
        Ok::<_, ApiError>(session)
    })?;
    let session = if device.faults().has(Fault::DialWrongSession) {
        session.wrapping_add(1)
    } else {
        session
    };
    Ok(Reply::Json(Some(json!({ "session": session }))))
}

/// 5.17: connects a ringing incoming call.
pub(super) fn answer(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let session = session(call)?;
    device.with_state(|state, stamp| {
        let event = state.calls.answer(session).map_err(|e| refused(&e))?;
        state.events.raise(event, stamp);
        Ok(Reply::Json(None))
    })
}

/// 5.18: terminates an active call with `reason` (normal by default).
pub(super) fn hangup(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let session = session(call)?;
    let reason = call.params.word(call::hangup::REASON).unwrap_or("normal");
    let keeps = device.faults().has(Fault::HangupKeepsCall);
    device.with_state(|state, stamp| {
        if keeps && state.calls.sessions().any(|s| s.session == session) {
            return Ok(Reply::Json(None));
        }
        let event = state
            .calls
            .hangup(session, reason)
            .map_err(|e| refused(&e))?;
        state.events.raise(event, stamp);
        Ok(Reply::Json(None))
    })
}
