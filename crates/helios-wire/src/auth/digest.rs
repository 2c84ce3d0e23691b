//! The Digest arithmetic of RFC 7616 3.4 (and RFC 2617 3.2.2): the algorithms, `qop`, and
//! `request_digest`, through which both the client's `DigestChallenge::respond` (in
//! `challenge.rs`) and the server's `DigestResponse::verify` (in `credentials.rs`) go.
//!
//! Nonce generation, expiry, `nc` replay tracking and the checks that `realm`, `uri`, `opaque`
//! and `qop` echo what the server offered belong to the device: they are inputs here.

use std::fmt;

use md5::Md5;
use sha2::{Digest, Sha256, Sha512_256};

use super::AuthError;

/// The `algorithm` parameter (RFC 7616 3.3; IANA "HTTP Digest Hash Algorithms").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
    Sha512_256,
    Sha512_256Sess,
    /// A value this crate cannot compute with, kept as written so that it can be reported.
    Other(String),
}

impl Algorithm {
    /// Reads a value case-insensitively, as RFC 7616 3.3 compares algorithm names.
    pub fn parse(value: &str) -> Self {
        const KNOWN: [Algorithm; 6] = [
            Algorithm::Md5,
            Algorithm::Md5Sess,
            Algorithm::Sha256,
            Algorithm::Sha256Sess,
            Algorithm::Sha512_256,
            Algorithm::Sha512_256Sess,
        ];
        KNOWN
            .into_iter()
            .find(|known| known.name().eq_ignore_ascii_case(value))
            .unwrap_or_else(|| Self::Other(value.to_owned()))
    }

    /// The registered spelling.
    pub fn name(&self) -> &str {
        match self {
            Self::Md5 => "MD5",
            Self::Md5Sess => "MD5-sess",
            Self::Sha256 => "SHA-256",
            Self::Sha256Sess => "SHA-256-sess",
            Self::Sha512_256 => "SHA-512-256",
            Self::Sha512_256Sess => "SHA-512-256-sess",
            Self::Other(name) => name,
        }
    }

    /// Whether `A1` takes the `-sess` form, which binds it to the nonce and cnonce.
    pub fn is_session(&self) -> bool {
        matches!(
            self,
            Self::Md5Sess | Self::Sha256Sess | Self::Sha512_256Sess
        )
    }

    /// `H(data)` as lowercase hex over the concatenation of `parts`, or `None` for an
    /// algorithm this crate does not know.
    fn h(&self, parts: &[&[u8]]) -> Option<String> {
        match self {
            Self::Md5 | Self::Md5Sess => Some(hex_digest::<Md5>(parts)),
            Self::Sha256 | Self::Sha256Sess => Some(hex_digest::<Sha256>(parts)),
            Self::Sha512_256 | Self::Sha512_256Sess => Some(hex_digest::<Sha512_256>(parts)),
            Self::Other(_) => None,
        }
    }
}

fn hex_digest<D: Digest>(parts: &[&[u8]]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hasher = D::new();
    for part in parts {
        hasher.update(part);
    }
    let mut out = String::new();
    for byte in hasher.finalize().iter() {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

/// A quality of protection (RFC 7616 3.3): what the response covers besides the credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Qop {
    /// The method and the URI.
    Auth,
    /// The method, the URI and a hash of the body.
    AuthInt,
}

impl Qop {
    pub fn parse(value: &str) -> Option<Self> {
        if value.eq_ignore_ascii_case("auth") {
            Some(Self::Auth)
        } else if value.eq_ignore_ascii_case("auth-int") {
            Some(Self::AuthInt)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Auth => "auth",
            Self::AuthInt => "auth-int",
        }
    }
}

/// The three parameters that come together whenever a qop is used (RFC 7616 3.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageQop {
    pub qop: Qop,
    /// `nc`, written as exactly eight lowercase hex digits.
    pub nc: u32,
    pub cnonce: String,
}

/// What the client brings to a Digest challenge: its account and the request it signs.
#[derive(Clone, Copy)]
pub struct DigestRequest<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The request method, as on the request line.
    pub method: &'a str,
    /// The request target, exactly as on the request line (RFC 7616 3.4.6).
    pub uri: &'a str,
    /// The body; only `auth-int` covers it.
    pub body: &'a [u8],
    /// The client nonce: random and fresh in production, fixed in tests.
    pub cnonce: &'a str,
    /// The nonce count: how many requests this nonce has signed, this one included.
    pub nc: u32,
    /// The qop to use; `None` takes `auth` when offered, else `auth-int`, else the RFC 2069
    /// form when the challenge names no qop at all.
    pub qop: Option<Qop>,
}

/// Leaves the password out, so that a request can be logged.
impl fmt::Debug for DigestRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestRequest")
            .field("username", &self.username)
            .field("method", &self.method)
            .field("uri", &self.uri)
            .field("body_len", &self.body.len())
            .field("cnonce", &self.cnonce)
            .field("nc", &self.nc)
            .field("qop", &self.qop)
            .finish_non_exhaustive()
    }
}

