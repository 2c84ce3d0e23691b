//! `WWW-Authenticate`: the challenges a device sends with a 401 (RFC 7235 4.1), typed for Basic
//! (RFC 7617 2) and Digest (RFC 7616 3.3), read leniently and written canonically.

use super::credentials::DigestResponse;
use super::digest::{Algorithm, DigestRequest, MessageQop, Qop};
use super::params::{self, ParamWriter, RawChallenge};
use super::{AuthError, Finding, MAX_CHALLENGES, MAX_HEADERS};

/// One challenge of a `WWW-Authenticate` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Challenge {
    /// RFC 7617 2: `realm` is required; `charset="UTF-8"` says how the client should encode
    /// its user-id and password.
    Basic {
        realm: String,
        charset_utf8: bool,
    },
    Digest(DigestChallenge),
    /// A scheme this crate does not speak, kept with its parameters so that it can be
    /// reported or passed on.
    Other {
        scheme: String,
        params: Vec<(String, String)>,
    },
}

/// A Digest challenge (RFC 7616 3.3). Parameters this crate does not know are skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestChallenge {
    pub realm: String,
    /// Space-separated URIs of the protection space, as written.
    pub domain: Option<String>,
    pub nonce: String,
    pub opaque: Option<String>,
    /// The previous request failed only because its nonce was too old: retry with the new
    /// nonce without asking the user again. Devices rotate nonces and send this.
    pub stale: bool,
    /// `MD5` when the challenge names none.
    pub algorithm: Algorithm,
    /// The qops offered, in the server's order; empty for an RFC 2069 challenge without qop.
    pub qop: Vec<Qop>,
    /// `charset=UTF-8`: the client should encode the username and password as UTF-8.
    pub charset_utf8: bool,
    /// `userhash=true`: the server wants `H(username:realm)` instead of the username, which
    /// this crate refuses to compute (see [`AuthError::Userhash`]).
    pub userhash: bool,
}

/// Reads every challenge of one or more `WWW-Authenticate` header values, in order.
///
/// A header value that breaks the grammar or a limit fails the whole call: nothing in it can
/// be trusted. A single Basic or Digest challenge that is well formed but unusable (no nonce,
/// a repeated parameter, no qop this crate knows) is left out with a finding, so that a
/// client can still answer the others. Recovered departures (a Basic challenge without realm,
/// `stale=maybe`) become findings too.
pub fn parse_challenges<V: AsRef<[u8]>>(
    headers: &[V],
) -> Result<(Vec<Challenge>, Vec<Finding>), AuthError> {
    if headers.len() > MAX_HEADERS {
        return Err(AuthError::TooManyHeaders { limit: MAX_HEADERS });
    }
    let mut raw = Vec::new();
    for header in headers {
        let text = params::header_text(header.as_ref())?;
        raw.extend(params::split_challenges(
            text,
            MAX_CHALLENGES.saturating_sub(raw.len()),
        )?);
    }
    let mut challenges = Vec::with_capacity(raw.len());
    let mut findings = Vec::new();
    for raw in raw {
        let scheme = raw.scheme.clone();
        match Challenge::from_raw(raw, &mut findings) {
            Ok(challenge) => challenges.push(challenge),
            Err(error) => findings.push(Finding::new(
                None,
                format!("{scheme} challenge left out: {error}"),
            )),
        }
    }
    Ok((challenges, findings))
}

/// Writes challenges as one `WWW-Authenticate` value, separated by ", " (RFC 7235 4.1). The
/// header's grammar is `1#challenge`, so an empty list has no value.
pub fn write_challenges(challenges: &[Challenge]) -> Result<String, AuthError> {
    if challenges.is_empty() {
        return Err(AuthError::NoChallenge);
    }
    let values = challenges
        .iter()
        .map(Challenge::to_header_value)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(values.join(", "))
}

impl Challenge {
    fn from_raw(raw: RawChallenge, findings: &mut Vec<Finding>) -> Result<Self, AuthError> {
        let RawChallenge { scheme, mut params } = raw;
        if scheme.eq_ignore_ascii_case("Basic") {
            let realm = params::take(&mut params, "Basic", "realm")?;
            let charset = params::take(&mut params, "Basic", "charset")?;
            let realm = realm.unwrap_or_else(|| {
                findings.push(Finding::new(
                    None,
                    "Basic challenge without the realm RFC 7617 2 requires",
                ));
                String::new()
            });
            let charset_utf8 = utf8_charset("Basic", charset, findings);
            Ok(Self::Basic {
                realm,
                charset_utf8,
            })
        } else if scheme.eq_ignore_ascii_case("Digest") {
            DigestChallenge::from_params(params, findings).map(Self::Digest)
        } else {
            Ok(Self::Other { scheme, params })
        }
    }

    /// Writes this challenge as a header value of its own.
    pub fn to_header_value(&self) -> Result<String, AuthError> {
        match self {
            Self::Basic {
                realm,
                charset_utf8,
            } => {
                let mut w = ParamWriter::new("Basic")?;
                w.quoted("realm", realm)?;
                if *charset_utf8 {
                    w.quoted("charset", "UTF-8")?;
                }
                Ok(w.finish())
            }
            Self::Digest(digest) => digest.to_header_value(),
            Self::Other { scheme, params } => {
                let mut w = ParamWriter::new(scheme)?;
                for (name, value) in params {
                    w.quoted(name, value)?;
                }
                Ok(w.finish())
            }
        }
    }
}

