//! Helpers for the device's tests: a device on a manual clock, requests through the pipeline
//! without sockets, and a Digest client built on helios-wire.

#![allow(dead_code, unreachable_pub, unused_macros)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use helios_device::clock::ManualClock;
use helios_device::pipeline::{Connection, process};
use helios_device::{Device, Profile};
use helios_spec::Transport;
use helios_wire::auth::{Challenge, Credentials, DigestRequest, parse_challenges};
use http_body_util::BodyExt;
use serde_json::Value;

/// 2015-07-27 08:51:42 UTC, the time of the manual's first event example.
pub const START: Duration = Duration::from_secs(1_437_987_102);

pub struct TestDevice {
    pub device: Arc<Device>,
    pub clock: Arc<ManualClock>,
}

impl TestDevice {
    pub fn new(profile: Profile) -> Self {
        let clock = Arc::new(ManualClock::new(START));
        let device = Device::new(profile, clock.clone());
        Self { device, clock }
    }

    pub fn default_profile() -> Self {
        Self::new(Profile::default_profile())
    }

    pub fn advance(&self, seconds: u64) {
        self.clock.advance(Duration::from_secs(seconds));
        self.device.tick();
    }

    pub fn send(&self, request: &Request<'_>) -> Reply {
        let uri: Uri = request.uri.parse().expect("a valid URI");
        let mut headers = HeaderMap::new();
        for (name, value) in &request.headers {
            headers.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
                HeaderValue::from_str(value).expect("a header value"),
            );
        }
        let method = Method::from_bytes(request.method.as_bytes()).expect("a method");
        let connection = Connection {
            transport: request.transport,
            peer: SocketAddr::new(request.peer, 40000),
        };
        let (parts, body) = futures_block(async {
            let response = process(
                &self.device,
                &method,
                &uri,
                &headers,
                request.body,
                connection,
            )
            .await;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map(|c| c.to_bytes())
                .unwrap_or_default();
            (parts, body)
        });
        Reply {
            status: parts.status,
            headers: parts.headers,
            body: body.to_vec(),
        }
    }

    /// A request with Digest credentials, answering the device's challenge the way a client
    /// does: one unauthenticated try, then the signed one.
    pub fn send_digest(&self, request: &Request<'_>, user: &str, password: &str) -> Reply {
        let first = self.send(request);
        if first.status != StatusCode::UNAUTHORIZED {
            return first;
        }
        let authorization = digest_authorization(&first, request, user, password, 1);
        self.send(&request.clone().header("authorization", &authorization))
    }
}

/// The Authorization value that answers `reply`'s Digest challenge.
pub fn digest_authorization(
    reply: &Reply,
    request: &Request<'_>,
    user: &str,
    password: &str,
    nc: u32,
) -> String {
    let challenge = reply.digest_challenge().expect("a Digest challenge");
    let response = challenge
        .respond(&DigestRequest {
            username: user,
            password,
            method: request.method,
            uri: request.uri,
            body: request.body,
            cnonce: "0a4f113b",
            nc,
            qop: None,
        })
        .expect("a Digest response");
    Credentials::Digest(response)
        .to_header_value()
        .expect("writable")
}

fn futures_block<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(future)
}

/// A request to the pipeline.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    pub uri: &'a str,
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
    pub transport: Transport,
    pub peer: IpAddr,
}

impl<'a> Request<'a> {
    /// A GET over HTTPS from 127.0.0.1.
    pub fn get(uri: &'a str) -> Self {
        Self {
            method: "GET",
            uri,
            headers: Vec::new(),
            body: b"",
            transport: Transport::Https,
            peer: IpAddr::V4(Ipv4Addr::LOCALHOST),
        }
    }

    pub fn method(mut self, method: &'a str) -> Self {
        self.method = method;
        self
    }

    pub fn http(mut self) -> Self {
        self.transport = Transport::Http;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn body(mut self, content_type: &str, body: &'a [u8]) -> Self {
        self.body = body;
        self.header("content-type", content_type)
    }

    pub fn from(mut self, peer: IpAddr) -> Self {
        self.peer = peer;
        self
    }

    pub fn basic(self, user: &str, password: &str) -> Self {
        let value = Credentials::Basic {
            user: user.to_owned(),
            password: password.to_owned(),
        }
        .to_header_value()
        .expect("writable");
        self.header("authorization", &value)
    }
}

/// What the pipeline answered.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The error code of a negative reply, after checking the envelope's shape.
    pub fn error_code(&self) -> Option<u64> {
        let json = self.json();
        if json["success"] == Value::Bool(true) {
            return None;
        }
        assert_eq!(json["success"], Value::Bool(false), "{json}");
        assert_eq!(self.content_type(), "application/json");
        json["error"]["code"].as_u64()
    }

