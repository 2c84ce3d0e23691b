//! `Authorization` and `WWW-Authenticate` for Basic (RFC 7617) and Digest (RFC 7616, RFC 2617):
//! typed values, their readers and writers, and the Digest arithmetic of both sides.
//!
//! Chapter 3 of the manual sets each service to None, Basic or Digest "according to RFC-2617";
//! a 401 carries one challenge per accepted scheme, possibly in several headers, and devices
//! rotate nonces with `stale=true`. The client side answers a [`Challenge`] with
//! [`DigestChallenge::respond`] or Basic's base64; the device side reads [`Credentials`] and
//! checks a [`DigestResponse`] with [`DigestResponse::verify`].
//!
//! - `params`: the auth-param grammar. Reading is http-auth's `ChallengeParser` (a maintained,
//!   fuzzed state machine), used for Digest credentials too since their grammar is the same;
//!   writing is ours.
//! - `challenge`: `WWW-Authenticate`, read leniently (findings) and written canonically, and the
//!   client's answer to a Digest challenge (`DigestChallenge::respond`).
//! - `credentials`: `Authorization`, read strictly, and the server's check of a Digest
//!   response (`DigestResponse::verify`).
//! - `digest`: algorithms, qop and the request digest both sides compute, on the RustCrypto
//!   `md-5` and `sha2`.
//!
//! Deliberately absent: nonce generation and expiry, `nc` replay tracking, and the checks that
//! a response's `realm`, `uri`, `opaque` and qop match what the device offered. They are the
//! device's state; this module takes them as inputs and says so where it matters.
//!
//! Every reader refuses a value over [`MAX_HEADER_BYTES`], more than [`MAX_HEADERS`] headers,
//! more than [`MAX_CHALLENGES`] challenges and more than [`MAX_PARAMS`] parameters in one, so
//! what it allocates is bounded by a small multiple of those limits.

mod challenge;
mod credentials;
mod digest;
mod params;

#[cfg(test)]
mod oracles;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_credentials;

pub use challenge::{Challenge, DigestChallenge, parse_challenges, write_challenges};
pub use credentials::{Credentials, DigestResponse, parse_authorization};
pub use digest::{Algorithm, DigestRequest, MessageQop, Qop};

use crate::Finding;

/// The longest header value read, in bytes. Real challenges are a few hundred bytes.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
/// The most `WWW-Authenticate` header values read for one response.
pub const MAX_HEADERS: usize = 16;
/// The most challenges read for one response, over all its headers.
pub const MAX_CHALLENGES: usize = 16;
/// The most parameters in one challenge or one set of credentials. Digest has twelve.
pub const MAX_PARAMS: usize = 32;

/// Why a header value could not be read, or a value could not be written or computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("header value of {len} bytes is over the limit of {MAX_HEADER_BYTES}")]
    TooLong { len: usize },
    #[error("more than {limit} WWW-Authenticate headers")]
    TooManyHeaders { limit: usize },
    #[error("more than {limit} challenges")]
    TooManyChallenges { limit: usize },
    #[error("a WWW-Authenticate value holds at least one challenge")]
    NoChallenge,
    #[error("{scheme} has more than {limit} parameters")]
    TooManyParams { scheme: String, limit: usize },
    #[error("header value is not UTF-8")]
    NotUtf8,
    #[error(
        "header value holds byte {byte:#04x} at {at}: only visible ASCII, space and tab are read"
    )]
    ForbiddenByte { byte: u8, at: usize },
    #[error("syntax: {0}")]
    Syntax(String),
    #[error("{scheme} parameter {param} is missing")]
    MissingParam {
        scheme: &'static str,
        param: &'static str,
    },
    #[error("{scheme} parameter {param} appears more than once")]
    DuplicateParam {
        scheme: &'static str,
        param: &'static str,
    },
    #[error("Digest parameter {param} has an invalid value {value:?}")]
    InvalidParam { param: &'static str, value: String },
    #[error("Digest parameter {param} is sent without qop")]
    WithoutQop { param: &'static str },
    #[error("Digest qop {0:?} offers neither auth nor auth-int")]
    UnsupportedQop(String),
    #[error("Digest qop {} is not offered by the challenge", .0.name())]
    QopNotOffered(Qop),
    #[error("Digest algorithm {0:?} is not supported")]
    UnsupportedAlgorithm(String),
    #[error("Digest userhash=true is not supported")]
    Userhash,
    #[error("Basic credentials are not canonical base64")]
    BadBase64,
    #[error("Basic credentials are not UTF-8")]
    CredentialsNotUtf8,
    #[error("Basic credentials have no ':' between user-id and password")]
    NoColon,
    #[error("{what} cannot be written into a header: {value:?}")]
    Unrepresentable { what: &'static str, value: String },
}
