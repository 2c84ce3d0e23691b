//! `/api/call/…`: incoming and outgoing calls.

pub mod answer;
pub mod dial;
pub mod hangup;
pub mod status;

use crate::function::{Domain, Param};

/// A call identifier, as `call/dial` and the CallStateChanged event give it.
const SESSION: Param = Param::mandatory("session", Domain::U32, "Call identifier")
    .errata(&["call-session-mandatory", "unknown-session"])
    .of_state("an active call");
