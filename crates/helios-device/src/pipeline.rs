//! The request pipeline: one ordered pass, each step a spec lookup, each failure an `ApiError`
//! turned into a reply in one place (`reply::error_response`).
//!
//! route (2) → method (3) → service enabled (4) → transport (7) → authentication (9, 8) →
//! privilege (10) → licence (5) → model support (1) → parameters (13, 11, 12) → handler.
//! Handlers receive typed parameters and never re-check any of this. A device started with
//! faults (`crate::faults`) departs from these steps only where a fault names the function.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::rc::Rc;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Response, header};
use helios_spec::{
    Access, Auth, ErrorCode, Function, Licence, Method, Privilege, Route, Transport, Version,
};
use helios_wire::ApiError;
use helios_wire::event::Event;
use helios_wire::params::{Limits, Params, gather, validate};

use crate::auth::{Attempt, Caller};
use crate::device::Device;
use crate::faults::{self, Fault};
use crate::handlers::{self, Call};
use crate::profile::Profile;
use crate::reply::{LaterReply, Reply, error_response};

/// The connection a request arrived on; the server puts it in the request's extensions.
#[derive(Clone, Copy, Debug)]
pub struct Connection {
    pub transport: Transport,
    pub peer: SocketAddr,
}

impl Default for Connection {
    fn default() -> Self {
        Self {
            transport: Transport::Http,
            peer: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        }
    }
}

/// The bounds on what one request may carry.
pub const LIMITS: Limits = Limits {
    max_request: 64 << 20,
    max_params: 256,
    max_unknown: 4096,
};

/// The whole API as a router: every path goes through [`process`], but those of the device's own
/// test page (`apitest.html` and its files), which are not part of the API.
pub fn app(device: Arc<Device>) -> Router {
    Router::new()
        .merge(crate::apitest::routes())
        .fallback(handle)
        .with_state(device)
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

async fn handle(State(device): State<Arc<Device>>, request: Request) -> Response<Body> {
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
    request: Request<B>,
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
pub fn begin<B>(device: &Arc<Device>, connection: Connection, request: Request<B>) -> Serving<B>
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
            let checked = checked(
                device,
                profile,
                &parts.method,
                &parts.uri,
                &parts.headers,
                b"",
                connection,
            );
            let server = server_header(profile);
            match answer(checked) {
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
            Self::Body(unread) => {
                let Unread {
                    device,
                    parts,
                    body,
                } = *unread;
                let read = to_bytes(Body::new(body), LIMITS.max_request + (1 << 20)).await;
                let profile = device.config();
                let checked = match read {
                    Ok(body) => checked(
                        &device,
                        &profile,
                        &parts.method,
                        &parts.uri,
                        &parts.headers,
                        &body,
                        connection,
                    ),
                    Err(_) => Err(ApiError::new(
                        ErrorCode::DataTooBig,
                        "the request body is too large",
                    )
                    .into()),
                };
                with_server(respond(checked).await, server_header(&profile))
            }
        }
    }
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
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
    connection: Connection,
) -> Response<Body> {
    let profile = device.config();
    respond(checked(
        device, &profile, method, uri, headers, body, connection,
    ))
    .await
}

async fn respond(checked: Result<Reply, Refusal>) -> Response<Body> {
    match answer(checked) {
        Ok(response) => response,
        Err(later) => respond_later(later).await,
    }
}

/// The response to what the pipeline found, at once, unless the reply comes later.
fn answer(checked: Result<Reply, Refusal>) -> Result<Response<Body>, LaterReply> {
    match checked {
        Ok(reply) => reply.ready(),
        Err(Refusal { error, challenges }) => Ok(error_response(&error, &challenges)),
    }
}

async fn respond_later(later: LaterReply) -> Response<Body> {
    Reply::Later(later).into_response().await
}

/// An error and the challenges that go with it.
struct Refusal {
    error: ApiError,
    challenges: Vec<String>,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            challenges: Vec::new(),
        }
    }
}

