//! `Authorization`: the credentials a client sends (RFC 7235 4.2), typed for Basic (RFC 7617 2)
//! and Digest (RFC 7616 3.4), read strictly and written canonically.
//!
//! The Digest parameters go through the same auth-param reader as challenges (their grammar
//! is the same). Basic's `token68` and the `username*` extended notation are read by hand
//! below, because http-auth reads challenges only and has no `token68`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::digest::{Algorithm, MessageQop, Qop, Signed, eq_hex_constant_time, request_digest};
use super::params::{self, ParamWriter};
use super::{AuthError, MAX_CHALLENGES};

/// The credentials of one `Authorization` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// RFC 7617: `base64(user-id ":" password)`; the user-id cannot hold a colon.
    Basic {
        user: String,
        password: String,
    },
    Digest(DigestResponse),
    /// A scheme this crate does not speak, with the rest of the value as written.
    Other {
        scheme: String,
        rest: String,
    },
}

/// A Digest `Authorization` (RFC 7616 3.4). Parameters this crate does not know are skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestResponse {
    /// The username, from `username` or from the `username*` extended notation.
    pub username: String,
    pub realm: String,
    pub nonce: String,
    /// The request target the client signed; the server checks it against the request line.
    pub uri: String,
    /// The request digest, hex.
    pub response: String,
    /// `MD5` when the header names none.
    pub algorithm: Algorithm,
    pub opaque: Option<String>,
    /// The qop, nonce count and client nonce; absent in the RFC 2069 form.
    pub qop: Option<MessageQop>,
}

/// The bytes `username*` may carry unencoded: RFC 8187's `attr-char`.
const ATTR_CHAR_COMPLEMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// RFC 8187 `attr-char`: a token character other than `*`, `'` and `%`.
fn is_attr_char(b: u8) -> bool {
    params::is_tchar(b) && !matches!(b, b'*' | b'\'' | b'%')
}

/// Reads one `Authorization` header value.
pub fn parse_authorization(value: impl AsRef<[u8]>) -> Result<Credentials, AuthError> {
    let text = params::header_text(value.as_ref())?;
    let scheme_len = text.bytes().take_while(|b| params::is_tchar(*b)).count();
    let (Some(scheme), Some(rest)) = (text.get(..scheme_len), text.get(scheme_len..)) else {
        return Err(AuthError::Syntax("no auth-scheme".to_owned()));
    };
    if scheme.is_empty() {
        return Err(AuthError::Syntax("no auth-scheme".to_owned()));
    }
    if !rest.is_empty() && !rest.starts_with(params::is_ows) {
        return Err(AuthError::Syntax(format!(
            "auth-scheme {scheme:?} is not followed by a space"
        )));
    }
    let rest = rest.trim_matches(params::is_ows);
    if scheme.eq_ignore_ascii_case("Basic") {
        basic(rest)
    } else if scheme.eq_ignore_ascii_case("Digest") {
        DigestResponse::parse(text).map(Credentials::Digest)
    } else {
        Ok(Credentials::Other {
            scheme: scheme.to_owned(),
            rest: rest.to_owned(),
        })
    }
}

fn basic(token68: &str) -> Result<Credentials, AuthError> {
    let decoded = STANDARD.decode(token68).map_err(|_| AuthError::BadBase64)?;
    let text = String::from_utf8(decoded).map_err(|_| AuthError::CredentialsNotUtf8)?;
    let (user, password) = text.split_once(':').ok_or(AuthError::NoColon)?;
    Ok(Credentials::Basic {
        user: user.to_owned(),
        password: password.to_owned(),
    })
}

impl Credentials {
    /// Writes these credentials as an `Authorization` header value.
    pub fn to_header_value(&self) -> Result<String, AuthError> {
        match self {
            Self::Basic { user, password } => {
                if user.contains(':') {
                    return Err(AuthError::Unrepresentable {
                        what: "Basic user-id",
                        value: user.clone(),
                    });
                }
                Ok(format!(
                    "Basic {}",
                    STANDARD.encode(format!("{user}:{password}"))
                ))
            }
            Self::Digest(digest) => digest.to_header_value(),
            Self::Other { scheme, rest } => {
                let plain = rest.bytes().all(params::is_quotable)
                    && rest.trim_matches(params::is_ows) == rest;
                if !params::is_token(scheme) || !plain {
                    return Err(AuthError::Unrepresentable {
                        what: "credentials",
                        value: format!("{scheme} {rest}"),
                    });
                }
                if rest.is_empty() {
                    Ok(scheme.clone())
                } else {
                    Ok(format!("{scheme} {rest}"))
                }
            }
        }
    }
}

