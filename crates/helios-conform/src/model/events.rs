//! Events as the models and the event checks read them: sample params for an event the runner
//! injects, which events only the world outside the device can raise, who may see an event
//! (5.24's privilege table), and event records read from `log/pull` into a comparable form.

use helios_spec::{Condition, EVENTS, Event, FieldType, TextRule, Version};
use helios_wire::event::EventRecord;
use serde_json::{Map, Value, json};

use crate::findings::Findings;
use crate::profile::CheckedAccount;
use crate::verdict::Stop;

/// Events whose cause is inside the device or a request: the runner raises them by acting
/// (switches, outputs, calls, the audio test) or cannot (start-up, registration, login
/// blocking). Every other event needs the world outside: a stimulus interface or a person.
const RAISED_INSIDE: &[&str] = &[
    "DeviceState",
    "AudioLoopTest",
    "SwitchStateChanged",
    "OutputChanged",
    "InputChanged",
    "CallStateChanged",
    "RegistrationStateChanged",
    "LoginBlocked",
];

/// The events of the outside world the device says it records (`log/caps`), as of its
/// firmware.
pub fn outside_world(supported: &[String], firmware: Version) -> Vec<&'static Event> {
    EVENTS
        .iter()
        .filter(|e| !RAISED_INSIDE.contains(&e.name))
        .filter(|e| e.origin.present_in(firmware))
        .filter(|e| supported.iter().any(|s| s == e.name))
        .filter(|e| !matches!(e.condition, Condition::Licence(_)))
        .collect()
}

/// Params for an injected event: a value of each field the manual fixes; `variant` picks the
/// other value of two-valued fields, so that a sequence can raise `in` and `out`.
pub fn sample_params(event: &Event, variant: bool) -> Value {
    let mut params = Map::new();
    for field in event.params.iter().filter(|f| !f.is_optional()) {
        let value = match field.ty {
            FieldType::Bool => json!(variant),
            FieldType::Enum(words) => json!(words[usize::from(variant) % words.len()]),
            FieldType::Int { min, max } => json!(1.clamp(min, max)),
            FieldType::Text(rule) => json!(match rule {
                TextRule::KeyCode => {
                    if variant { "#" } else { "5" }
                }
                TextRule::UserCode => "1234",
                TextRule::CardUid => "01045E31BB",
                TextRule::IpAddress => "192.0.2.9",
                TextRule::SipUri | TextRule::DialTarget => "sip:2229@192.0.2.7",
                TextRule::Uuid => "3ffe32a1-7e8b-9697-67db-5637566ec279",
                _ if field.name == "index" => "51",
                _ if field.name == "reader" => "internal",
                _ => "Pils Jiri",
            }),
            _ => continue,
        };
        params.insert(field.name.to_owned(), value);
    }
    Value::Object(params)
}

/// Whether an account's channel may carry `name` (5.24): it holds the privilege the event
/// needs, if any. `None` is a channel nobody authenticated.
pub fn may_see(account: Option<&CheckedAccount>, name: &str) -> bool {
    let needed = helios_spec::event(name).and_then(|e| e.privilege);
    match (account, needed) {
        (_, None) | (None, _) => true,
        (Some(account), Some(needed)) => account.holds(needed),
    }
}

/// One event record, its params as the manual types them (0/1 for booleans read as booleans,
/// each such departure a finding of the case that read it).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub id: u32,
    pub name: String,
    pub params: Value,
    pub up_time: u32,
    /// Whether the params fit the manual's description of the event.
    pub fits: bool,
}

impl Record {
    /// Reads one record; what the reader tolerated goes to `findings`, and one that no erratum
    /// rules non-strict is a failure, as is a record that cannot be read.
    pub fn read(value: &Value, findings: &mut Findings) -> Result<Self, Stop> {
        let (record, found) =
            EventRecord::read(value).map_err(|e| Stop::Fail(format!("{e}: {value}")))?;
        let place = format!("event {} ({})", record.id, record.event.name());
        findings.tolerated(&place, found)?;
        Ok(Self {
            id: record.id,
            name: record.event.name().to_owned(),
            params: Value::Object(record.event.params()),
            up_time: record.up_time,
            fits: !matches!(record.event, helios_wire::event::Event::Other { .. }),
        })
    }

    /// Whether this is the event `name` with (at least) these params.
    pub fn is(&self, name: &str, params: &Value) -> bool {
        self.name == name
            && params
                .as_object()
                .into_iter()
                .flatten()
                .all(|(key, value)| self.params.get(key) == Some(value))
    }
}

/// The records of a `log/pull` result, what their reader tolerated going to `findings`.
pub fn records(result: &Value, findings: &mut Findings) -> Result<Vec<Record>, Stop> {
    result["events"]
        .as_array()
        .ok_or_else(|| Stop::Fail(format!("log/pull gave no events array: {result}")))?
        .iter()
        .map(|value| Record::read(value, findings))
        .collect()
}
