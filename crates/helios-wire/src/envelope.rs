//! The JSON reply envelope (manual 2.3): writing it, and reading it strictly (RFC 8259) or
//! leniently (what the manual's own examples and real devices send, each departure a finding).
//!
//! Reading never trusts what it is given: the input is refused above a size limit before any
//! parsing, and nesting is bounded by serde_json's recursion limit (128).

use helios_spec::ErrorCode;
use serde_json::{Map, Value, json};

use crate::{ApiError, Finding};

/// The most bytes a reply is read from, unless the caller says otherwise.
pub const DEFAULT_MAX_BYTES: usize = 16 << 20;

/// A reply, read.
#[derive(Clone, Debug, PartialEq)]
pub enum Envelope {
    /// `"success": true`, with its `result` if any.
    Success { result: Option<Value> },
    /// `"success": false`. `code` is kept as sent, even if the manual has no such code.
    Failure {
        code: u64,
        param: Option<String>,
        description: Option<String>,
    },
}

/// Why a reply could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the reply has {len} bytes, more than the {max} allowed")]
    TooLarge { len: usize, max: usize },
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("JSON, but not the reply envelope: {0}")]
    NotAnEnvelope(String),
}

/// `{"success":true}` or `{"success":true,"result":...}`.
pub fn write_success(result: Option<&Value>) -> Vec<u8> {
    /// The envelope around a borrowed result: written without copying the result into a new
    /// value first (a `log/pull` result holds up to 128 records).
    #[derive(serde::Serialize)]
    struct Success<'a> {
        success: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        result: Option<&'a Value>,
    }
    serde_json::to_vec(&Success {
        success: true,
        result,
    })
    .unwrap_or_else(|_| br#"{"success":true}"#.to_vec())
}

/// The negative reply for `error`: its code, the parameter it names, and the manual's
/// description of the code.
pub fn write_error(error: &ApiError) -> Vec<u8> {
    let mut body = Map::new();
    body.insert("code".into(), json!(error.code.code()));
    if let Some(param) = &error.param {
        body.insert("param".into(), json!(param));
    }
    body.insert("description".into(), json!(error.code.description()));
    json!({"success": false, "error": body})
        .to_string()
        .into_bytes()
}

/// Reads a reply as RFC 8259 JSON and the envelope exactly as 2.3 describes it.
pub fn read_strict(bytes: &[u8], max_bytes: usize) -> Result<Envelope, ReadError> {
    check_size(bytes, max_bytes)?;
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| ReadError::NotJson(e.to_string()))?;
    let mut findings = Vec::new();
    let envelope = envelope(&value, &mut findings)?;
    match findings.first() {
        Some(finding) => Err(ReadError::NotAnEnvelope(finding.message.clone())),
        None => Ok(envelope),
    }
}

/// Reads a reply as real devices send it: a byte order mark, trailing commas, bytes after the
/// value, `success` as 0/1 and `code` as a string are accepted, each recorded as a finding.
/// Whatever [`read_strict`] accepts, this accepts with the same value and no finding.
pub fn read_lenient(bytes: &[u8], max_bytes: usize) -> Result<(Envelope, Vec<Finding>), ReadError> {
    check_size(bytes, max_bytes)?;
    let mut findings = Vec::new();
    let value = lenient_value(bytes, &mut findings)?;
    let envelope = envelope(&value, &mut findings)?;
    Ok((envelope, findings))
}

/// Parses one JSON value leniently (see [`read_lenient`]); shared with the event reader.
pub fn lenient_value(bytes: &[u8], findings: &mut Vec<Finding>) -> Result<Value, ReadError> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            findings.push(Finding::new(
                None,
                "a UTF-8 byte order mark before the JSON",
            ));
            rest
        }
        None => bytes,
    };
    let cleaned = drop_trailing_commas(bytes, findings);
    let mut values = serde_json::Deserializer::from_slice(&cleaned).into_iter::<Value>();
    let value = match values.next() {
        Some(Ok(value)) => value,
        Some(Err(e)) => return Err(ReadError::NotJson(e.to_string())),
        None => return Err(ReadError::NotJson("no JSON value".into())),
    };
    let rest = &cleaned[values.byte_offset()..];
    if rest.iter().any(|b| !b.is_ascii_whitespace()) {
        findings.push(Finding::new(
            None,
            format!("{} bytes after the JSON value", rest.len()),
        ));
    }
    Ok(value)
}

fn check_size(bytes: &[u8], max: usize) -> Result<(), ReadError> {
    if bytes.len() > max {
        return Err(ReadError::TooLarge {
            len: bytes.len(),
            max,
        });
    }
    Ok(())
}

/// Removes each comma that closes an object or array (`{"a":1,}`), outside strings, recording
/// it. The manual prints its positive reply this way (erratum `trailing-comma`). serde_json has
/// no option for this and json5 would accept far more than devices send, so this small scan is
/// our own; on valid JSON it changes nothing.
fn drop_trailing_commas(bytes: &[u8], findings: &mut Vec<Finding>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut in_string = false;
    let mut escaped = false;
    for (at, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b',' {
            let next = bytes[at + 1..].iter().find(|c| !c.is_ascii_whitespace());
            if matches!(next, Some(b'}' | b']')) {
                findings.push(Finding::new(
                    Some("trailing-comma"),
                    format!("a trailing comma at byte {at}"),
                ));
                continue;
            }
        }
        out.push(b);
    }
    out
}

