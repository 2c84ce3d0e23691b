//! The auth-param grammar of RFC 7235 both ways: reading a header value into schemes and
//! unescaped `name=value` pairs, and writing pairs back with tokens and quoted strings.
//!
//! Reading is http-auth's `ChallengeParser`, a state machine its authors fuzz against a
//! grammar-derived parser; this file only guards what is handed to it and copies its borrowed
//! results into owned values. Writing is ours, because http-auth has no public writer.

use http_auth::ChallengeParser;

use super::{AuthError, MAX_CHALLENGES, MAX_HEADER_BYTES, MAX_PARAMS};

/// One challenge (or the parameter part of one set of credentials) as the grammar sees it:
/// the scheme as written and its parameters in order, names as written, values unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawChallenge {
    pub(crate) scheme: String,
    pub(crate) params: Vec<(String, String)>,
}

/// Checks what every header value must be before any grammar sees it, and trims the optional
/// whitespace around it.
///
/// The value must be at most [`MAX_HEADER_BYTES`] long, UTF-8, and made of visible ASCII, space
/// and horizontal tab only. Non-ASCII (`obs-text`) is refused on purpose: RFC 7235 gives it no
/// meaning here, and http-auth slices strings at byte positions after a backslash, which would
/// land inside a multi-byte character.
pub(crate) fn header_text(value: &[u8]) -> Result<&str, AuthError> {
    if value.len() > MAX_HEADER_BYTES {
        return Err(AuthError::TooLong { len: value.len() });
    }
    let text = std::str::from_utf8(value).map_err(|_| AuthError::NotUtf8)?;
    if let Some(at) = text.bytes().position(|b| !is_field_byte(b)) {
        let byte = value.get(at).copied().unwrap_or_default();
        return Err(AuthError::ForbiddenByte { byte, at });
    }
    Ok(text.trim_matches(is_ows))
}

/// Splits a checked header value into challenges, refusing more than `budget` of them.
pub(crate) fn split_challenges(text: &str, budget: usize) -> Result<Vec<RawChallenge>, AuthError> {
    let mut out = Vec::new();
    for item in ChallengeParser::new(text) {
        // The parser's error names the position and quotes the input; the input is bounded
        // by `MAX_HEADER_BYTES`, so the message is too.
        let challenge = item.map_err(|e| AuthError::Syntax(e.to_string()))?;
        if out.len() >= budget {
            return Err(AuthError::TooManyChallenges {
                limit: MAX_CHALLENGES,
            });
        }
        if challenge.params.len() > MAX_PARAMS {
            return Err(AuthError::TooManyParams {
                scheme: challenge.scheme.to_owned(),
                limit: MAX_PARAMS,
            });
        }
        out.push(RawChallenge {
            scheme: challenge.scheme.to_owned(),
            params: challenge
                .params
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.to_unescaped()))
                .collect(),
        });
    }
    Ok(out)
}

/// Takes the parameter `name` (case-insensitively, RFC 7235 2.1) out of `params`, refusing a
/// second occurrence: "each parameter name MUST only occur once per challenge".
pub(crate) fn take(
    params: &mut Vec<(String, String)>,
    scheme: &'static str,
    name: &'static str,
) -> Result<Option<String>, AuthError> {
    let mut found = None;
    let mut index = 0;
    while index < params.len() {
        let matches = params
            .get(index)
            .is_some_and(|(n, _)| n.eq_ignore_ascii_case(name));
        if matches {
            let (_, value) = params.remove(index);
            if found.is_some() {
                return Err(AuthError::DuplicateParam {
                    scheme,
                    param: name,
                });
            }
            found = Some(value);
        } else {
            index += 1;
        }
    }
    Ok(found)
}

/// A header value under construction: a scheme, then `name=value` pairs separated by ", ".
#[derive(Debug)]
pub(crate) struct ParamWriter {
    out: String,
    first: bool,
}

impl ParamWriter {
    pub(crate) fn new(scheme: &str) -> Result<Self, AuthError> {
        if !is_token(scheme) {
            return Err(AuthError::Unrepresentable {
                what: "scheme",
                value: scheme.to_owned(),
            });
        }
        Ok(Self {
            out: scheme.to_owned(),
            first: true,
        })
    }

