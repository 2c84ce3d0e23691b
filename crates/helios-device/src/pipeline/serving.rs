//! Between HTTP and the pipeline: the router, the request's head and body handed to the steps,
//! and the reply turned into a response with the firmware's `Server` header.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request as HttpRequest, State};
use axum::http::{HeaderMap, HeaderValue, Method, Response, Uri, header};
use helios_spec::ErrorCode;
use helios_wire::ApiError;

use super::request::{Connection, LIMITS, Request};
use super::steps::{admit, run, serve_admitted};
use crate::device::Device;
use crate::profile::Profile;
use crate::reply::{LaterReply, Refusal, Reply, error_response};

/// The whole API as a router: every path goes through [`process`], but those of the device's own
/// test page (`apitest.html` and its files), which are not part of the API.
pub fn app(device: Arc<Device>) -> Router {
    Router::new()
        .merge(crate::apitest::routes())
        .fallback(handle)
        .with_state(device)
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

async fn handle(State(device): State<Arc<Device>>, request: HttpRequest) -> Response<Body> {
    let connection = request
        .extensions()
        .get::<Connection>()
        .copied()
        .unwrap_or_default();
    serve(&device, connection, request).await
}

/// One request on a connection: what the server calls for every request, without the router
/// and its layers around it (they took a quarter of the time of serving a snapshot).
pub async fn serve<B>(
    device: &Arc<Device>,
    connection: Connection,
    request: HttpRequest<B>,
) -> Response<Body>
where
    B: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    begin(device, connection, request).finish(connection).await
}

/// A request once its head has been through the pipeline, or is waiting for its body.
pub enum Serving<B> {
    /// The response, ready: a reply outside the API (the device's test page), or one the
    /// pipeline had ready at once.
    Answered(Response<Body>),
    /// A reply that comes later, and the `Server` header that goes with it.
    Later(LaterReply, HeaderValue),
    /// A request with a body, which has to be read first (boxed: most requests have none, and
    /// the server moves this around with every request).
    Body(Box<Unread<B>>),
}

impl<B: std::fmt::Debug> std::fmt::Debug for Serving<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Answered(response) => f.debug_tuple("Answered").field(response).finish(),
            Self::Later(_, server) => f.debug_tuple("Later").field(server).finish(),
            Self::Body(unread) => f.debug_tuple("Body").field(unread).finish(),
        }
    }
}

/// A request whose body has not been read.
#[derive(Debug)]
pub struct Unread<B> {
    device: Arc<Device>,
    parts: axum::http::request::Parts,
    body: B,
}

/// The part of serving a request that needs no waiting: for a request without a body, the
/// whole pipeline up to the handler's reply, and the response when the reply is ready. Run
/// before the server's future is returned, this lets go of the request's head at once: the
/// head shares hyper's read buffer, and hyper reads the connection again before it polls that
/// future, so a head still alive then made it allocate a new buffer for every request.
pub fn begin<B>(device: &Arc<Device>, connection: Connection, request: HttpRequest<B>) -> Serving<B>
where
    B: axum::body::HttpBody<Data = bytes::Bytes>,
{
    let (parts, body) = request.into_parts();
    tracing::debug!(method = %parts.method, uri = %parts.uri, peer = %connection.peer, "request");
    // The device's own test page is not part of the API: no pipeline.
    if let Some(response) = crate::apitest::respond(device, &parts.method, parts.uri.path()) {
        return Serving::Answered(response);
    }
    // Most requests are GETs without a body: nothing to collect.
    if body.is_end_stream() {
        // The running configuration, read once for the request, from this thread's copy.
        return device.running().with_profile(|profile| {
            let request = Request {
                method: &parts.method,
                uri: &parts.uri,
                headers: &parts.headers,
                body: b"",
                connection,
            };
            let ran = run(device, profile, &request);
            let server = server_header(profile);
            match answer(ran) {
                Ok(response) => Serving::Answered(with_server(response, server)),
                Err(later) => Serving::Later(later, server),
            }
        });
    }
    Serving::Body(Box::new(Unread {
        device: device.clone(),
        parts,
        body,
    }))
}

impl<B> Serving<B>
where
    B: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    /// The response: the reply that came later, or the body read (within the request limit
    /// plus room for multipart framing) and the pipeline run on it.
    pub async fn finish(self, connection: Connection) -> Response<Body> {
        match self {
            Self::Answered(response) => response,
            Self::Later(later, server) => with_server(respond_later(later).await, server),
            Self::Body(unread) => unread.finish(connection).await,
        }
    }
}

/// The most a request's body may take on the wire: the request limit, and room for multipart
/// framing around it.
const MAX_BODY: usize = LIMITS.max_request + (1 << 20);

impl<B> Unread<B>
where
    B: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    /// A request with a body: its head through the steps that need no body first (route to
    /// model support), so that a request they refuse is answered without its body being read
    /// (and `Expect: 100-continue` answered only once they pass, since hyper sends the 100 when
    /// the body is first read); a body its `Content-Length` says is too large is refused (13)
    /// unread; the rest is read within [`MAX_BODY`], and the parameters and the handler run.
    async fn finish(self, connection: Connection) -> Response<Body> {
        let Self {
            device,
            parts,
            body,
        } = self;
        let profile = device.config();
        let server = server_header(&profile);
        let request = |body| Request {
            method: &parts.method,
            uri: &parts.uri,
            headers: &parts.headers,
            body,
            connection,
        };
        let admitted = match admit(&device, &profile, &request(b""), None) {
            Ok(admitted) => admitted,
            Err(refusal) => return with_server(respond(Err(refusal)).await, server),
        };
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
        let too_big =
            || Err(ApiError::new(ErrorCode::DataTooBig, "the request body is too large").into());
        let ran = if declared.is_some_and(|length| length > MAX_BODY as u64) {
            too_big()
        } else {
            match to_bytes(Body::new(body), MAX_BODY).await {
                Ok(body) => serve_admitted(&device, &profile, &request(&body), admitted, None),
                Err(_) => too_big(),
            }
        };
        with_server(respond(ran).await, server)
    }
}

/// A 400 Bad Request for a request that is not HTTP the device can serve, its connection closed.
pub fn bad_request(why: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(why));
    *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The `Server` header of the firmware running.
fn server_header(profile: &Profile) -> HeaderValue {
    profile.device.sw_version.server_header.clone()
}

fn with_server(mut response: Response<Body>, server: HeaderValue) -> Response<Body> {
    response.headers_mut().insert(header::SERVER, server);
    response
}

/// Runs one request through the pipeline, without sockets.
pub async fn process(
    device: &Device,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    connection: Connection,
) -> Response<Body> {
    let profile = device.config();
    let request = Request {
        method,
        uri,
        headers,
        body,
        connection,
    };
    respond(run(device, &profile, &request)).await
}

async fn respond(ran: Result<Reply, Refusal>) -> Response<Body> {
    match answer(ran) {
        Ok(response) => response,
        Err(later) => respond_later(later).await,
    }
}

/// The response to what the pipeline found, at once, unless the reply comes later.
fn answer(ran: Result<Reply, Refusal>) -> Result<Response<Body>, LaterReply> {
    match ran {
        Ok(reply) => reply.ready(),
        Err(Refusal { error, challenges }) => Ok(error_response(&error, &challenges)),
    }
}

async fn respond_later(later: LaterReply) -> Response<Body> {
    Reply::Later(later).into_response().await
}