/// The envelope's shape. Departures a lenient reader can recover from become findings (which
/// the strict reader turns into errors); anything else is an error.
fn envelope(value: &Value, findings: &mut Vec<Finding>) -> Result<Envelope, ReadError> {
    let Some(object) = value.as_object() else {
        return Err(ReadError::NotAnEnvelope(
            "the reply is not an object".into(),
        ));
    };
    let success = match object.get("success") {
        Some(Value::Bool(success)) => *success,
        Some(Value::Number(n)) if n.as_u64() == Some(1) || n.as_u64() == Some(0) => {
            findings.push(Finding::new(None, format!("success is the number {n}")));
            n.as_u64() == Some(1)
        }
        Some(other) => {
            return Err(ReadError::NotAnEnvelope(format!(
                "success is {other}, not a boolean"
            )));
        }
        None => return Err(ReadError::NotAnEnvelope("no success member".into())),
    };
    if success {
        let result = object.get("result").cloned();
        if let Some(result) = &result
            && !result.is_object()
        {
            findings.push(Finding::new(None, "result is not an object"));
        }
        return Ok(Envelope::Success { result });
    }
    let Some(error) = object.get("error").and_then(Value::as_object) else {
        return Err(ReadError::NotAnEnvelope(
            "a negative reply without an error object".into(),
        ));
    };
    let code = match error.get("code") {
        Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64().unwrap_or_default(),
        Some(Value::String(s)) if s.parse::<u64>().is_ok() => {
            findings.push(Finding::new(
                None,
                format!("error code is the string {s:?}"),
            ));
            s.parse().unwrap_or_default()
        }
        Some(other) => {
            return Err(ReadError::NotAnEnvelope(format!(
                "error code is {other}, not an integer"
            )));
        }
        None => return Err(ReadError::NotAnEnvelope("an error without a code".into())),
    };
    let text = |name: &str, findings: &mut Vec<Finding>| match error.get(name) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            findings.push(Finding::new(None, format!("error {name} is {other}")));
            None
        }
        None => None,
    };
    let param = text("param", findings);
    let description = text("description", findings);
    Ok(Envelope::Failure {
        code,
        param,
        description,
    })
}

/// The manual's error for a failure's code, if it has one.
pub fn known_code(code: u64) -> Option<ErrorCode> {
    ErrorCode::from_code(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manuals_examples() {
        let ok = read_lenient(b"{\n\"success\" : true,\n}", DEFAULT_MAX_BYTES).expect("lenient");
        assert_eq!(ok.0, Envelope::Success { result: None });
        assert_eq!(ok.1.len(), 1);
        assert_eq!(ok.1[0].erratum, Some("trailing-comma"));
        assert!(read_strict(b"{\n\"success\" : true,\n}", DEFAULT_MAX_BYTES).is_err());

        let error = br#"{ "success" : false, "error" : { "code" : 12, "param" : "port", "description" : "invalid parameter value" } }"#;
        assert_eq!(
            read_strict(error, DEFAULT_MAX_BYTES),
            Ok(Envelope::Failure {
                code: 12,
                param: Some("port".into()),
                description: Some("invalid parameter value".into())
            })
        );
    }

    #[test]
    fn writing_reads_back() {
        let error = ApiError::with_param(ErrorCode::InvalidParameter, "port", "x");
        assert_eq!(
            read_strict(&write_error(&error), DEFAULT_MAX_BYTES),
            Ok(Envelope::Failure {
                code: 12,
                param: Some("port".into()),
                description: Some("invalid parameter value".into())
            })
        );
        let result = json!({"session": 2});
        assert_eq!(
            read_strict(&write_success(Some(&result)), DEFAULT_MAX_BYTES),
            Ok(Envelope::Success {
                result: Some(result)
            })
        );
    }

    #[test]
    fn commas_inside_strings_stay() {
        let (envelope, findings) =
            read_lenient(br#"{"success":true,"result":{"a":",}","b":[1,],}}"#, 1000)
                .expect("lenient");
        assert_eq!(findings.len(), 2);
        assert_eq!(
            envelope,
            Envelope::Success {
                result: Some(json!({"a": ",}", "b": [1]}))
            }
        );
    }

    /// Found by the envelope_json fuzz target: a non-object result followed by more bytes.
    #[test]
    fn a_non_object_result_is_lenient_only() {
        let bytes = br#"{"success": true, "result": 0, "x": 1}, {"id": 3"#;
        let (envelope, findings) = read_lenient(bytes, DEFAULT_MAX_BYTES).expect("lenient");
        assert_eq!(
            envelope,
            Envelope::Success {
                result: Some(json!(0))
            }
        );
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(read_strict(bytes, DEFAULT_MAX_BYTES).is_err());
    }

    /// Found by the envelope_json fuzz target: an integer beyond u64 becomes a float that must
    /// survive writing and reading again (serde_json's `float_roundtrip`).
    #[test]
    fn a_huge_integer_round_trips() {
        let bytes = br#"{"success": true, "result":  {"switch":1111111111111111111111}}"#;
        let envelope = read_strict(bytes, DEFAULT_MAX_BYTES).expect("strict");
        let Envelope::Success { result } = &envelope else {
            panic!("a success")
        };
        let again = read_strict(&write_success(result.as_ref()), DEFAULT_MAX_BYTES);
        assert_eq!(again, Ok(envelope));
    }

    #[test]
    fn limits_hold() {
        assert!(matches!(
            read_lenient(&[b' '; 11], 10),
            Err(ReadError::TooLarge { .. })
        ));
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(read_lenient(deep.as_bytes(), DEFAULT_MAX_BYTES).is_err());
    }
}