    fn name(&mut self, name: &str) -> Result<(), AuthError> {
        if !is_token(name) {
            return Err(AuthError::Unrepresentable {
                what: "parameter name",
                value: name.to_owned(),
            });
        }
        self.out.push_str(if self.first { " " } else { ", " });
        self.first = false;
        self.out.push_str(name);
        self.out.push('=');
        Ok(())
    }

    /// Writes `name="value"`, escaping `"` and `\` (RFC 7230 3.2.6 quoted-pair).
    pub(crate) fn quoted(&mut self, name: &str, value: &str) -> Result<(), AuthError> {
        if !value.bytes().all(is_quotable) {
            return Err(AuthError::Unrepresentable {
                what: "quoted parameter value",
                value: value.to_owned(),
            });
        }
        self.name(name)?;
        self.out.push('"');
        for c in value.chars() {
            if c == '"' || c == '\\' {
                self.out.push('\\');
            }
            self.out.push(c);
        }
        self.out.push('"');
        Ok(())
    }

    /// Writes `name=value` bare when `value` is a token, as RFC 7616 asks for `algorithm`,
    /// `stale`, `qop` and `nc`, and quoted otherwise so that no value is ever lost.
    pub(crate) fn token(&mut self, name: &str, value: &str) -> Result<(), AuthError> {
        if is_token(value) {
            self.name(name)?;
            self.out.push_str(value);
            Ok(())
        } else {
            self.quoted(name, value)
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// `token = 1*tchar` (RFC 7230 3.2.6).
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

pub(crate) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A byte that may stand in a quoted string, directly or after a backslash: HTAB, SP, VCHAR.
pub(crate) fn is_quotable(b: u8) -> bool {
    b == b'\t' || b == b' ' || b.is_ascii_graphic()
}

/// A byte this module accepts in a header value at all (see [`header_text`]).
fn is_field_byte(b: u8) -> bool {
    is_quotable(b)
}

pub(crate) fn is_ows(c: char) -> bool {
    c == ' ' || c == '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip_through_the_parser() {
        let mut writer = ParamWriter::new("Digest").expect("a token");
        writer
            .quoted("realm", r#"say "hi" \ bye"#)
            .expect("quotable");
        let text = writer.finish();
        assert_eq!(text, r#"Digest realm="say \"hi\" \\ bye""#);
        let parsed = split_challenges(&text, 1).expect("parses");
        assert_eq!(
            parsed,
            vec![RawChallenge {
                scheme: "Digest".into(),
                params: vec![("realm".into(), r#"say "hi" \ bye"#.into())],
            }]
        );
    }

    #[test]
    fn header_text_refuses_control_bytes_non_ascii_and_long_values() {
        assert_eq!(
            header_text(b"Basic realm=\"a\"\r\nX: y"),
            Err(AuthError::ForbiddenByte {
                byte: b'\r',
                at: 15
            })
        );
        assert_eq!(
            header_text("Basic realm=\"é\"".as_bytes()),
            Err(AuthError::ForbiddenByte { byte: 0xc3, at: 13 })
        );
        assert_eq!(header_text(b"\xff"), Err(AuthError::NotUtf8));
        let long = vec![b'a'; MAX_HEADER_BYTES + 1];
        assert_eq!(
            header_text(&long),
            Err(AuthError::TooLong {
                len: MAX_HEADER_BYTES + 1
            })
        );
        assert_eq!(header_text(b" \tBasic \t"), Ok("Basic"));
    }

    #[test]
    fn take_is_case_insensitive_and_refuses_duplicates() {
        let mut params = vec![
            ("Realm".to_owned(), "a".to_owned()),
            ("nonce".to_owned(), "n".to_owned()),
        ];
        assert_eq!(take(&mut params, "Digest", "realm"), Ok(Some("a".into())));
        assert_eq!(params.len(), 1);
        let mut params = vec![
            ("realm".to_owned(), "a".to_owned()),
            ("REALM".to_owned(), "b".to_owned()),
        ];
        assert_eq!(
            take(&mut params, "Digest", "realm"),
            Err(AuthError::DuplicateParam {
                scheme: "Digest",
                param: "realm"
            })
        );
    }
}
