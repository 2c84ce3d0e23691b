//! Event records (manual 5.26): typed for every event of the spec, raw for the rest, read
//! tolerantly (each tolerance a finding) and written as the device sends them.
//!
//! Reading is driven by the spec: each known event's params are first checked and normalised
//! against its fields (0/1 where a boolean belongs, a number where a string belongs), then turned
//! into the typed variant. A known event whose params still do not fit is kept as
//! [`Event::Other`] with a finding, so that a pull's other events and ids survive.

use helios_spec::{Field, FieldType};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::Finding;

/// An event and its params, tagged by its name as in the record's `event` and `params`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", content = "params", rename_all_fields = "camelCase")]
pub enum Event {
    DeviceState {
        state: String,
    },
    AudioLoopTest {
        result: String,
    },
    MotionDetected {
        state: String,
    },
    NoiseDetected {
        state: String,
    },
    KeyPressed {
        key: String,
    },
    KeyReleased {
        key: String,
    },
    CodeEntered {
        code: String,
        valid: bool,
    },
    CardEntered {
        direction: String,
        reader: String,
        uid: String,
        valid: bool,
    },
    InputChanged {
        port: String,
        state: bool,
    },
    OutputChanged {
        port: String,
        state: bool,
    },
    SwitchStateChanged {
        switch: u32,
        state: bool,
    },
    CallStateChanged {
        direction: String,
        state: String,
        peer: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        session: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call: Option<u32>,
    },
    RegistrationStateChanged {
        sip_account: u32,
        state: String,
    },
    TamperSwitchActivated {
        state: String,
    },
    UnauthorizedDoorOpen {
        state: String,
    },
    DoorOpenTooLong {
        state: String,
    },
    LoginBlocked {
        address: String,
    },
    UserAuthenticated {
        name: String,
        index: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uuid: Option<String>,
    },
    /// The manual names it without params (erratum `silent-alarm-access-limited`).
    SilentAlarm(Map<String, Value>),
    /// The manual names it without params (erratum `silent-alarm-access-limited`).
    AccessLimited(Map<String, Value>),
    /// An event the spec does not know, or a known one whose params do not fit.
    #[serde(skip)]
    Other {
        name: String,
        params: Map<String, Value>,
    },
}

impl Event {
    /// The event type's name.
    ///
    /// Channels ask this of every record they pass over, so it is a plain match rather than a
    /// trip through the serde form; the tests check that each arm is the variant's serde tag.
    pub fn name(&self) -> &str {
        match self {
            Self::DeviceState { .. } => "DeviceState",
            Self::AudioLoopTest { .. } => "AudioLoopTest",
            Self::MotionDetected { .. } => "MotionDetected",
            Self::NoiseDetected { .. } => "NoiseDetected",
            Self::KeyPressed { .. } => "KeyPressed",
            Self::KeyReleased { .. } => "KeyReleased",
            Self::CodeEntered { .. } => "CodeEntered",
            Self::CardEntered { .. } => "CardEntered",
            Self::InputChanged { .. } => "InputChanged",
            Self::OutputChanged { .. } => "OutputChanged",
            Self::SwitchStateChanged { .. } => "SwitchStateChanged",
            Self::CallStateChanged { .. } => "CallStateChanged",
            Self::RegistrationStateChanged { .. } => "RegistrationStateChanged",
            Self::TamperSwitchActivated { .. } => "TamperSwitchActivated",
            Self::UnauthorizedDoorOpen { .. } => "UnauthorizedDoorOpen",
            Self::DoorOpenTooLong { .. } => "DoorOpenTooLong",
            Self::LoginBlocked { .. } => "LoginBlocked",
            Self::UserAuthenticated { .. } => "UserAuthenticated",
            Self::SilentAlarm(_) => "SilentAlarm",
            Self::AccessLimited(_) => "AccessLimited",
            Self::Other { name, .. } => name,
        }
    }

    /// The `params` object.
    pub fn params(&self) -> Map<String, Value> {
        match self {
            Self::Other { params, .. } => params.clone(),
            known => known.tagged().1,
        }
    }

