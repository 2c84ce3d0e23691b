//! `/api/call/…`: incoming and outgoing calls.

pub mod answer;
pub mod dial;
pub mod hangup;
pub mod status;

use crate::function::{Domain, Param};

/// The `session` parameter of `call/status`, `call/answer` and `call/hangup`.
pub const SESSION: &str = "session";

/// A call identifier, as `call/dial` and the CallStateChanged event give it.
const SESSION_PARAM: Param = Param::mandatory(SESSION, Domain::U32, "Call identifier")
    .errata(&["call-session-mandatory", "unknown-session"])
    .of_state("an active call");
