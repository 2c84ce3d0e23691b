//! Check for the `envelope_json` target.

use crate::ApiError;
use crate::envelope::{Envelope, read_lenient, read_strict, write_error, write_success};

const MAX: usize = 1 << 20;

/// Strict acceptance implies lenient acceptance of the same value without findings; whatever
/// is read, written again, reads strictly as the same envelope (a `result` that is not an
/// object is a departure our writer would copy, so it is left out of the round trip).
pub fn envelope_json(data: &[u8]) {
    let strict = read_strict(data, MAX);
    let lenient = read_lenient(data, MAX);
    if let Ok(envelope) = &strict {
        let (again, findings) = lenient
            .as_ref()
            .expect("lenient accepts what strict accepts");
        assert_eq!(again, envelope);
        assert!(findings.is_empty(), "{findings:?}");
    }
    let Ok((envelope, _)) = lenient else {
        return;
    };
    match &envelope {
        Envelope::Success { result } if result.as_ref().is_none_or(|r| r.is_object()) => {
            let written = write_success(result.as_ref());
            assert_eq!(read_strict(&written, usize::MAX), Ok(envelope));
        }
        Envelope::Success { .. } => {}
        Envelope::Failure { code, param, .. } => {
            let Some(known) = crate::envelope::known_code(*code) else {
                return;
            };
            let error = ApiError {
                code: known,
                param: param.clone(),
                detail: String::new(),
            };
            match read_strict(&write_error(&error), usize::MAX) {
                Ok(Envelope::Failure {
                    code: again,
                    param: param_again,
                    description,
                }) => {
                    assert_eq!(again, *code);
                    assert_eq!(&param_again, param);
                    assert_eq!(description.as_deref(), Some(known.description()));
                }
                other => panic!("a written error reads as {other:?}"),
            }
        }
    }
}
