//! The client: building requests from calls, authentication, HTTPS options, timeouts and the
//! exchange log.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use helios_spec::Method;
use helios_wire::auth::{
    Algorithm, Challenge, Credentials, DigestChallenge, DigestRequest, parse_challenges,
};
use helios_wire::params::{PartSpec, encode_multipart, encode_query, multipart_content_type};

use crate::call::{Call, ParamValue, Transfer};
use crate::error::{ClientError, MAX_RESPONSE};
use crate::exchange::{Exchange, RawRequest, RawResponse};
use crate::streaming::Streaming;

/// How the client authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// Never send credentials.
    None,
    /// Send Basic credentials with every request, unasked.
    Basic,
    /// Answer Digest challenges only.
    Digest,
    /// Answer whatever the device challenges with, Digest first.
    Auto,
}

/// Configures a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base: String,
    credentials: Option<(String, String)>,
    reveal_password: bool,
    auth: AuthMode,
    insecure: bool,
    ca_pem: Option<Vec<u8>>,
    timeout: Duration,
    keep_log: bool,
}

impl ClientBuilder {
    /// The account to log in as. Its password is a secret: curl lines name it
    /// `$HELIOS_PASS_<USER>` (see [`password_variable`](crate::password_variable)).
    pub fn credentials(mut self, user: &str, password: &str) -> Self {
        self.credentials = Some((user.to_owned(), password.to_owned()));
        self
    }

    /// The password is no secret (a wrong one, sent on purpose): curl lines carry it as it is,
    /// so that they reproduce the refused login.
    pub fn reveal_password(mut self) -> Self {
        self.reveal_password = true;
        self
    }

    pub fn auth(mut self, mode: AuthMode) -> Self {
        self.auth = mode;
        self
    }

    /// Accept any certificate (a device's factory certificate is self-signed).
    pub fn accept_invalid_certs(mut self, insecure: bool) -> Self {
        self.insecure = insecure;
        self
    }

    /// Trust only this certificate (PEM), pinning the device.
    pub fn ca_pem(mut self, pem: Vec<u8>) -> Self {
        self.ca_pem = Some(pem);
        self
    }

    /// The longest a request may take, connection included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Whether the client keeps every exchange in its log (the default). A load generator turns
    /// it off: a long run would otherwise hold every reply in memory.
    pub fn keep_log(mut self, keep: bool) -> Self {
        self.keep_log = keep;
        self
    }

    pub fn build(self) -> Result<Client, ClientError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(self.timeout)
            .pool_max_idle_per_host(4);
        if self.insecure {
            builder = builder.danger_accept_invalid_certs(true);
        }
        if let Some(pem) = &self.ca_pem {
            let cert = reqwest::Certificate::from_pem(pem).map_err(ClientError::Certificate)?;
            builder = builder.tls_certs_only([cert]);
        }
        let http = builder.build().map_err(ClientError::Build)?;
        Ok(Client {
            http,
            base: self.base.trim_end_matches('/').to_owned(),
            credentials: self.credentials,
            reveal_password: self.reveal_password,
            auth: self.auth,
            insecure: self.insecure,
            timeout: self.timeout,
            keep_log: self.keep_log,
            digest: Mutex::new(None),
            log: Mutex::new(Vec::new()),
        })
    }
}

/// An answered Digest challenge, reused with a growing nonce count until the device asks
/// again.
#[derive(Debug)]
struct DigestSession {
    challenge: DigestChallenge,
    nc: u32,
}

/// A client of one device.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    credentials: Option<(String, String)>,
    reveal_password: bool,
    auth: AuthMode,
    insecure: bool,
    timeout: Duration,
    keep_log: bool,
    digest: Mutex<Option<DigestSession>>,
    log: Mutex<Vec<Exchange>>,
}