fn checked(
    device: &Device,
    profile: &Profile,
    http_method: &axum::http::Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
    connection: Connection,
) -> Result<Reply, Refusal> {
    let faults = device.faults();
    let path = uri.path();
    let firmware = profile.firmware();
    // A request without a body like the one this thread served last: its function and
    // parameters are known (see `Known`).
    let target = uri.path_and_query().map_or(path, |target| target.as_str());
    let known = body
        .is_empty()
        .then(|| Known::recall(http_method, target, firmware, faults))
        .flatten();
    let function = match &known {
        Some((function, _)) => function,
        None => route(device, firmware, http_method, path)?,
    };
    let method = Method::parse(http_method.as_str())
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidMethod, "an unknown method"))?;

    let security = profile.security(function.service);
    if !security.enabled && !faults.hits(Fault::DisabledServiceServed, function) {
        return Err(ApiError::new(ErrorCode::Disabled, "the service is disabled").into());
    }
    if security.transport == Transport::Https
        && connection.transport == Transport::Http
        && !faults.hits(Fault::PlainHttpServed, function)
    {
        return Err(ApiError::new(ErrorCode::InvalidConnection, "HTTPS is required").into());
    }

    let caller = match function.access {
        Access::Open { .. } => Caller::Anonymous,
        _ if faults.hits(Fault::CredentialsSkipped, function) => Caller::Anonymous,
        Access::Privilege(_) | Access::EventFiltered => {
            // With `basic-accepted` the service takes Basic too, whatever it is set to.
            let auth = match security.auth {
                Auth::Digest if faults.hits(Fault::BasicAccepted, function) => Auth::Basic,
                auth => auth,
            };
            authenticate(
                device,
                profile,
                auth,
                &Head {
                    method: http_method,
                    uri,
                    headers,
                    body,
                    connection,
                },
            )
            .map_err(|mut refusal| {
                if faults.hits(Fault::NoChallenge, function) {
                    refusal.challenges.clear();
                }
                refusal
            })?
        }
    };
    if let (Access::Privilege(privilege), Caller::Account(user)) = (function.access, &caller) {
        let account = profile.account(user);
        let holds = account.is_some_and(|a| a.holds(privilege))
            || (faults.hits(Fault::MonitoringControls, function)
                && account.is_some_and(|a| a.holds(Privilege::monitoring(privilege.group))));
        if !holds {
            return Err(ApiError::new(
                ErrorCode::InsufficientPrivileges,
                format!("{user} lacks {privilege}"),
            )
            .into());
        }
    }
    let licensed = |licence: &&Licence| {
        profile.has_licence(**licence) || faults.hits(Fault::LicenceUnchecked, function)
    };
    if let Some(licence) = function.licences.iter().find(|l| !licensed(l)) {
        return Err(ApiError::new(
            ErrorCode::Licensed,
            format!("needs the {} licence", licence.name()),
        )
        .into());
    }
    if let Some(hardware) = function.hardware.filter(|h| !profile.has_hardware(*h))
        && !faults.hits(Fault::HardwareUnchecked, function)
    {
        return Err(ApiError::new(
            ErrorCode::NotSupported,
            format!("this model has no {}", hardware.id()),
        )
        .into());
    }

    let params = match known {
        Some((_, params)) => params,
        None => {
            let params = Rc::new(params(
                function,
                method,
                uri.query(),
                headers,
                body,
                faults,
                profile,
            )?);
            if body.is_empty() {
                Known::remember(http_method, target, firmware, faults, function, &params);
            }
            params
        }
    };

    let handler = handlers::handler(function).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotSupported,
            "the reference intercom does not implement this function yet",
        )
    })?;
    let call = Call {
        method,
        params,
        caller,
    };
    Ok(handler(device, &call)?)
}