    pub fn error_param(&self) -> Option<String> {
        self.json()["error"]["param"].as_str().map(str::to_owned)
    }

    pub fn result(&self) -> Value {
        let json = self.json();
        assert_eq!(json["success"], Value::Bool(true), "{json}");
        json["result"].clone()
    }

    pub fn challenges(&self) -> Vec<Challenge> {
        let values: Vec<&[u8]> = self
            .headers
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .map(HeaderValue::as_bytes)
            .collect();
        parse_challenges(&values).expect("readable challenges").0
    }

    pub fn digest_challenge(&self) -> Option<helios_wire::auth::DigestChallenge> {
        self.challenges().into_iter().find_map(|c| match c {
            Challenge::Digest(d) => Some(d),
            _ => None,
        })
    }
}

/// The admin account of the shipped profiles.
pub const ADMIN: (&str, &str) = ("admin", "2n");

/// A GET as the admin.
pub fn get(device: &TestDevice, uri: &str) -> Reply {
    device.send_digest(&Request::get(uri), ADMIN.0, ADMIN.1)
}

/// An insta JSON snapshot in the workspace's `snapshots/`.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_json_snapshot!($name, $value);
        });
    };
}
#[allow(unused_imports)]
pub(crate) use snapshot;

/// An insta text snapshot in the workspace's `snapshots/`.
macro_rules! text_snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!($name, $value);
        });
    };
}
#[allow(unused_imports)]
pub(crate) use text_snapshot;

/// A device served on loopback on the machine's clock, with the runtime that serves it.
pub struct Served {
    pub running: helios_device::server::Running,
    pub device: Arc<Device>,
    /// The certificate HTTPS presents, when HTTPS is served.
    pub cert_pem: Option<String>,
    pub runtime: tokio::runtime::Runtime,
}

impl Served {
    /// Serves `profile` over HTTP, and over HTTPS too when `https` is set.
    pub fn start(profile: Profile, https: bool) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let tls = https.then(|| helios_device::tls::Tls::self_signed().expect("a certificate"));
        let cert_pem = tls.as_ref().map(|tls| tls.cert_pem.clone());
        let device = Device::new(profile, Arc::new(helios_device::clock::SystemClock::new()));
        let any = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);
        let running = runtime
            .block_on(helios_device::server::start(
                device.clone(),
                Some(any),
                tls.map(|tls| (any, tls)),
            ))
            .expect("the server starts");
        Self {
            running,
            device,
            cert_pem,
            runtime,
        }
    }

    pub fn http(&self, path: &str) -> String {
        format!("http://{}{path}", self.running.http.expect("HTTP"))
    }

    pub fn https(&self, path: &str) -> String {
        format!("https://{}{path}", self.running.https.expect("HTTPS"))
    }

    pub fn stop(self) {
        self.runtime.block_on(self.running.shutdown());
    }
}

/// Runs a Python script given on standard input with `args`; fails the test, naming the
/// missing package, when Python cannot run it.
pub fn python(script: &str, args: &[&str], needs: &str) -> Vec<u8> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("python3")
        .arg("-")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("the script is written");
    let output = child.wait_with_output().expect("python3 finishes");
    assert!(
        output.status.success(),
        "the Python script failed (pip install {needs}): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// A GET as the admin to a served device (`base` is its origin; `cert` the HTTPS certificate to
/// trust) through reqwest, answering the Digest challenge with helios-wire.
pub async fn admin_get_over(base: &str, cert: Option<&str>, target: &str) -> anyhow::Result<Value> {
    let mut client = reqwest::Client::builder();
    if let Some(pem) = cert {
        client = client.add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes())?);
    }
    let client = client.build()?;
    let url = format!("{base}{target}");
    let first = client.get(&url).send().await?;
    let values: Vec<Vec<u8>> = first
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.as_bytes().to_vec())
        .collect();
    let challenge = parse_challenges(&values)?
        .0
        .into_iter()
        .find_map(|c| match c {
            Challenge::Digest(d) => Some(d),
            _ => None,
        })
        .ok_or_else(|| anyhow::anyhow!("no Digest challenge from {url}"))?;
    let response = challenge.respond(&DigestRequest {
        username: ADMIN.0,
        password: ADMIN.1,
        method: "GET",
        uri: target,
        body: b"",
        cnonce: "0a4f113b",
        nc: 1,
        qop: None,
    })?;
    let reply = client
        .get(&url)
        .header(
            "authorization",
            Credentials::Digest(response).to_header_value()?,
        )
        .send()
        .await?;
    Ok(reply.json().await?)
}