    /// The params of a typed variant, through its serde form (taken out of it, not copied).
    fn tagged(&self) -> (String, Map<String, Value>) {
        let Ok(Value::Object(mut value)) = serde_json::to_value(self) else {
            return (String::new(), Map::new());
        };
        let name = match value.remove("event") {
            Some(Value::String(name)) => name,
            _ => String::new(),
        };
        let params = match value.remove("params") {
            Some(Value::Object(params)) => params,
            _ => Map::new(),
        };
        (name, params)
    }
}

/// An event record: the common fields and the event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRecord {
    pub id: u32,
    pub utc_time: u32,
    pub up_time: u32,
    /// Absent before firmware 2.15.
    pub tz_shift: Option<i32>,
    /// Later firmware's 16-digit hash, outside the manual.
    pub hash: Option<String>,
    pub event: Event,
}

/// A record as it is written: the manual's member order, the event's name and params side by
/// side in it.
#[derive(Serialize)]
struct WireRecord<'a> {
    id: u32,
    #[serde(rename = "tzShift", skip_serializing_if = "Option::is_none")]
    tz_shift: Option<i32>,
    #[serde(rename = "utcTime")]
    utc_time: u32,
    #[serde(rename = "upTime")]
    up_time: u32,
    #[serde(flatten)]
    event: WireEvent<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hash: Option<&'a str>,
}

/// A typed event writes its own `event` and `params`; an unknown one its raw parts.
#[derive(Serialize)]
#[serde(untagged)]
enum WireEvent<'a> {
    Known(&'a Event),
    Other {
        event: &'a str,
        params: &'a Map<String, Value>,
    },
}

impl<'a> WireRecord<'a> {
    fn of(record: &'a EventRecord) -> Self {
        Self {
            id: record.id,
            tz_shift: record.tz_shift,
            utc_time: record.utc_time,
            up_time: record.up_time,
            event: match &record.event {
                Event::Other { name, params } => WireEvent::Other {
                    event: name,
                    params,
                },
                known => WireEvent::Known(known),
            },
            hash: record.hash.as_deref(),
        }
    }
}

/// Why a value is not an event record at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an event record: {0}")]
pub struct EventError(pub String);

impl EventRecord {
    /// The record as the device sends it, in the manual's member order.
    pub fn to_json(&self) -> Value {
        let mut record = Map::new();
        record.insert("id".into(), json!(self.id));
        if let Some(tz_shift) = self.tz_shift {
            record.insert("tzShift".into(), json!(tz_shift));
        }
        record.insert("utcTime".into(), json!(self.utc_time));
        record.insert("upTime".into(), json!(self.up_time));
        record.insert("event".into(), json!(self.event.name()));
        record.insert("params".into(), Value::Object(self.event.params()));
        if let Some(hash) = &self.hash {
            record.insert("hash".into(), json!(hash));
        }
        Value::Object(record)
    }

    /// The record as [`to_json`](Self::to_json) gives it, written straight to JSON text (the
    /// same bytes as serialising that value) without building the value first: the device
    /// writes up to 128 of these per pull.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let written = serde_json::to_writer(&mut *out, &WireRecord::of(self));
        if written.is_err() {
            // Serialising maps, strings and numbers into memory cannot fail; if it ever did,
            // the value route gives the same text.
            out.extend_from_slice(self.to_json().to_string().as_bytes());
        }
    }

    /// Reads one record. Departures that can be tolerated become findings.
    pub fn read(value: &Value) -> Result<(Self, Vec<Finding>), EventError> {
        let object = value
            .as_object()
            .ok_or_else(|| EventError("not an object".into()))?;
        let mut findings = Vec::new();
        let number = |name: &str| -> Result<i64, EventError> {
            object
                .get(name)
                .and_then(Value::as_i64)
                .ok_or_else(|| EventError(format!("{name} is missing or not an integer")))
        };
        let unsigned = |name: &str| -> Result<u32, EventError> {
            u32::try_from(number(name)?).map_err(|_| EventError(format!("{name} is not a uint32")))
        };
        let id = unsigned("id")?;
        let utc_time = unsigned("utcTime")?;
        let up_time = unsigned("upTime")?;
        let tz_shift = match object.get("tzShift") {
            None => None,
            Some(_) => Some(
                i32::try_from(number("tzShift")?)
                    .map_err(|_| EventError("tzShift is not an int32".into()))?,
            ),
        };
        let hash = match object.get("hash") {
            None => None,
            Some(Value::String(hash)) => Some(hash.clone()),
            Some(other) => {
                findings.push(Finding::new(None, format!("hash is {other}")));
                None
            }
        };
        let name = object
            .get("event")
            .and_then(Value::as_str)
            .ok_or_else(|| EventError("event is missing or not a string".into()))?;
        let params = match object.get("params") {
            Some(Value::Object(params)) => params.clone(),
            None => {
                findings.push(Finding::new(None, format!("{name} without params")));
                Map::new()
            }
            Some(other) => return Err(EventError(format!("params is {other}"))),
        };
        let event = typed_event(name, params, &mut findings);
        Ok((
            Self {
                id,
                utc_time,
                up_time,
                tz_shift,
                hash,
                event,
            },
            findings,
        ))
    }
}