/// Steps 13, 11 and 12: the request's parameters, gathered, then checked against the function.
fn params(
    function: &'static Function,
    method: Method,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
    faults: faults::Faults,
    profile: &Profile,
) -> Result<Params, ApiError> {
    // Read only for a body: gathering ignores it for a request without one.
    let content_type = (!body.is_empty())
        .then(|| headers.get(header::CONTENT_TYPE))
        .flatten()
        .and_then(|value| value.to_str().ok());
    let limited = faults::params::size_limits_of(faults, function);
    let mut gathered = gather(&limited, method, query, content_type, body, &LIMITS)?;
    faults::params::rewrite(faults, function, &mut gathered);
    validate(function, method, &gathered, profile.firmware())
        .map_err(|error| faults::params::misreport(faults, function, error))
}

/// The request without a body that this thread routed and checked last, and what that gave.
/// Routing and checking the parameters are a function of the method, the path and query, the
/// firmware and the faults alone: the same request again (a client polling the same snapshot)
/// takes its function and parameters without routing or checking again. The steps between
/// (service, transport, authentication, privilege, licence, model) are run for every request.
struct Known {
    method: axum::http::Method,
    firmware: Version,
    faults: faults::Faults,
    /// The path and query.
    target: Box<str>,
    function: &'static Function,
    params: Rc<Params>,
}

thread_local! {
    static KNOWN: std::cell::RefCell<Option<Known>> = const { std::cell::RefCell::new(None) };
}

impl Known {
    /// The function and parameters of this request, if this thread served it last.
    fn recall(
        method: &axum::http::Method,
        target: &str,
        firmware: Version,
        faults: faults::Faults,
    ) -> Option<(&'static Function, Rc<Params>)> {
        KNOWN.with_borrow(|known| {
            known
                .as_ref()
                .filter(|known| {
                    known.firmware == firmware
                        && known.faults == faults
                        && known.method == method
                        && *known.target == *target
                })
                .map(|known| (known.function, known.params.clone()))
        })
    }

    /// Remembers what routing and checking gave for this request.
    fn remember(
        method: &axum::http::Method,
        target: &str,
        firmware: Version,
        faults: faults::Faults,
        function: &'static Function,
        params: &Rc<Params>,
    ) {
        KNOWN.with_borrow_mut(|known| {
            *known = Some(Self {
                method: method.clone(),
                firmware,
                faults,
                target: target.into(),
                function,
                params: params.clone(),
            });
        });
    }
}

/// Steps 2 and 3: the path names a function this firmware has, and the method is one of its.
fn route(
    device: &Device,
    firmware: Version,
    method: &axum::http::Method,
    path: &str,
) -> Result<&'static Function, ApiError> {
    let parsed = Method::parse(method.as_str());
    let found = match parsed {
        Some(parsed) => helios_spec::route(parsed, path),
        None => match helios_spec::function(path) {
            Some(function) => Route::WrongMethod(function),
            None => Route::NotFound,
        },
    };
    let found = faults::routing::reroute(device.faults(), parsed, path, found);
    let newer = |function: &Function| {
        !function.origin.present_in(firmware)
            && !device.faults().hits(Fault::EarlyFunctionServed, function)
    };
    match found {
        Route::Found(function) if !newer(function) => Ok(function),
        Route::WrongMethod(function) if !newer(function) => Err(ApiError::new(
            ErrorCode::InvalidMethod,
            format!("{method} is not a method of {path}"),
        )),
        _ => Err(ApiError::new(
            ErrorCode::InvalidPath,
            "no function has this path",
        )),
    }
}

/// What authentication reads of a request.
struct Head<'a> {
    method: &'a axum::http::Method,
    uri: &'a axum::http::Uri,
    headers: &'a HeaderMap,
    body: &'a [u8],
    connection: Connection,
}

