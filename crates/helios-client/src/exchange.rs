//! The record of one exchange: the request as the client sent it and the response as it
//! arrived, byte for byte, with the `curl` line that sends the same request.
//!
//! A curl line never carries an account's password: it reads it from the environment variable
//! [`password_variable`] names (`-u "admin:$HELIOS_PASS_ADMIN"`), so a reader exports that
//! variable and runs the line as it is.

use std::fmt::Write;
use std::time::Duration;

use helios_wire::Finding;
use helios_wire::envelope::{DEFAULT_MAX_BYTES, Envelope, ReadError, read_lenient};

/// A request as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRequest {
    pub method: String,
    pub url: String,
    /// The headers the client set, in order (the HTTP library adds `host` and
    /// `content-length` on the wire).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A response as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type without parameters, lower-cased.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    }
}

/// One request and its response. A call that needed authentication makes several; the
/// client returns the last and keeps every one in its log.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub request: RawRequest,
    pub response: RawResponse,
    pub elapsed: Duration,
    /// The credentials to reproduce it with curl (`--digest -u` rather than a spent nonce), the
    /// password as its environment variable (`-u "admin:$HELIOS_PASS_ADMIN"`).
    pub curl_auth: Option<String>,
    pub insecure: bool,
}

impl Exchange {
    /// The reply envelope, read leniently with its findings.
    pub fn envelope(&self) -> Result<(Envelope, Vec<Finding>), ReadError> {
        read_lenient(&self.response.body, DEFAULT_MAX_BYTES)
    }

    /// The request in HTTP/1.1 form.
    pub fn request_bytes(&self) -> Vec<u8> {
        let mut head = format!("{} {} HTTP/1.1\r\n", self.request.method, self.request.url);
        for (name, value) in &self.request.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.request.body);
        bytes
    }

    /// The response in HTTP/1.1 form.
    pub fn response_bytes(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {}\r\n", self.response.status);
        for (name, value) in &self.response.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.response.body);
        bytes
    }

    /// The exchange back from its HTTP/1.1 form ([`Exchange::request_bytes`] and
    /// [`Exchange::response_bytes`], as an evidence folder keeps them): `None` when the bytes
    /// are not of that form. A stored run read back (a merge of shards) judges nothing anew
    /// from it; it keeps the evidence and the curl line.
    pub fn from_bytes(
        request: &[u8],
        response: &[u8],
        elapsed: Duration,
        curl_auth: Option<String>,
        insecure: bool,
    ) -> Option<Self> {
        let (request_line, headers, body) = split_message(request)?;
        let (method, rest) = request_line.split_once(' ')?;
        let url = rest.strip_suffix(" HTTP/1.1")?;
        let (method, url) = (method.to_owned(), url.to_owned());
        let (status_line, response_headers, response_body) = split_message(response)?;
        let status = status_line.strip_prefix("HTTP/1.1 ")?.parse().ok()?;
        Some(Self {
            request: RawRequest {
                method,
                url,
                headers,
                body,
            },
            response: RawResponse {
                status,
                headers: response_headers,
                body: response_body,
            },
            elapsed,
            curl_auth,
            insecure,
        })
    }

    /// The exchange as a report may keep it: the credentials of a Basic `Authorization` (the
    /// password in base64) replaced by [`MASKED_BASIC`]. Digest headers stay: they carry a hash,
    /// not the password.
    pub fn basic_masked(&self) -> Self {
        let mut masked = self.clone();
        for (name, value) in &mut masked.request.headers {
            let basic = value
                .trim_start()
                .get(..6)
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("basic "));
            if basic
                && (name.eq_ignore_ascii_case("authorization")
                    || name.eq_ignore_ascii_case("proxy-authorization"))
            {
                *value = MASKED_BASIC.to_owned();
            }
        }
        masked
    }

    /// A shell line that sends the same request with curl, body byte for byte.
    pub fn to_curl(&self) -> String {
        let mut line = String::from("curl -sS -i");
        if self.insecure {
            line.push_str(" -k");
        }
        if let Some(auth) = &self.curl_auth {
            let _ = write!(line, " {auth}");
        }
        let _ = write!(line, " -X {}", self.request.method);
        for (name, value) in &self.request.headers {
            if name.eq_ignore_ascii_case("authorization") {
                continue;
            }
            let _ = write!(
                line,
                " -H {}",
                shell_quote(format!("{name}: {value}").as_bytes())
            );
        }
        if !self.request.body.is_empty() {
            let _ = write!(line, " --data-binary {}", shell_quote(&self.request.body));
        }
        let _ = write!(line, " {}", shell_quote(self.request.url.as_bytes()));
        line
    }
}

/// A message in the form `request_bytes`/`response_bytes` write: its first line, its headers
/// and its body.
type Message = (String, Vec<(String, String)>, Vec<u8>);

fn split_message(bytes: &[u8]) -> Option<Message> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let first = lines.next()?.to_owned();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(": ")?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some((first, headers, bytes[end + 4..].to_vec()))
}

/// What replaces the credentials of a Basic `Authorization` header in a report.
pub const MASKED_BASIC: &str = "Basic <masked>";

