//! Checking a JSON result against the spec's fields, as the device's own firmware generation
//! has them: required fields present, every field of the right type. Departures an erratum
//! names are non-strict; extra fields never count (later firmware adds them).

use helios_spec::{Field, FieldType, Origin, Version};
use helios_wire::Finding;
use helios_wire::event::EventRecord;
use serde_json::Value;

use crate::findings::{Findings, ruling};
use crate::verdict::Verdict;

/// The verdict of `value` against `fields` held by something of `origin`.
pub fn check_object(
    value: &Value,
    fields: &[Field],
    origin: Origin,
    firmware: Version,
    path: &str,
) -> Verdict {
    let Some(object) = value.as_object() else {
        return Verdict::Fail(format!("{path} is {value}, not an object"));
    };
    let mut verdict = Verdict::Pass;
    for field in fields {
        let field_origin = field.origin_in(origin);
        let here = format!("{path}.{}", field.name);
        match object.get(field.name) {
            None if field.absent_when.is_none()
                && field_origin.in_manual()
                && field_origin.present_in(firmware) =>
            {
                verdict = verdict.worst(Verdict::Fail(format!("{here} is missing")));
            }
            None => {}
            Some(value) => {
                verdict = verdict.worst(check_value(value, field, field_origin, firmware, &here));
            }
        }
    }
    verdict
}

fn check_value(
    value: &Value,
    field: &Field,
    origin: Origin,
    firmware: Version,
    path: &str,
) -> Verdict {
    // The field's first erratum rules on it, as on what the event reader tolerates.
    let mismatch = |expected: &str| {
        let why = format!("{path} is {value}, not {expected}");
        ruling(&Finding::new(field.errata.first().copied(), why))
    };
    match field.ty {
        FieldType::Bool => {
            if value.is_boolean() {
                Verdict::Pass
            } else {
                mismatch("a boolean")
            }
        }
        FieldType::Int { min, max } => match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Verdict::Pass,
            _ => mismatch(&format!("an integer in {min}..{max}")),
        },
        FieldType::Text(rule) => match value.as_str() {
            Some(text) if rule.matches(text) => Verdict::Pass,
            _ => mismatch(rule.describe()),
        },
        FieldType::Enum(values) => match value.as_str() {
            Some(text) if values.contains(&text) => Verdict::Pass,
            Some(text) if field.later_values.iter().any(|later| later.value == text) => {
                Verdict::Pass
            }
            _ => mismatch(&format!("one of {}", values.join(", "))),
        },
        FieldType::Object(fields) => check_object(value, fields, origin, firmware, path),
        FieldType::AnyObject => {
            if value.is_object() {
                Verdict::Pass
            } else {
                mismatch("an object")
            }
        }
        FieldType::Array(item) => match value.as_array() {
            None => mismatch("an array"),
            Some(items) => check_items(items, field, *item, origin, firmware, path),
        },
        FieldType::EventName => {
            if value.is_string() {
                Verdict::Pass
            } else {
                mismatch("an event name")
            }
        }
        FieldType::EventRecord => check_event_record(value, path),
    }
}

/// Each item of an array field against the field's item type, the worst verdict standing.
fn check_items(
    items: &[Value],
    field: &Field,
    item: FieldType,
    origin: Origin,
    firmware: Version,
    path: &str,
) -> Verdict {
    items
        .iter()
        .enumerate()
        .fold(Verdict::Pass, |verdict, (index, item_value)| {
            let inner = Field { ty: item, ..*field };
            verdict.worst(check_value(
                item_value,
                &inner,
                origin,
                firmware,
                &format!("{path}[{index}]"),
            ))
        })
}

/// An event record, read as `log/pull` delivers it: what the reader tolerates is judged as its
/// findings are.
fn check_event_record(value: &Value, path: &str) -> Verdict {
    match EventRecord::read(value) {
        Err(error) => Verdict::Fail(format!("{path}: {error}")),
        Ok((_, found)) => {
            let mut findings = Findings::default();
            let _ = findings.tolerated(path, found);
            findings.verdict()
        }
    }
}