fn authenticate(
    device: &Device,
    profile: &Profile,
    auth: helios_spec::Auth,
    head: &Head<'_>,
) -> Result<Caller, Refusal> {
    let Head {
        method,
        uri,
        headers,
        body,
        connection,
    } = *head;
    // A service without authentication lets everyone in: no need to lock the state for that.
    if auth == helios_spec::Auth::None {
        return Ok(Caller::Anonymous);
    }
    let target = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let attempt = Attempt {
        authorization: headers
            .get(header::AUTHORIZATION)
            .map(|value| value.as_bytes()),
        method: method.as_str(),
        uri: &target,
        body,
        peer: connection.peer.ip(),
        now: device.now(),
    };
    device.with_state(|state, stamp| {
        state.auth.check(profile, auth, &attempt).map_err(|denial| {
            if let Some(address) = denial.blocked_now {
                state.events.raise(
                    Event::LoginBlocked {
                        address: address.to_string(),
                    },
                    stamp,
                );
            }
            Refusal {
                error: denial.error,
                challenges: denial.challenges,
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use helios_spec::later::FIRMWARE_2_50;

    use super::*;

    fn running(firmware: Version) -> Profile {
        let mut profile = Profile::default_profile();
        profile.device.sw_version.version = firmware;
        profile
    }

    #[test]
    fn parameters_are_checked_against_the_firmware_and_the_faults() {
        let snapshot = &helios_spec::functions::camera::snapshot::FUNCTION;
        let caps = &helios_spec::functions::camera::caps::FUNCTION;
        let (newer, older) = (running(FIRMWARE_2_50.since()), running(Version::MANUAL));
        let headers = HeaderMap::new();
        let check = |function, query: &str, faults, profile: &Profile| {
            params(
                function,
                Method::Get,
                Some(query),
                &headers,
                b"",
                faults,
                profile,
            )
        };
        let none = faults::Faults::NONE;
        let query = "width=640&height=480&fps=20";
        // Firmware 2.50 takes fps up to 15; the manual's firmware any 32-bit number.
        let refused = check(snapshot, query, none, &newer).expect_err("fps outside 0..15");
        assert_eq!(refused.param.as_deref(), Some("fps"));
        let taken = check(snapshot, query, none, &older).expect("the manual's domain");
        assert_eq!(taken.int("fps"), Some(20));
        // Another function with the same query checks it against its own parameters.
        let unknown = check(caps, "width=320&height=240", none, &older).expect("ignored");
        assert_eq!(unknown.int("width"), None);
        // `first-occurrence-wins` takes the first width.
        let repeated = "width=640&width=320&height=240";
        let last = check(snapshot, repeated, none, &older).expect("valid");
        assert_eq!(last.int("width"), Some(320));
        let first_wins = none.with(Fault::FirstOccurrenceWins);
        let first = check(snapshot, repeated, first_wins, &older).expect("valid");
        assert_eq!(first.int("width"), Some(640));
    }

    #[test]
    fn a_request_is_known_again_only_with_the_same_method_target_firmware_and_faults() {
        let snapshot =
            helios_spec::function(helios_spec::functions::camera::snapshot::FUNCTION.path)
                .expect("in the spec");
        let get = axum::http::Method::GET;
        let target = format!("{}?width=640&height=480", snapshot.path);
        let other = format!("{}?width=320&height=240", snapshot.path);
        let target = target.as_str();
        let (firmware, faults) = (Version::MANUAL, faults::Faults::NONE);
        let checked = Rc::new(
            params(
                snapshot,
                Method::Get,
                Some("width=640&height=480"),
                &HeaderMap::new(),
                b"",
                faults,
                &running(firmware),
            )
            .expect("valid"),
        );
        Known::remember(&get, target, firmware, faults, snapshot, &checked);
        let (function, params) = Known::recall(&get, target, firmware, faults).expect("known");
        assert!(std::ptr::eq(function, snapshot) && Rc::ptr_eq(&params, &checked));
        let unknown = [
            Known::recall(&axum::http::Method::POST, target, firmware, faults),
            Known::recall(&get, &other, firmware, faults),
            Known::recall(&get, target, FIRMWARE_2_50.since(), faults),
            Known::recall(
                &get,
                target,
                firmware,
                faults.with(Fault::FirstOccurrenceWins),
            ),
        ];
        assert!(unknown.iter().all(Option::is_none));
        // A thread knows only what it served itself.
        let target = target.to_owned();
        let elsewhere = std::thread::spawn(move || {
            Known::recall(&axum::http::Method::GET, &target, firmware, faults).is_none()
        });
        assert!(elsewhere.join().expect("the thread ends"));
    }
}
