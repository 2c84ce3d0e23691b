//! The faults that write as firmware in the field does, in ways the errata rule non-strict: a
//! reply printed as 2.3's example is (a comma before the closing brace), event states as 0/1.
//! The runner must read past each and report it as that erratum's non-strict finding, in every
//! case that reads the reply or event.

use helios_spec::MediaType;
use serde_json::Value;

use super::{Fault, Faults};
use crate::reply::Reply;

/// A positive reply written by `write_success`, with a comma before its closing brace
/// (`{"success":true,"result":{...},}`).
pub fn trailing_comma(mut envelope: Vec<u8>) -> Reply {
    if envelope.last() == Some(&b'}') {
        envelope.pop();
        envelope.extend_from_slice(b",}");
    }
    Reply::Raw {
        content_type: MediaType::Json.mime(),
        body: envelope.into(),
    }
}

/// Whether a fault rewrites event records as `log/pull` writes them.
pub fn rewrites_events(faults: Faults) -> bool {
    faults.has(Fault::SwitchEventNumber) || faults.has(Fault::IoEventNumber)
}

/// An event record (as `EventRecord::to_json` gives it) as the faulty firmware writes it: the
/// boolean `state` of the events a fault concerns as 1 or 0.
pub fn rewrite_event(faults: Faults, record: &mut Value) {
    let numeric = match record["event"].as_str() {
        Some("SwitchStateChanged") => faults.has(Fault::SwitchEventNumber),
        Some("InputChanged" | "OutputChanged") => faults.has(Fault::IoEventNumber),
        _ => false,
    };
    if !numeric {
        return;
    }
    if let Some(state) = record["params"].get_mut("state")
        && let Some(on) = state.as_bool()
    {
        *state = Value::from(u8::from(on));
    }
}