/// The fields of a Digest response that its request digest is computed from: the response's
/// own, as the client wrote them and the server received them.
#[derive(Clone, Copy, Debug)]
pub(super) struct Signed<'a> {
    pub algorithm: &'a Algorithm,
    pub username: &'a str,
    pub realm: &'a str,
    pub nonce: &'a str,
    pub uri: &'a str,
    pub qop: Option<&'a MessageQop>,
}

/// The request digest (RFC 7616 3.4.1) of `signed`, for the account's `password` and a request
/// with this method and body: the `response` a client sends and a server expects.
pub(super) fn request_digest(
    signed: &Signed<'_>,
    password: &str,
    method: &str,
    body: &[u8],
) -> Result<String, AuthError> {
    let alg = signed.algorithm;
    let unsupported = || AuthError::UnsupportedAlgorithm(alg.name().to_owned());
    let nonce = signed.nonce.as_bytes();
    let mut ha1 = alg
        .h(&[
            signed.username.as_bytes(),
            b":",
            signed.realm.as_bytes(),
            b":",
            password.as_bytes(),
        ])
        .ok_or_else(unsupported)?;
    if alg.is_session() {
        // RFC 7616 3.4.2: A1 = H(user:realm:password) ":" nonce ":" cnonce. RFC 2617
        // forbids the -sess forms without qop, so there is no cnonce to miss there.
        let cnonce = signed.qop.map(|q| q.cnonce.as_bytes());
        let cnonce = cnonce.ok_or(AuthError::MissingParam {
            scheme: "Digest",
            param: "cnonce",
        })?;
        ha1 = alg
            .h(&[ha1.as_bytes(), b":", nonce, b":", cnonce])
            .ok_or_else(unsupported)?;
    }
    let uri = signed.uri.as_bytes();
    let ha2 = match signed.qop.map(|q| q.qop) {
        Some(Qop::AuthInt) => {
            let body_hash = alg.h(&[body]).ok_or_else(unsupported)?;
            alg.h(&[method.as_bytes(), b":", uri, b":", body_hash.as_bytes()])
        }
        Some(Qop::Auth) | None => alg.h(&[method.as_bytes(), b":", uri]),
    }
    .ok_or_else(unsupported)?;
    let digest = match signed.qop {
        Some(q) => {
            let nc = format!("{:08x}", q.nc);
            alg.h(&[
                ha1.as_bytes(),
                b":",
                nonce,
                b":",
                nc.as_bytes(),
                b":",
                q.cnonce.as_bytes(),
                b":",
                q.qop.name().as_bytes(),
                b":",
                ha2.as_bytes(),
            ])
        }
        // RFC 2069, kept by RFC 2617 3.2.2.1 for servers that send no qop.
        None => alg.h(&[ha1.as_bytes(), b":", nonce, b":", ha2.as_bytes()]),
    };
    digest.ok_or_else(unsupported)
}

/// Compares two hex strings, ignoring ASCII case, in time that depends on their length only,
/// so that a client cannot learn how many leading characters of its guess were right.
pub(super) fn eq_hex_constant_time(expected: &[u8], got: &[u8]) -> bool {
    if expected.len() != got.len() {
        return false;
    }
    let diff = expected.iter().zip(got).fold(0u8, |acc, (a, b)| {
        acc | (a.to_ascii_lowercase() ^ b.to_ascii_lowercase())
    });
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_names_are_case_insensitive_and_unknown_ones_are_kept() {
        assert_eq!(Algorithm::parse("md5-SESS"), Algorithm::Md5Sess);
        assert_eq!(Algorithm::parse("sha-256"), Algorithm::Sha256);
        assert_eq!(
            Algorithm::parse("SHA-1"),
            Algorithm::Other("SHA-1".to_owned())
        );
        assert_eq!(
            Algorithm::parse("SHA-512-256-sess").name(),
            "SHA-512-256-sess"
        );
    }

    #[test]
    fn hashes_are_lowercase_hex_of_the_right_length() {
        assert_eq!(
            Algorithm::Md5.h(&[b""]).as_deref(),
            Some("d41d8cd98f00b204e9800998ecf8427e")
        );
        assert_eq!(
            Algorithm::Sha256.h(&[b"a", b"bc"]).as_deref(),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(
            Algorithm::Sha512_256.h(&[b"abc"]).map(|h| h.len()),
            Some(64)
        );
        assert_eq!(Algorithm::Other("x".into()).h(&[b"abc"]), None);
    }

    #[test]
    fn the_comparison_ignores_case_and_length_mismatches_fail() {
        assert!(eq_hex_constant_time(b"abcdef", b"ABCdef"));
        assert!(!eq_hex_constant_time(b"abcdef", b"abcdee"));
        assert!(!eq_hex_constant_time(b"abcdef", b"abcde"));
    }
}
