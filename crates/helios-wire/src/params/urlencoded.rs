//! The URI query and `application/x-www-form-urlencoded` bodies, split into name/value pairs.
//!
//! `form_urlencoded::parse` decodes lossily: a stray `%` passes through and invalid UTF-8 turns
//! into U+FFFD, so a device built on it could never answer the error the errata rule for a value
//! that cannot be decoded (`malformed-request`: 12 naming the parameter). The splitting here is
//! therefore our own (it is only `&` and `=`); the decoding is `percent_encoding`'s.

use std::borrow::Cow;

use helios_spec::ErrorCode;
use percent_encoding::percent_decode;

use crate::ApiError;

/// One undecoded pair, borrowed from the input.
pub(crate) struct Pair<'a> {
    pub(crate) name: &'a [u8],
    pub(crate) value: &'a [u8],
}

/// Splits `a=1&b=2` into pairs, skipping empty segments (`a=1&&b=2`); a segment without `=`
/// is a name with an empty value, as in HTML forms.
pub(crate) fn pairs(input: &[u8]) -> impl Iterator<Item = Pair<'_>> {
    input
        .split(|&b| b == b'&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| match segment.iter().position(|&b| b == b'=') {
            Some(at) => Pair {
                name: &segment[..at],
                value: &segment[at + 1..],
            },
            None => Pair {
                name: segment,
                value: &[],
            },
        })
}

/// Decodes one name or value: `+` is a space, `%XX` a byte, and the result must be UTF-8.
/// `what` names the parameter in the error, or is `None` while decoding the name itself. Plain
/// text is borrowed.
pub(crate) fn decode<'a>(raw: &'a [u8], what: Option<&str>) -> Result<Cow<'a, str>, ApiError> {
    let param = |detail: String| match what {
        Some(name) => ApiError::with_param(ErrorCode::InvalidParameter, name, detail),
        None => ApiError::with_param(
            ErrorCode::InvalidParameter,
            String::from_utf8_lossy(raw),
            detail,
        ),
    };
    let not_utf8 =
        |valid_up_to: usize| param(format!("not UTF-8 after decoding (byte {valid_up_to})"));
    // Most names and values are plain (`switch=1`): nothing to decode, nothing to copy.
    if !needs_decoding(raw) {
        return std::str::from_utf8(raw)
            .map(Cow::Borrowed)
            .map_err(|e| not_utf8(e.valid_up_to()));
    }
    if let Some(at) = bad_percent(raw) {
        return Err(param(format!("bad percent-encoding at byte {at}")));
    }
    let spaced: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    let bytes: Vec<u8> = percent_decode(&spaced).collect();
    String::from_utf8(bytes)
        .map(Cow::Owned)
        .map_err(|e| not_utf8(e.utf8_error().valid_up_to()))
}

/// Splits like [`pairs`], text already known to be UTF-8 (a URI query always is). By bytes, not
/// by `str::split`: names and values are a few bytes, and a searcher costs more than they do.
pub(crate) fn text_pairs(input: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = input;
    std::iter::from_fn(move || {
        loop {
            if rest.is_empty() {
                return None;
            }
            let end = rest.bytes().position(|b| b == b'&').unwrap_or(rest.len());
            // `&` and `=` are ASCII: the cuts fall between characters.
            let segment = &rest[..end];
            rest = rest.get(end + 1..).unwrap_or_default();
            if segment.is_empty() {
                continue;
            }
            return Some(match segment.bytes().position(|b| b == b'=') {
                Some(at) => (&segment[..at], &segment[at + 1..]),
                None => (segment, ""),
            });
        }
    })
}

/// Decodes like [`decode`] a name or value already known to be UTF-8: plain text is borrowed
/// without checking it again.
pub(crate) fn decode_text<'a>(raw: &'a str, what: Option<&str>) -> Result<Cow<'a, str>, ApiError> {
    if needs_decoding(raw.as_bytes()) {
        decode(raw.as_bytes(), what)
    } else {
        Ok(Cow::Borrowed(raw))
    }
}

/// Whether `raw` holds a `+` or a `%`. A loop, not memchr: names and values are a few bytes.
fn needs_decoding(raw: &[u8]) -> bool {
    raw.iter().any(|&b| b == b'+' || b == b'%')
}

/// The offset of a `%` that is not followed by two hexadecimal digits.
fn bad_percent(raw: &[u8]) -> Option<usize> {
    raw.iter().enumerate().find_map(|(at, &b)| {
        let ok = b != b'%'
            || raw
                .get(at + 1..at + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit));
        (!ok).then_some(at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &str) -> Vec<(String, String)> {
        pairs(input.as_bytes())
            .map(|pair| {
                let name = decode(pair.name, None).expect("name");
                let value = decode(pair.value, Some(&name)).expect("value");
                (name.into_owned(), value.into_owned())
            })
            .collect()
    }

    #[test]
    fn splits_and_decodes_like_a_form() {
        assert_eq!(
            split("switch=1&action=on&&response=&x&t=a+b%20c%2B"),
            [
                ("switch".into(), "1".into()),
                ("action".into(), "on".into()),
                ("response".into(), String::new()),
                ("x".into(), String::new()),
                ("t".into(), "a b c+".into()),
            ]
        );
        assert_eq!(
            split("number=sip:1234@10.0.23.194"),
            [("number".into(), "sip:1234@10.0.23.194".into())]
        );
    }

    #[test]
    fn text_splits_as_bytes_do() {
        for input in [
            "switch=1&action=on&&response=&x&t=a+b%20c%2B",
            "=&==&a==b&&",
            "",
            "&",
        ] {
            let text: Vec<(String, String)> = text_pairs(input)
                .map(|(name, value)| {
                    let name = decode_text(name, None).expect("name");
                    let value = decode_text(value, Some(&name)).expect("value");
                    (name.into_owned(), value.into_owned())
                })
                .collect();
            assert_eq!(text, split(input), "{input}");
        }
        assert!(matches!(
            decode_text("plain", None),
            Ok(Cow::Borrowed("plain"))
        ));
        assert!(decode_text("50%", Some("port")).is_err());
    }

    #[test]
    fn bad_encodings_name_the_parameter() {
        let err = decode(b"50%", Some("port")).expect_err("a lone %");
        assert_eq!(err.code, ErrorCode::InvalidParameter);
        assert_eq!(err.param.as_deref(), Some("port"));
        assert!(decode(b"%zz", Some("port")).is_err());
        let err = decode(b"%FF%FE", Some("subject")).expect_err("not UTF-8");
        assert_eq!(err.param.as_deref(), Some("subject"));
        let err = decode(b"na%G0me", None).expect_err("a bad name");
        assert_eq!(err.param.as_deref(), Some("na%G0me"));
    }
}