impl DigestChallenge {
    fn from_params(
        mut params: Vec<(String, String)>,
        findings: &mut Vec<Finding>,
    ) -> Result<Self, AuthError> {
        let mut take = |name| params::take(&mut params, "Digest", name);
        let realm = take("realm")?;
        let domain = take("domain")?;
        let nonce = take("nonce")?;
        let opaque = take("opaque")?;
        let stale = take("stale")?;
        let algorithm = take("algorithm")?;
        let qop = take("qop")?;
        let charset = take("charset")?;
        let userhash = take("userhash")?;
        let missing = |param| AuthError::MissingParam {
            scheme: "Digest",
            param,
        };
        Ok(Self {
            realm: realm.ok_or_else(|| missing("realm"))?,
            domain,
            nonce: nonce.ok_or_else(|| missing("nonce"))?,
            opaque,
            stale: boolean("stale", stale, findings),
            algorithm: algorithm.map_or(Algorithm::Md5, |a| Algorithm::parse(&a)),
            qop: match qop {
                Some(list) => qop_options(&list)?,
                None => Vec::new(),
            },
            charset_utf8: utf8_charset("Digest", charset, findings),
            userhash: boolean("userhash", userhash, findings),
        })
    }

    /// Writes this challenge as a header value of its own, parameters in RFC 7616's order.
    pub fn to_header_value(&self) -> Result<String, AuthError> {
        let mut w = ParamWriter::new("Digest")?;
        w.quoted("realm", &self.realm)?;
        if let Some(domain) = &self.domain {
            w.quoted("domain", domain)?;
        }
        w.quoted("nonce", &self.nonce)?;
        if let Some(opaque) = &self.opaque {
            w.quoted("opaque", opaque)?;
        }
        if self.stale {
            w.token("stale", "true")?;
        }
        w.token("algorithm", self.algorithm.name())?;
        if !self.qop.is_empty() {
            let names: Vec<&str> = self.qop.iter().map(|q| q.name()).collect();
            w.quoted("qop", &names.join(", "))?;
        }
        if self.charset_utf8 {
            w.token("charset", "UTF-8")?;
        }
        if self.userhash {
            w.token("userhash", "true")?;
        }
        Ok(w.finish())
    }
}

/// `qop-options`: a comma-separated list inside one quoted string (RFC 7616 3.3). Unknown
/// values are extensions and skipped; repeats are dropped; a list with nothing this crate
/// knows leaves the challenge unusable rather than silently turning it into RFC 2069's form.
fn qop_options(list: &str) -> Result<Vec<Qop>, AuthError> {
    let mut out = Vec::new();
    for qop in list
        .split(',')
        .filter_map(|q| Qop::parse(q.trim_matches(params::is_ows)))
    {
        if !out.contains(&qop) {
            out.push(qop);
        }
    }
    if out.is_empty() {
        return Err(AuthError::UnsupportedQop(list.to_owned()));
    }
    Ok(out)
}

/// RFC 7616 3.3: "true" (any case) is true; "false" and absence are false; anything else is
/// read as false, as the RFC says for `stale`, and noted.
fn boolean(name: &str, value: Option<String>, findings: &mut Vec<Finding>) -> bool {
    match value {
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        Some(v) => {
            findings.push(Finding::new(
                None,
                format!("Digest {name}={v:?} is neither true nor false; read as false"),
            ));
            false
        }
        None => false,
    }
}

/// `charset`: RFC 7616 3.3 and RFC 7617 2.1 allow only "UTF-8" (any case).
fn utf8_charset(scheme: &str, value: Option<String>, findings: &mut Vec<Finding>) -> bool {
    match value {
        Some(v) if v.eq_ignore_ascii_case("UTF-8") => true,
        Some(v) => {
            findings.push(Finding::new(
                None,
                format!("{scheme} charset={v:?}: only UTF-8 is defined; ignored"),
            ));
            false
        }
        None => false,
    }
}

impl DigestChallenge {
    /// Computes the client's `Authorization` for `request` (RFC 7616 3.4).
    pub fn respond(&self, request: &DigestRequest<'_>) -> Result<DigestResponse, AuthError> {
        if self.userhash {
            return Err(AuthError::Userhash);
        }
        let offered = |qop| self.qop.contains(&qop);
        let qop = match request.qop {
            Some(wanted) if offered(wanted) => Some(wanted),
            Some(wanted) => return Err(AuthError::QopNotOffered(wanted)),
            None if offered(Qop::Auth) => Some(Qop::Auth),
            None if offered(Qop::AuthInt) => Some(Qop::AuthInt),
            None => None,
        };
        let mut response = DigestResponse {
            username: request.username.to_owned(),
            realm: self.realm.clone(),
            nonce: self.nonce.clone(),
            uri: request.uri.to_owned(),
            response: String::new(),
            algorithm: self.algorithm.clone(),
            opaque: self.opaque.clone(),
            qop: qop.map(|qop| MessageQop {
                qop,
                nc: request.nc,
                cnonce: request.cnonce.to_owned(),
            }),
        };
        response.response =
            response.expected_response(request.password, request.method, request.body)?;
        Ok(response)
    }
}
