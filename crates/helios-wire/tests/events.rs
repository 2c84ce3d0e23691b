//! Event records: the manual's examples read into typed events, spec-generated records round
//! trip, and the known departures of real devices are tolerated with a finding.

use helios_spec::{EVENTS, Field, FieldType, TextRule};
use helios_wire::event::{Event, EventRecord};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn examples() -> Vec<(String, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/examples");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("spec/examples") {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if name.starts_with("event_") {
            let text = std::fs::read_to_string(&path).expect("readable");
            found.push((name, serde_json::from_str(&text).expect("JSON")));
        }
    }
    found
}

#[test]
fn every_manual_example_reads_as_its_typed_event() {
    let examples = examples();
    assert!(examples.len() >= 16);
    for (name, value) in examples {
        let (record, findings) = EventRecord::read(&value).expect(&name);
        assert!(!matches!(record.event, Event::Other { .. }), "{name}");
        assert_eq!(Some(record.event.name()), value["event"].as_str(), "{name}");
        if name == "event_UserAuthenticated.json" {
            assert_eq!(findings.len(), 1, "{findings:?}");
            assert_eq!(findings[0].erratum, Some("user-authenticated-index"));
        } else {
            assert!(findings.is_empty(), "{name}: {findings:?}");
            assert_eq!(record.to_json(), value, "{name} writes back as printed");
            assert_eq!(written(&record), record.to_json().to_string(), "{name}");
        }
    }
}

#[test]
fn zero_and_one_for_booleans_are_tolerated_with_a_finding() {
    let value = json!({"id": 2, "utcTime": 1, "upTime": 9, "event": "SwitchStateChanged",
        "params": {"switch": 1, "state": 1}});
    let (record, findings) = EventRecord::read(&value).expect("a record");
    assert_eq!(
        record.event,
        Event::SwitchStateChanged {
            switch: 1,
            state: true
        }
    );
    assert_eq!(record.tz_shift, None);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].erratum, Some("switch-event-state-type"));

    let value = json!({"id": 3, "utcTime": 1, "upTime": 9, "event": "InputChanged",
        "params": {"port": "in1", "state": 0}});
    let (record, findings) = EventRecord::read(&value).expect("a record");
    assert_eq!(
        record.event,
        Event::InputChanged {
            port: "in1".into(),
            state: false
        }
    );
    assert_eq!(findings[0].erratum, Some("io-state-type"));
}

#[test]
fn unknown_and_broken_events_are_kept_raw() {
    let value = json!({"id": 9, "utcTime": 1, "upTime": 2, "event": "FutureThing",
        "params": {"x": 1}, "hash": "0123456789abcdef"});
    let (record, findings) = EventRecord::read(&value).expect("a record");
    assert!(findings.is_empty());
    assert_eq!(record.event.name(), "FutureThing");
    assert_eq!(record.hash.as_deref(), Some("0123456789abcdef"));
    assert_eq!(record.to_json(), value);
    assert_eq!(written(&record), record.to_json().to_string());

    let value = json!({"id": 9, "utcTime": 1, "upTime": 2, "event": "CardEntered",
        "params": {"uid": "01045E31BB"}});
    let (record, findings) = EventRecord::read(&value).expect("a record");
    assert!(matches!(record.event, Event::Other { .. }));
    assert!(
        findings
            .iter()
            .any(|f| f.message.contains("lacks direction"))
    );

    for bad in [
        json!(1),
        json!({"id": -1, "utcTime": 1, "upTime": 1, "event": "X", "params": {}}),
        json!({"id": 1, "utcTime": 1, "upTime": 1, "params": {}}),
    ] {
        assert!(EventRecord::read(&bad).is_err(), "{bad}");
    }
}

/// A value that obeys `rule`.
fn text(rule: TextRule) -> BoxedStrategy<String> {
    match rule {
        TextRule::KeyCode => prop_oneof![
            "[0-9*#]".prop_map(String::from),
            (1u32..=150).prop_map(|n| format!("%{n}")),
        ]
        .boxed(),
        TextRule::UserCode => "[1-9][0-9]{1,7}".boxed(),
        TextRule::CardUid => "[0-9A-F]{6,16}".boxed(),
        TextRule::IpAddress => any::<[u8; 4]>()
            .prop_map(|o| format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]))
            .boxed(),
        TextRule::SipUri | TextRule::DialTarget => {
            "sip:[0-9]{1,5}@10\\.0\\.[0-9]{1,3}\\.[0-9]{1,3}".boxed()
        }
        TextRule::EmailAddress => "[a-z]{1,8}@[a-z]{1,8}\\.cz".boxed(),
        TextRule::Uuid => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".boxed(),
        TextRule::MacAddress => "[0-9A-F]{2}(-[0-9A-F]{2}){5}".boxed(),
        TextRule::Hex16 => "[0-9a-f]{16}".boxed(),
        TextRule::Any | TextRule::SipNumber => "\\PC{0,16}".boxed(),
    }
}

/// A value of a field's type, straight from the spec.
fn value(ty: FieldType) -> BoxedStrategy<Value> {
    match ty {
        FieldType::Bool => any::<bool>().prop_map(Value::from).boxed(),
        FieldType::Int { min, max } => (min..=max).prop_map(Value::from).boxed(),
        FieldType::Text(rule) => text(rule).prop_map(Value::from).boxed(),
        FieldType::Enum(values) => prop::sample::select(values.to_vec())
            .prop_map(Value::from)
            .boxed(),
        other => panic!("event params have no {other:?}"),
    }
}

/// The params of an event, each optional field present or not.
fn params(fields: &'static [Field]) -> BoxedStrategy<Map<String, Value>> {
    let each: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .iter()
        .map(|field| {
            let pair = value(field.ty).prop_map(move |v| Some((field.name.to_owned(), v)));
            if field.absent_when.is_some() {
                prop_oneof![Just(None), pair].boxed()
            } else {
                pair.boxed()
            }
        })
        .collect();
    each.prop_map(|pairs| pairs.into_iter().flatten().collect())
        .boxed()
}

fn record() -> impl Strategy<Value = Value> {
    let documented: Vec<_> = EVENTS.iter().filter(|e| e.params_documented).collect();
    prop::sample::select(documented).prop_flat_map(|event| {
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            prop::option::of(-720i32..=840),
            params(event.params),
        )
            .prop_map(move |(id, utc, up, tz, params)| {
                let mut record = json!({"id": id});
                if let Some(tz) = tz {
                    record["tzShift"] = json!(tz);
                }
                record["utcTime"] = json!(utc);
                record["upTime"] = json!(up);
                record["event"] = json!(event.name);
                record["params"] = Value::Object(params);
                record
            })
    })
}

proptest! {
    /// Every documented event, with params generated from its spec fields, reads as its typed
    /// variant without a finding and writes back to the same JSON: the typed records and the
    /// spec cannot drift apart.
    #[test]
    fn spec_generated_records_round_trip(value in record()) {
        let (record, findings) = EventRecord::read(&value).expect("a record");
        prop_assert!(findings.is_empty(), "{:?}", findings);
        let typed = !matches!(record.event, Event::Other { .. });
        prop_assert!(typed, "read as a raw event");
        prop_assert_eq!(&record.to_json(), &value);
        // Written straight to text, the very bytes of the value serialised.
        prop_assert_eq!(written(&record), value.to_string());
    }
}

/// `write_json`'s text.
fn written(record: &EventRecord) -> String {
    let mut out = Vec::new();
    record.write_json(&mut out);
    String::from_utf8(out).expect("UTF-8 JSON")
}
