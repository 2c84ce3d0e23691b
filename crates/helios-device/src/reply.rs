//! Replies: what a handler produces, and the one place where an error becomes the manual's
//! negative reply with its HTTP status and challenges.

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use bytes::Bytes;
use helios_spec::MediaType;
use helios_wire::ApiError;
use helios_wire::envelope::{write_error, write_success};
use serde_json::Value;

/// A reply that is not ready yet: a long-poll that waits for an event or its timeout.
pub type LaterReply =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Reply, ApiError>> + Send>>;

/// A successful reply.
pub enum Reply {
    /// `{"success":true}`, with `result` if any.
    Json(Option<Value>),
    /// `{"success":true,"result":...}` with a result already written as compact JSON text (a
    /// `log/pull` reply, written record by record without building a value first).
    JsonText(Vec<u8>),
    /// The `response` parameter's text, exactly as given (possibly empty).
    Text(String),
    /// Bytes of a media type (XML, JPEG, pcap).
    Bytes { media: MediaType, body: Bytes },
    /// Bytes under a Content-Type no spec media type names: only the fault catalogue's
    /// mislabelled and hand-written replies (`crate::faults`) use it.
    Raw {
        content_type: &'static str,
        body: Bytes,
    },
    /// A body that goes on for as long as the client reads (the MJPEG push of 5.20), with its
    /// full Content-Type (a multipart type carries its boundary).
    Stream { content_type: String, body: Body },
    /// A reply that comes later (it may still turn out to be an error).
    Later(LaterReply),
    /// A JSON result with a `Date` header of the handler's own: only the fault catalogue's
    /// skewed clock (`date-header-skewed`) uses it; the server writes every other reply's.
    Dated { result: Value, date: HeaderValue },
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Json(result) => f.debug_tuple("Json").field(result).finish(),
            Self::JsonText(text) => f
                .debug_tuple("JsonText")
                .field(&String::from_utf8_lossy(text))
                .finish(),
            Self::Text(text) => f.debug_tuple("Text").field(text).finish(),
            Self::Bytes { media, body } => f
                .debug_struct("Bytes")
                .field("media", media)
                .field("len", &body.len())
                .finish(),
            Self::Raw { content_type, body } => f
                .debug_struct("Raw")
                .field("content_type", content_type)
                .field("len", &body.len())
                .finish(),
            Self::Stream { content_type, .. } => f
                .debug_struct("Stream")
                .field("content_type", content_type)
                .finish(),
            Self::Later(_) => f.write_str("Later(..)"),
            Self::Dated { result, date } => f
                .debug_struct("Dated")
                .field("result", result)
                .field("date", date)
                .finish(),
        }
    }
}

/// The `Server` header, as the manual shows it: `HIP` and the firmware version. Each distinct
/// text is made static once (the firmware versions a device runs are few), so that the header
/// every reply carries is cloned without touching a reference count that all server threads
/// would share.
pub fn server_header(sw_version: &str) -> HeaderValue {
    static INTERNED: Mutex<BTreeMap<String, &'static str>> = Mutex::new(BTreeMap::new());
    let text = format!("HIP{sw_version}");
    if HeaderValue::from_str(&text).is_err() {
        return HeaderValue::from_static("HIP");
    }
    let mut interned = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
    let text: &'static str = interned
        .entry(text)
        .or_insert_with_key(|text| Box::leak(text.clone().into_boxed_str()));
    HeaderValue::from_static(text)
}

impl Reply {
    /// The HTTP response, once the reply is ready.
    pub async fn into_response(self) -> Response<Body> {
        let mut reply = self;
        loop {
            match reply.ready() {
                Ok(response) => return response,
                Err(later) => match later.await {
                    Ok(ready) => reply = ready,
                    Err(error) => return error_response(&error, &[]),
                },
            }
        }
    }

    /// The HTTP response at once, or the reply that comes later. The server takes the response
    /// this way before its future is returned, without the layers of `async` around it.
    pub fn ready(self) -> Result<Response<Body>, LaterReply> {
        Ok(match self {
            Self::Json(result) => json(StatusCode::OK, write_success(result.as_ref())),
            Self::JsonText(result) => {
                // The bytes `write_success` gives for the same result as a value.
                let mut body = Vec::with_capacity(result.len() + 30);
                body.extend_from_slice(br#"{"success":true,"result":"#);
                body.extend_from_slice(&result);
                body.push(b'}');
                json(StatusCode::OK, body)
            }
            Self::Text(text) => with_type(StatusCode::OK, MediaType::Text.mime(), text.into()),
            Self::Bytes { media, body } => with_type(StatusCode::OK, media.mime(), body.into()),
            Self::Raw { content_type, body } => {
                with_type(StatusCode::OK, content_type, body.into())
            }
            Self::Stream { content_type, body } => {
                let mut response = Response::new(body);
                if let Ok(value) = HeaderValue::from_str(&content_type) {
                    response.headers_mut().insert(header::CONTENT_TYPE, value);
                }
                // A push stream is never stored: each part replaces the one before it.
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                response
            }
            Self::Later(later) => return Err(later),
            Self::Dated { result, date } => {
                let mut response = json(StatusCode::OK, write_success(Some(&result)));
                response.headers_mut().insert(header::DATE, date);
                response
            }
        })
    }
}

/// A request refused: the error, and the challenges that go with it (those of code 9).
#[derive(Clone, Debug)]
pub struct Refusal {
    pub error: ApiError,
    pub challenges: Vec<String>,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            challenges: Vec::new(),
        }
    }
}

/// The negative reply for `error` (2.3): 401 for code 9 with one `WWW-Authenticate` header per
/// challenge, 200 for every other code.
pub fn error_response(error: &ApiError, challenges: &[String]) -> Response<Body> {
    let status = StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::OK);
    let mut response = json(status, write_error(error));
    for challenge in challenges {
        if let Ok(value) = HeaderValue::from_str(challenge) {
            response
                .headers_mut()
                .append(header::WWW_AUTHENTICATE, value);
        }
    }
    response
}

fn json(status: StatusCode, body: Vec<u8>) -> Response<Body> {
    with_type(status, MediaType::Json.mime(), body.into())
}

fn with_type(status: StatusCode, content_type: &'static str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