impl DigestResponse {
    fn parse(text: &str) -> Result<Self, AuthError> {
        let raws = params::split_challenges(text, MAX_CHALLENGES)?;
        let mut raws = raws.into_iter();
        let (Some(raw), None) = (raws.next(), raws.next()) else {
            return Err(AuthError::Syntax(
                "an Authorization value holds one set of credentials".to_owned(),
            ));
        };
        let mut params = raw.params;
        let mut take = |name| params::take(&mut params, "Digest", name);
        let username = take("username")?;
        let username_ext = take("username*")?;
        let realm = take("realm")?;
        let nonce = take("nonce")?;
        let uri = take("uri")?;
        let response = take("response")?;
        let algorithm = take("algorithm")?;
        let opaque = take("opaque")?;
        let qop = take("qop")?;
        let nc = take("nc")?;
        let cnonce = take("cnonce")?;
        let userhash = take("userhash")?;
        let missing = |param| AuthError::MissingParam {
            scheme: "Digest",
            param,
        };
        if userhash.is_some_and(|v| !v.eq_ignore_ascii_case("false")) {
            return Err(AuthError::Userhash);
        }
        let username = match (username, username_ext) {
            (Some(plain), None) => plain,
            (None, Some(ext)) => decode_ext_value(&ext)?,
            (Some(_), Some(_)) => {
                return Err(AuthError::DuplicateParam {
                    scheme: "Digest",
                    param: "username",
                });
            }
            (None, None) => return Err(missing("username")),
        };
        let qop = match (qop, nc, cnonce) {
            (Some(qop), Some(nc), Some(cnonce)) => Some(MessageQop {
                qop: Qop::parse(&qop).ok_or(AuthError::InvalidParam {
                    param: "qop",
                    value: qop,
                })?,
                nc: parse_nc(nc)?,
                cnonce,
            }),
            (Some(_), None, _) => return Err(missing("nc")),
            (Some(_), _, None) => return Err(missing("cnonce")),
            (None, None, None) => None,
            // RFC 7616 3.4: nc and cnonce "MUST NOT" be sent without qop.
            (None, Some(_), _) => return Err(AuthError::WithoutQop { param: "nc" }),
            (None, _, Some(_)) => return Err(AuthError::WithoutQop { param: "cnonce" }),
        };
        Ok(Self {
            username,
            realm: realm.ok_or_else(|| missing("realm"))?,
            nonce: nonce.ok_or_else(|| missing("nonce"))?,
            uri: uri.ok_or_else(|| missing("uri"))?,
            response: response.ok_or_else(|| missing("response"))?,
            algorithm: algorithm.map_or(Algorithm::Md5, |a| Algorithm::parse(&a)),
            opaque,
            qop,
        })
    }

    /// Writes this response as an `Authorization` header value, parameters in the order of
    /// RFC 7616's examples. A username that cannot stand in a quoted string is written with
    /// the `username*` extended notation (RFC 7616 3.4.4).
    pub fn to_header_value(&self) -> Result<String, AuthError> {
        let mut w = ParamWriter::new("Digest")?;
        if self.username.bytes().all(params::is_quotable) {
            w.quoted("username", &self.username)?;
        } else {
            let encoded = utf8_percent_encode(&self.username, ATTR_CHAR_COMPLEMENT);
            w.token("username*", &format!("UTF-8''{encoded}"))?;
        }
        w.quoted("realm", &self.realm)?;
        w.quoted("uri", &self.uri)?;
        w.token("algorithm", self.algorithm.name())?;
        w.quoted("nonce", &self.nonce)?;
        if let Some(q) = &self.qop {
            w.token("nc", &format!("{:08x}", q.nc))?;
            w.quoted("cnonce", &q.cnonce)?;
            w.token("qop", q.qop.name())?;
        }
        w.quoted("response", &self.response)?;
        if let Some(opaque) = &self.opaque {
            w.quoted("opaque", opaque)?;
        }
        Ok(w.finish())
    }
}

/// `nc-value = 8LHEX` (RFC 7616 3.4). Exactly eight lowercase hex digits, because the server
/// hashes the value as written and this crate keeps it as a number.
fn parse_nc(value: String) -> Result<u32, AuthError> {
    let is_lhex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if value.len() == 8
        && value.bytes().all(is_lhex)
        && let Ok(nc) = u32::from_str_radix(&value, 16)
    {
        return Ok(nc);
    }
    Err(AuthError::InvalidParam { param: "nc", value })
}

/// RFC 8187 `ext-value = charset "'" [ language ] "'" value-chars`, UTF-8 only as RFC 7616
/// 3.4.4 requires; the language tag is read and dropped.
fn decode_ext_value(value: &str) -> Result<String, AuthError> {
    let invalid = || AuthError::InvalidParam {
        param: "username*",
        value: value.to_owned(),
    };
    let mut parts = value.splitn(3, '\'');
    let (Some(charset), Some(_language), Some(encoded)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    let value_chars = encoded.bytes().all(|b| b == b'%' || is_attr_char(b));
    if !charset.eq_ignore_ascii_case("UTF-8") || !value_chars {
        return Err(invalid());
    }
    let decoded = percent_decode_str(encoded)
        .decode_utf8()
        .map_err(|_| invalid())?;
    Ok(decoded.into_owned())
}

impl DigestResponse {
    /// The `response` a server expects from this header's own fields and the account's
    /// password, for a request with this method and body (RFC 7616 3.4.1).
    pub fn expected_response(
        &self,
        password: &str,
        method: &str,
        body: &[u8],
    ) -> Result<String, AuthError> {
        let signed = Signed {
            algorithm: &self.algorithm,
            username: &self.username,
            realm: &self.realm,
            nonce: &self.nonce,
            uri: &self.uri,
            qop: self.qop.as_ref(),
        };
        request_digest(&signed, password, method, body)
    }

    /// Whether `response` is right for `password` and a request with this method and body.
    ///
    /// This checks the arithmetic only. The caller still checks that the nonce is one it
    /// issued and still fresh, that `nc` grew, that `realm`, `uri`, `opaque` and the qop match
    /// what it offered and the request it received: a response computed without a qop passes
    /// here even when the challenge offered one.
    pub fn verify(&self, password: &str, method: &str, body: &[u8]) -> bool {
        match self.expected_response(password, method, body) {
            Ok(expected) => eq_hex_constant_time(expected.as_bytes(), self.response.as_bytes()),
            Err(_) => false,
        }
    }
}
