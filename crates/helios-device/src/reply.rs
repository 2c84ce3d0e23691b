//! Replies: what a handler produces, and the one place where an error becomes the manual's
//! negative reply with its HTTP status and challenges.

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use bytes::Bytes;
use helios_spec::MediaType;
use helios_wire::ApiError;
use helios_wire::envelope::{write_error, write_success};
use serde_json::Value;

/// A successful reply.
#[derive(Debug)]
pub enum Reply {
    /// `{"success":true}`, with `result` if any.
    Json(Option<Value>),
    /// The `response` parameter's text, exactly as given (possibly empty).
    Text(String),
    /// Bytes of a media type (XML, JPEG, pcap).
    Bytes { media: MediaType, body: Bytes },
    /// A body that goes on for as long as the client reads (the MJPEG push of 5.20), with its
    /// full Content-Type (a multipart type carries its boundary).
    Stream { content_type: String, body: Body },
}

/// The `Server` header, as the manual shows it: `HIP` and the firmware version.
pub fn server_header(sw_version: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("HIP{sw_version}"))
        .unwrap_or_else(|_| HeaderValue::from_static("HIP"))
}

impl Reply {
    pub fn into_response(self) -> Response<Body> {
        match self {
            Self::Json(result) => json(StatusCode::OK, write_success(result.as_ref())),
            Self::Text(text) => with_type(StatusCode::OK, MediaType::Text.mime(), text.into()),
            Self::Bytes { media, body } => with_type(StatusCode::OK, media.mime(), body.into()),
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