/// The environment variable a curl line reads the password of `user` from: `HELIOS_PASS_` and
/// the user name in capitals, each character other than a letter or digit as `_`
/// (`admin` is `HELIOS_PASS_ADMIN`).
pub fn password_variable(user: &str) -> String {
    let mut name = String::from("HELIOS_PASS_");
    name.extend(user.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    name
}

/// curl's `-u` value for `user`, its password read from [`password_variable`] by the shell:
/// `"admin:$HELIOS_PASS_ADMIN"`; a user name with characters the shell would read inside
/// double quotes is single-quoted (`'o'\''brien'":$HELIOS_PASS_O_BRIEN"`).
pub(crate) fn curl_user(user: &str) -> String {
    let variable = password_variable(user);
    let plain = user
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.@+=,/ ".contains(c));
    if plain {
        format!("\"{user}:${variable}\"")
    } else {
        format!("'{}'\":${variable}\"", user.replace('\'', "'\\''"))
    }
}

/// Bash ANSI-C quoting (`$'...'`), which carries any byte.
fn shell_quote(bytes: &[u8]) -> String {
    let mut out = String::from("$'");
    for &byte in bytes {
        match byte {
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exchange_reads_back_from_its_bytes() {
        let exchange = Exchange {
            request: RawRequest {
                method: "POST".into(),
                url: "https://192.0.2.1/api/x?a=b c".into(),
                headers: vec![
                    ("x-a".into(), "1: 2".into()),
                    ("x-empty".into(), String::new()),
                ],
                body: b"\r\n\r\nbody\x00".to_vec(),
            },
            response: RawResponse {
                status: 401,
                headers: vec![("www-authenticate".into(), "Digest realm=\"a\"".into())],
                body: b"{}".to_vec(),
            },
            elapsed: Duration::from_millis(12),
            curl_auth: Some("--digest -u \"admin:$HELIOS_PASS_ADMIN\"".into()),
            insecure: true,
        };
        let back = Exchange::from_bytes(
            &exchange.request_bytes(),
            &exchange.response_bytes(),
            exchange.elapsed,
            exchange.curl_auth.clone(),
            true,
        )
        .expect("read back");
        assert_eq!(
            (&back.request, &back.response),
            (&exchange.request, &exchange.response)
        );
        assert_eq!(back.to_curl(), exchange.to_curl());
        assert!(
            Exchange::from_bytes(b"GET / HTTP/1.1\r\n", b"", Duration::ZERO, None, false).is_none()
        );
    }

    #[test]
    fn curl_lines_carry_every_byte() {
        let exchange = Exchange {
            request: RawRequest {
                method: "POST".into(),
                url: "https://192.0.2.1/api/switch/ctrl".into(),
                headers: vec![(
                    "content-type".into(),
                    "multipart/form-data; boundary=b".into(),
                )],
                body: b"a'b\\c\r\n\x00".to_vec(),
            },
            response: RawResponse {
                status: 200,
                headers: Vec::new(),
                body: Vec::new(),
            },
            elapsed: Duration::ZERO,
            curl_auth: Some(format!("--digest -u {}", curl_user("admin"))),
            insecure: true,
        };
        assert_eq!(
            exchange.to_curl(),
            "curl -sS -i -k --digest -u \"admin:$HELIOS_PASS_ADMIN\" -X POST -H $'content-type: multipart/form-data; boundary=b' --data-binary $'a\\'b\\\\c\\x0d\\x0a\\x00' $'https://192.0.2.1/api/switch/ctrl'"
        );
    }

    #[test]
    fn passwords_are_named_not_written() {
        assert_eq!(password_variable("admin"), "HELIOS_PASS_ADMIN");
        assert_eq!(password_variable("o'brien.2"), "HELIOS_PASS_O_BRIEN_2");
        assert_eq!(curl_user("viewer"), "\"viewer:$HELIOS_PASS_VIEWER\"");
        assert_eq!(curl_user("o'b$x"), "'o'\\''b$x'\":$HELIOS_PASS_O_B_X\"");
    }

    #[test]
    fn basic_credentials_are_masked_and_digest_kept() {
        let digest = "Digest username=\"admin\", response=\"0123\"";
        let exchange = Exchange {
            request: RawRequest {
                method: "GET".into(),
                url: "http://192.0.2.1/api/system/info".into(),
                headers: vec![
                    ("authorization".into(), "Basic YWRtaW46Mm4=".into()),
                    ("Authorization".into(), digest.into()),
                    ("proxy-authorization".into(), "basic YWRtaW46Mm4=".into()),
                ],
                body: Vec::new(),
            },
            response: RawResponse {
                status: 200,
                headers: Vec::new(),
                body: Vec::new(),
            },
            elapsed: Duration::ZERO,
            curl_auth: None,
            insecure: false,
        };
        let masked = exchange.basic_masked();
        let values: Vec<&str> = masked
            .request
            .headers
            .iter()
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(values, [MASKED_BASIC, digest, MASKED_BASIC]);
        let bytes = String::from_utf8(masked.request_bytes()).expect("text");
        assert!(!bytes.contains("YWRtaW46Mm4"), "{bytes}");
    }
}