fn typed_event(name: &str, mut params: Map<String, Value>, findings: &mut Vec<Finding>) -> Event {
    let Some(spec) = helios_spec::event(name) else {
        return Event::Other {
            name: name.to_owned(),
            params,
        };
    };
    if spec.params_documented {
        normalise(name, spec.params, &mut params, findings);
    }
    let tagged = json!({"event": spec.name, "params": params});
    match serde_json::from_value::<Event>(tagged) {
        Ok(event) => event,
        Err(error) => {
            findings.push(Finding::new(
                None,
                format!("{name} params do not fit the manual: {error}"),
            ));
            Event::Other {
                name: name.to_owned(),
                params,
            }
        }
    }
}

/// Brings params to the types the spec gives them where a device is known to differ, and
/// records each difference. Params the spec does not list are left alone: later firmware adds
/// them, and that is not a departure.
fn normalise(
    event: &str,
    fields: &[Field],
    params: &mut Map<String, Value>,
    findings: &mut Vec<Finding>,
) {
    for field in fields {
        let Some(value) = params.get_mut(field.name) else {
            if field.absent_when.is_none() {
                findings.push(Finding::new(None, format!("{event} lacks {}", field.name)));
            }
            continue;
        };
        let erratum = field.errata.first().copied();
        let mut note = |message: String| findings.push(Finding::new(erratum, message));
        match (field.ty, &*value) {
            (FieldType::Bool, Value::Number(n)) if matches!(n.as_u64(), Some(0 | 1)) => {
                note(format!("{event} {} is {n}, not a boolean", field.name));
                *value = Value::Bool(n.as_u64() == Some(1));
            }
            (FieldType::Text(_) | FieldType::Enum(_), Value::Number(n)) => {
                note(format!(
                    "{event} {} is the number {n}, not a string",
                    field.name
                ));
                *value = Value::String(n.to_string());
            }
            (FieldType::Enum(values), Value::String(s))
                if !values.contains(&s.as_str())
                    && !field.later_values.iter().any(|later| later.value == s) =>
            {
                note(format!(
                    "{event} {} is {s:?}, not one of the manual's values",
                    field.name
                ));
            }
            (FieldType::Text(rule), Value::String(s)) if !rule.matches(s) => {
                note(format!(
                    "{event} {} {s:?} is not {}",
                    field.name,
                    rule.describe()
                ));
            }
            (FieldType::Int { min, max }, Value::Number(n))
                if !n.as_i64().is_some_and(|n| (min..=max).contains(&n)) =>
            {
                note(format!(
                    "{event} {} {n} is outside {min}..{max}",
                    field.name
                ));
            }
            _ => {}
        }
    }
}

/// One record of a pull, read: the record and its findings, or why it is not a record.
pub type ReadRecord = Result<(EventRecord, Vec<Finding>), EventError>;

/// Reads the `events` array of a `log/pull` result: each record, or why it is not one.
pub fn read_pull(result: &Value) -> Result<Vec<ReadRecord>, EventError> {
    let events = result
        .get("events")
        .and_then(Value::as_array)
        .ok_or_else(|| EventError("the result has no events array".into()))?;
    Ok(events.iter().map(EventRecord::read).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each arm of `name` is the variant's serde tag. The documented events are checked by the
    /// round trips of `tests/events.rs`; these two have no params to generate.
    #[test]
    fn names_are_the_serde_tags() {
        for name in ["SilentAlarm", "AccessLimited"] {
            let event: Event = serde_json::from_value(json!({"event": name, "params": {}}))
                .expect("a typed event");
            assert_eq!(event.name(), name);
            assert_eq!(event.tagged().0, name);
        }
    }
}
