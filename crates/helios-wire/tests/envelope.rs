//! Round trips of the JSON reply envelope, and the lenient reader agreeing with the strict one.

use helios_spec::ErrorCode;
use helios_wire::ApiError;
use helios_wire::envelope::{
    DEFAULT_MAX_BYTES, Envelope, read_lenient, read_strict, write_error, write_success,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u32>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z]{1,8}", inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn object() -> impl Strategy<Value = Value> {
    prop::collection::vec(("[a-zA-Z]{1,8}", json()), 0..6)
        .prop_map(|pairs| Value::Object(pairs.into_iter().collect()))
}

proptest! {
    #[test]
    fn success_replies_round_trip(result in prop::option::of(object())) {
        let bytes = write_success(result.as_ref());
        let strict = read_strict(&bytes, DEFAULT_MAX_BYTES);
        prop_assert_eq!(&strict, &Ok(Envelope::Success { result }));
        let (lenient, findings) = read_lenient(&bytes, DEFAULT_MAX_BYTES).expect("lenient");
        prop_assert_eq!(Ok(lenient), strict);
        prop_assert!(findings.is_empty());
    }

    #[test]
    fn error_replies_round_trip(
        code in prop::sample::select(ErrorCode::ALL.to_vec()),
        param in prop::option::of("\\PC{0,16}"),
    ) {
        let error = ApiError { code, param: param.clone(), detail: String::new() };
        let read = read_strict(&write_error(&error), DEFAULT_MAX_BYTES);
        prop_assert_eq!(read, Ok(Envelope::Failure {
            code: u64::from(code.code()),
            param,
            description: Some(code.description().to_owned()),
        }));
    }

    /// Trailing commas added anywhere outside strings are each one finding, and the value is
    /// what it was without them.
    #[test]
    fn trailing_commas_are_findings(result in object()) {
        let clean = write_success(Some(&result));
        let mut with_commas = Vec::new();
        let mut in_string = false;
        let mut escaped = false;
        let mut added = 0;
        for &b in &clean {
            if in_string {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
            } else if b == b'"' {
                in_string = true;
            } else if (b == b'}' || b == b']') && with_commas.last() != Some(&b'{') && with_commas.last() != Some(&b'[') {
                with_commas.push(b',');
                added += 1;
            }
            with_commas.push(b);
        }
        prop_assert!(read_strict(&with_commas, DEFAULT_MAX_BYTES).is_err() || added == 0);
        let (envelope, findings) = read_lenient(&with_commas, DEFAULT_MAX_BYTES).expect("lenient");
        prop_assert_eq!(envelope, Envelope::Success { result: Some(result) });
        prop_assert_eq!(findings.len(), added);
        prop_assert!(findings.iter().all(|f| f.erratum == Some("trailing-comma")));
    }

    /// No bytes make either reader panic, and strict acceptance implies lenient acceptance.
    #[test]
    fn any_bytes_are_safe(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let strict = read_strict(&bytes, DEFAULT_MAX_BYTES);
        let lenient = read_lenient(&bytes, DEFAULT_MAX_BYTES);
        if let Ok(envelope) = strict {
            prop_assert_eq!(lenient.map(|(e, _)| e), Ok(envelope));
        }
    }
}