/// A request before authentication: everything but the `Authorization` header.
struct Prepared {
    method: Method,
    url: String,
    /// The request target, as Digest signs it.
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Client {
    /// A client of the device at `base` (`https://192.0.2.10`).
    pub fn builder(base: &str) -> ClientBuilder {
        ClientBuilder {
            base: base.to_owned(),
            credentials: None,
            reveal_password: false,
            auth: AuthMode::Auto,
            insecure: false,
            ca_pem: None,
            timeout: Duration::from_secs(30),
            keep_log: true,
        }
    }

    /// Every exchange so far, oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Sends a call, answering the device's authentication challenge when the client has
    /// credentials (and once more when the device says the nonce was stale). Returns the last
    /// exchange.
    pub async fn send(&self, call: Call) -> Result<Exchange, ClientError> {
        self.send_within(call, None)
            .await
            .map(|(exchange, _)| exchange)
    }

    /// Sends a call whose reply does not end (an MJPEG stream) and reads its body for
    /// `window` after the response head arrived, then lets it go. Returns the exchange with the
    /// body read so far, and when each chunk arrived (since the head) with the body's length
    /// after it, so that a caller can time what the bytes carry.
    pub async fn stream(
        &self,
        call: Call,
        window: Duration,
    ) -> Result<(Exchange, Vec<(Duration, usize)>), ClientError> {
        self.send_within(call, Some(window)).await
    }

    async fn send_within(
        &self,
        call: Call,
        window: Option<Duration>,
    ) -> Result<(Exchange, Vec<(Duration, usize)>), ClientError> {
        let prepared = prepare(&self.base, &call)?;
        let mut exchange = self
            .exchange(&prepared, self.preemptive(&prepared), window)
            .await?;
        for attempt in 0..2 {
            if exchange.0.response.status != 401 || self.auth == AuthMode::None {
                break;
            }
            // Credentials refused a second time are wrong, unless the device says only the
            // nonce was stale: another try would be one more failed login against the
            // device's blocking.
            if attempt > 0 && !stale(&exchange.0) {
                break;
            }
            let Some(authorization) = self.answer(&exchange.0, &prepared) else {
                break;
            };
            exchange = self
                .exchange(&prepared, Some(authorization), window)
                .await?;
        }
        if exchange.0.response.status == 401 {
            // Refused credentials open no session: the next call must not send them unasked,
            // which would be one more failed login.
            *self.digest.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        Ok(exchange)
    }

    /// The Authorization a request carries before any challenge: Basic when asked for, or the
    /// next count of a Digest session already open.
    fn preemptive(&self, prepared: &Prepared) -> Option<String> {
        let (user, password) = self.credentials.as_ref()?;
        match self.auth {
            AuthMode::Basic => basic(user, password),
            AuthMode::Digest | AuthMode::Auto => {
                let mut session = self.digest.lock().unwrap_or_else(|e| e.into_inner());
                let session = session.as_mut()?;
                session.nc += 1;
                digest(&session.challenge, session.nc, user, password, prepared)
            }
            AuthMode::None => None,
        }
    }

    /// The Authorization that answers a 401's challenges, if the client can answer them.
    fn answer(&self, exchange: &Exchange, prepared: &Prepared) -> Option<String> {
        let (user, password) = self.credentials.as_ref()?;
        let values: Vec<&[u8]> = exchange
            .response
            .headers_named("www-authenticate")
            .map(str::as_bytes)
            .collect();
        let (challenges, _) = parse_challenges(&values).ok()?;
        let digests = challenges.iter().filter_map(|c| match c {
            Challenge::Digest(d) if !matches!(d.algorithm, Algorithm::Other(_)) => Some(d),
            _ => None,
        });
        // Of several Digest challenges, the strongest (RFC 7616 3.7).
        let best = digests.max_by_key(|d| match d.algorithm {
            Algorithm::Sha512_256 | Algorithm::Sha512_256Sess => 3,
            Algorithm::Sha256 | Algorithm::Sha256Sess => 2,
            _ => 1,
        });
        let offers_basic = challenges
            .iter()
            .any(|c| matches!(c, Challenge::Basic { .. }));
        match (self.auth, best) {
            (AuthMode::Digest | AuthMode::Auto, Some(challenge)) => {
                let mut session = self.digest.lock().unwrap_or_else(|e| e.into_inner());
                let session = session.insert(DigestSession {
                    challenge: challenge.clone(),
                    nc: 1,
                });
                digest(&session.challenge, session.nc, user, password, prepared)
            }
            (AuthMode::Basic | AuthMode::Auto, _) if offers_basic => basic(user, password),
            _ => None,
        }
    }

    /// Opens a call whose reply is a stream (an MJPEG push): authenticates as [`send`] does,
    /// then hands over the reply as it arrives, without the overall timeout (the connection
    /// timeout still applies). The exchange is not logged: it has no end.
    ///
    /// [`send`]: Client::send
    pub async fn open(&self, call: Call) -> Result<Streaming, ClientError> {
        let prepared = prepare(&self.base, &call)?;
        let mut opened = self
            .start(&prepared, self.preemptive(&prepared), None)
            .await?;
        for _ in 0..2 {
            if opened.1.status() != 401 || self.auth == AuthMode::None {
                break;
            }
            let (refused, _) = self.finish(&prepared, opened, None).await?;
            let Some(authorization) = self.answer(&refused, &prepared) else {
                return Ok(Streaming::refused(refused));
            };
            opened = self.start(&prepared, Some(authorization), None).await?;
        }
        let (_, response, _) = opened;
        Ok(Streaming::open(response))
    }

    /// Sends a prepared request and returns, once the response's head has arrived, the
    /// headers sent, the response and when the request started. `timeout` bounds the whole
    /// exchange when given.
    async fn start(
        &self,
        prepared: &Prepared,
        authorization: Option<String>,
        timeout: Option<Duration>,
    ) -> Result<(Vec<(String, String)>, reqwest::Response, Instant), ClientError> {
        let method = match prepared.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut headers = prepared.headers.clone();
        if let Some(authorization) = authorization {
            headers.push(("authorization".into(), authorization));
        }
        let mut request = self
            .http
            .request(method, &prepared.url)
            .body(prepared.body.clone());
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        let started = Instant::now();
        let response = request
            .send()
            .await
            .map_err(|e| ClientError::Transport(e.into()))?;
        Ok((headers, response, started))
    }

    /// One exchange, its body read whole, or for `window` after the head when given (a stream),
    /// with when each chunk arrived.
    async fn exchange(
        &self,
        prepared: &Prepared,
        authorization: Option<String>,
        window: Option<Duration>,
    ) -> Result<(Exchange, Vec<(Duration, usize)>), ClientError> {
        let started = self
            .start(
                prepared,
                authorization,
                Some(self.timeout + window.unwrap_or_default()),
            )
            .await?;
        self.finish(prepared, started, window).await
    }

    /// Reads the body of a started exchange (whole, or for `window` after the head) and logs
    /// the exchange.
    async fn finish(
        &self,
        prepared: &Prepared,
        (headers, mut response, started): (Vec<(String, String)>, reqwest::Response, Instant),
        window: Option<Duration>,
    ) -> Result<(Exchange, Vec<(Duration, usize)>), ClientError> {
        let status = response.status().as_u16();
        let response_headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut arrivals = Vec::new();
        let head = Instant::now();
        loop {
            let chunk = match window {
                None => response.chunk().await,
                Some(window) => {
                    let left = window.saturating_sub(head.elapsed());
                    match tokio::time::timeout(left, response.chunk()).await {
                        Ok(chunk) => chunk,
                        // The window is over: what came so far is the answer.
                        Err(_) => break,
                    }
                }
            };
            let Some(chunk) = chunk.map_err(|e| ClientError::Transport(e.into()))? else {
                break;
            };
            if body.len() + chunk.len() > MAX_RESPONSE {
                return Err(ClientError::TooLarge);
            }
            body.extend_from_slice(&chunk);
            arrivals.push((head.elapsed(), body.len()));
        }
        let exchange = Exchange {
            request: RawRequest {
                method: prepared.method.as_str().to_owned(),
                url: prepared.url.clone(),
                headers,
                body: prepared.body.clone(),
            },
            response: RawResponse {
                status,
                headers: response_headers,
                body,
            },
            elapsed: started.elapsed(),
            curl_auth: self.curl_auth(),
            insecure: self.insecure,
        };
        if self.keep_log {
            self.log
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(exchange.clone());
        }
        Ok((exchange, arrivals))
    }

    /// curl's options for the credentials: the password as `$HELIOS_PASS_<USER>`, never in
    /// clear, unless it is no secret.
    fn curl_auth(&self) -> Option<String> {
        let (user, password) = self.credentials.as_ref()?;
        let scheme = match self.auth {
            AuthMode::None => return None,
            AuthMode::Basic => "--basic",
            AuthMode::Digest => "--digest",
            AuthMode::Auto => "--anyauth",
        };
        Some(if self.reveal_password {
            format!(
                "{scheme} -u '{}'",
                format!("{user}:{password}").replace('\'', "'\\''")
            )
        } else {
            format!("{scheme} -u {}", crate::exchange::curl_user(user))
        })
    }
}

fn basic(user: &str, password: &str) -> Option<String> {
    Credentials::Basic {
        user: user.to_owned(),
        password: password.to_owned(),
    }
    .to_header_value()
    .ok()
}

fn digest(
    challenge: &DigestChallenge,
    nc: u32,
    user: &str,
    password: &str,
    prepared: &Prepared,
) -> Option<String> {
    let cnonce = format!("{:016x}", rand::random::<u64>());
    let response = challenge
        .respond(&DigestRequest {
            username: user,
            password,
            method: prepared.method.as_str(),
            uri: &prepared.target,
            body: &prepared.body,
            cnonce: &cnonce,
            nc,
            qop: None,
        })
        .ok()?;
    Credentials::Digest(response).to_header_value().ok()
}

/// The URL, headers and body of a call.
fn prepare(base: &str, call: &Call) -> Result<Prepared, ClientError> {
    let (simple, blobs) = split(call);
    let path = call.target_path();
    let (target, content_type, body) = match call.transfer {
        Transfer::Query => {
            let target = if simple.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{}", encode_query(simple.iter().copied()))
            };
            if blobs.is_empty() {
                (target, None, Vec::new())
            } else {
                let (content_type, body) = multipart(&blobs);
                (target, Some(content_type), body)
            }
        }
        Transfer::UrlEncoded => {
            if !blobs.is_empty() {
                return Err(ClientError::BlobOutsideMultipart);
            }
            let body = encode_query(simple.iter().copied()).into_bytes();
            let content_type = "application/x-www-form-urlencoded".to_owned();
            (path.to_owned(), Some(content_type), body)
        }
        Transfer::Multipart => {
            let mut parts: Vec<PartSpec<'_>> = simple
                .iter()
                .map(|(name, value)| PartSpec {
                    name,
                    data: value.as_bytes(),
                    filename: None,
                    content_type: None,
                })
                .collect();
            parts.extend(blobs);
            let (content_type, body) = multipart(&parts);
            (path.to_owned(), Some(content_type), body)
        }
    };
    Ok(Prepared {
        method: call.method,
        url: format!("{base}{target}"),
        target,
        headers: content_type
            .map(|value| ("content-type".to_owned(), value))
            .into_iter()
            .collect(),
        body,
    })
}

/// A call's simple parameters as names and values, and its `blob-` parameters as parts.
fn split(call: &Call) -> (Vec<(&str, &str)>, Vec<PartSpec<'_>>) {
    let simple = call
        .params
        .iter()
        .filter_map(|(name, value)| match value {
            ParamValue::Text(text) => Some((name.as_str(), text.as_str())),
            ParamValue::Blob { .. } => None,
        })
        .collect();
    let blobs = call
        .params
        .iter()
        .filter_map(|(name, value)| match value {
            ParamValue::Blob {
                data,
                filename,
                content_type,
            } => Some(PartSpec {
                name,
                data,
                filename: Some(filename),
                content_type: Some(content_type),
            }),
            ParamValue::Text(_) => None,
        })
        .collect();
    (simple, blobs)
}

/// A multipart body of `parts` under a fresh boundary, and its Content-Type.
fn multipart(parts: &[PartSpec<'_>]) -> (String, Vec<u8>) {
    let boundary = format!("helios-{:016x}", rand::random::<u64>());
    (
        multipart_content_type(&boundary),
        encode_multipart(&boundary, parts),
    )
}

/// Whether a 401 says the Digest nonce was stale (the credentials were right).
fn stale(exchange: &Exchange) -> bool {
    let values: Vec<&str> = exchange
        .response
        .headers_named("www-authenticate")
        .collect();
    parse_challenges(&values).is_ok_and(|(challenges, _)| {
        challenges
            .iter()
            .any(|c| matches!(c, Challenge::Digest(digest) if digest.stale))
    })
}
