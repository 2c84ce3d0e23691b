//! The steps of the pipeline, one function each, in the order [`run`] takes them (the module
//! documentation of `crate::pipeline` gives the order and the error codes).

use std::rc::Rc;

use axum::http::header;
use helios_spec::{
    Access, Auth, ErrorCode, Function, Method, Privilege, Route, Security, Transport, Version,
};
use helios_wire::ApiError;
use helios_wire::event::Event;
use helios_wire::params::{Params, gather, validate};

use super::memo::LastRequest;
use super::request::{Connection, LIMITS, Request};
use crate::auth::{Attempt, Caller};
use crate::device::Device;
use crate::faults::{self, Fault, Faults};
use crate::handlers::{self, Call};
use crate::profile::Profile;
use crate::reply::{Refusal, Reply};

/// Runs `request` through every step, then its function's handler, with the running
/// configuration `profile`.
pub(super) fn run(
    device: &Device,
    profile: &Profile,
    request: &Request<'_>,
) -> Result<Reply, Refusal> {
    // A request without a body like the one this thread served last: its function and
    // parameters are known (see `LastRequest`).
    let recalled = request
        .body
        .is_empty()
        .then(|| {
            LastRequest::recall(
                request.method,
                request.target(),
                profile.firmware(),
                device.faults(),
            )
        })
        .flatten();
    let (routed, params) = recalled.unzip();
    let admitted = admit(device, profile, request, routed)?;
    serve_admitted(device, profile, request, admitted, params)
}

/// A request the steps of its head let through: its function and method, and who sent it.
pub(super) struct Admitted {
    function: &'static Function,
    method: Method,
    caller: Caller,
}

/// The steps decided from the request's head alone, route to model support (2, 3, 4, 7, 9, 8,
/// 10, 5, 1); `routed` is the function when it is known already. A request with a body takes
/// them before its body is read: an unauthenticated client never makes the device hold its
/// body.
pub(super) fn admit(
    device: &Device,
    profile: &Profile,
    request: &Request<'_>,
    routed: Option<&'static Function>,
) -> Result<Admitted, Refusal> {
    let faults = device.faults();
    let function = match routed {
        Some(function) => function,
        None => route(device, profile.firmware(), request)?,
    };
    let method = method(request)?;
    let security = profile.security(function.service);
    service_enabled(security, function, faults)?;
    transport(security, request.connection, function, faults)?;
    let caller = authentication(device, profile, security, function, request)?;
    privilege(profile, function, &caller, faults)?;
    licence(profile, function, faults)?;
    model_support(profile, function, faults)?;
    Ok(Admitted {
        function,
        method,
        caller,
    })
}

/// The steps that read the parameters (13, 11, 12), then the handler, for a request
/// [`admit`] let through; `recalled` are its parameters when they are known already.
pub(super) fn serve_admitted(
    device: &Device,
    profile: &Profile,
    request: &Request<'_>,
    admitted: Admitted,
    recalled: Option<Rc<Params>>,
) -> Result<Reply, Refusal> {
    let Admitted {
        function,
        method,
        caller,
    } = admitted;
    let faults = device.faults();
    let params = match recalled {
        Some(params) => params,
        None => {
            let params = Rc::new(parameters(function, method, request, faults, profile)?);
            if request.body.is_empty() {
                LastRequest::remember(
                    request.method,
                    request.target(),
                    profile.firmware(),
                    faults,
                    function,
                    &params,
                );
            }
            params
        }
    };
    handler(device, function, method, params, caller)
}

/// Steps 2 and 3: the path names a function this firmware has, and the method is one of its.
fn route(
    device: &Device,
    firmware: Version,
    request: &Request<'_>,
) -> Result<&'static Function, ApiError> {
    let (method, path) = (request.method, request.uri.path());
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

/// Step 3 again, for a request whose function was recalled rather than routed: a method of
/// the manual.
fn method(request: &Request<'_>) -> Result<Method, ApiError> {
    Method::parse(request.method.as_str())
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidMethod, "an unknown method"))
}

/// Step 4: the function's service is enabled.
fn service_enabled(
    security: Security,
    function: &Function,
    faults: Faults,
) -> Result<(), ApiError> {
    if !security.enabled && !faults.hits(Fault::DisabledServiceServed, function) {
        return Err(ApiError::new(
            ErrorCode::Disabled,
            "the service is disabled",
        ));
    }
    Ok(())
}

/// Step 7: the request came over HTTPS where the service asks for it.
fn transport(
    security: Security,
    connection: Connection,
    function: &Function,
    faults: Faults,
) -> Result<(), ApiError> {
    if security.transport == Transport::Https
        && connection.transport == Transport::Http
        && !faults.hits(Fault::PlainHttpServed, function)
    {
        return Err(ApiError::new(
            ErrorCode::InvalidConnection,
            "HTTPS is required",
        ));
    }
    Ok(())
}

/// Steps 9 and 8: who the caller is, for a function that needs credentials (9 with a
/// challenge per accepted scheme; 8 for Basic where only Digest is accepted).
fn authentication(
    device: &Device,
    profile: &Profile,
    security: Security,
    function: &Function,
    request: &Request<'_>,
) -> Result<Caller, Refusal> {
    let faults = device.faults();
    match function.access {
        Access::Open { .. } => Ok(Caller::Anonymous),
        _ if faults.hits(Fault::CredentialsSkipped, function) => Ok(Caller::Anonymous),
        Access::Privilege(_) | Access::EventFiltered => {
            // With `basic-accepted` the service takes Basic too, whatever it is set to.
            let auth = match security.auth {
                Auth::Digest if faults.hits(Fault::BasicAccepted, function) => Auth::Basic,
                auth => auth,
            };
            authenticate(device, profile, auth, request).map_err(|mut refusal| {
                if faults.hits(Fault::NoChallenge, function) {
                    refusal.challenges.clear();
                }
                refusal
            })
        }
    }
}

/// Checks the request's credentials against the accounts of `profile`, for a service set to
/// `auth`; a refusal that blocks the address raises `LoginBlocked`.
fn authenticate(
    device: &Device,
    profile: &Profile,
    auth: Auth,
    request: &Request<'_>,
) -> Result<Caller, Refusal> {
    // A service without authentication lets everyone in: no need to lock the state for that.
    if auth == Auth::None {
        return Ok(Caller::Anonymous);
    }
    let attempt = Attempt {
        authorization: request
            .headers
            .get(header::AUTHORIZATION)
            .map(|value| value.as_bytes()),
        method: request.method.as_str(),
        uri: request.target(),
        body: request.body,
        peer: request.connection.peer.ip(),
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
            denial.refusal
        })
    })
}

/// Step 10: the caller's account holds the function's privilege.
fn privilege(
    profile: &Profile,
    function: &Function,
    caller: &Caller,
    faults: Faults,
) -> Result<(), ApiError> {
    let (Access::Privilege(privilege), Caller::Account(user)) = (function.access, caller) else {
        return Ok(());
    };
    let account = profile.account(user);
    let holds = account.is_some_and(|a| a.holds(privilege))
        || (faults.hits(Fault::MonitoringControls, function)
            && account.is_some_and(|a| a.holds(Privilege::monitoring(privilege.group))));
    if !holds {
        return Err(ApiError::new(
            ErrorCode::InsufficientPrivileges,
            format!("{user} lacks {privilege}"),
        ));
    }
    Ok(())
}

/// Step 5: the device holds every licence the function needs.
fn licence(profile: &Profile, function: &Function, faults: Faults) -> Result<(), ApiError> {
    let licensed = |licence: &&helios_spec::Licence| {
        profile.has_licence(**licence) || faults.hits(Fault::LicenceUnchecked, function)
    };
    if let Some(licence) = function.licences.iter().find(|l| !licensed(l)) {
        return Err(ApiError::new(
            ErrorCode::Licensed,
            format!("needs the {} licence", licence.name()),
        ));
    }
    Ok(())
}

/// Step 1: the model has the hardware the function needs.
fn model_support(profile: &Profile, function: &Function, faults: Faults) -> Result<(), ApiError> {
    if let Some(hardware) = function.hardware.filter(|h| !profile.has_hardware(*h))
        && !faults.hits(Fault::HardwareUnchecked, function)
    {
        return Err(ApiError::new(
            ErrorCode::NotSupported,
            format!("this model has no {}", hardware.id()),
        ));
    }
    Ok(())
}

/// Steps 13, 11 and 12: the request's parameters, gathered, then checked against the function.
fn parameters(
    function: &'static Function,
    method: Method,
    request: &Request<'_>,
    faults: Faults,
    profile: &Profile,
) -> Result<Params, ApiError> {
    // Read only for a body: gathering ignores it for a request without one.
    let content_type = (!request.body.is_empty())
        .then(|| request.headers.get(header::CONTENT_TYPE))
        .flatten()
        .and_then(|value| value.to_str().ok());
    let limited = faults::params::size_limits_of(faults, function);
    let query = request.uri.query();
    let mut gathered = gather(&limited, method, query, content_type, request.body, &LIMITS)?;
    faults::params::rewrite(faults, function, &mut gathered);
    validate(function, method, &gathered, profile.firmware())
        .map_err(|error| faults::params::misreport(faults, function, error))
}

/// Steps 14 and 15: the function's handler, with the checked parameters and the caller.
fn handler(
    device: &Device,
    function: &Function,
    method: Method,
    params: Rc<Params>,
    caller: Caller,
) -> Result<Reply, Refusal> {
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

#[cfg(test)]
pub(super) mod tests {
    use axum::http::{HeaderMap, Uri};
    use helios_spec::later::FIRMWARE_2_50;

    use super::*;

    pub(in crate::pipeline) fn running(firmware: Version) -> Profile {
        let mut profile = Profile::default_profile();
        profile.device.sw_version.version = firmware;
        profile
    }

    /// Steps 13, 11 and 12 for a GET of `function` with `query`.
    pub(in crate::pipeline) fn checked(
        function: &'static Function,
        query: &str,
        faults: Faults,
        profile: &Profile,
    ) -> Result<Params, ApiError> {
        let uri: Uri = format!("{}?{query}", function.path).parse().expect("a URI");
        let request = Request {
            method: &axum::http::Method::GET,
            uri: &uri,
            headers: &HeaderMap::new(),
            body: b"",
            connection: Connection::default(),
        };
        parameters(function, Method::Get, &request, faults, profile)
    }

    #[test]
    fn parameters_are_checked_against_the_firmware_and_the_faults() {
        let snapshot = &helios_spec::functions::camera::snapshot::FUNCTION;
        let caps = &helios_spec::functions::camera::caps::FUNCTION;
        let (newer, older) = (running(FIRMWARE_2_50.since()), running(Version::MANUAL));
        let none = Faults::NONE;
        let query = "width=640&height=480&fps=20";
        // Firmware 2.50 takes fps up to 15; the manual's firmware any 32-bit number.
        let refused = checked(snapshot, query, none, &newer).expect_err("fps outside 0..15");
        assert_eq!(refused.param.as_deref(), Some("fps"));
        let taken = checked(snapshot, query, none, &older).expect("the manual's domain");
        assert_eq!(taken.int("fps"), Some(20));
        // Another function with the same query checks it against its own parameters.
        let unknown = checked(caps, "width=320&height=240", none, &older).expect("ignored");
        assert_eq!(unknown.int("width"), None);
        // `first-occurrence-wins` takes the first width.
        let repeated = "width=640&width=320&height=240";
        let last = checked(snapshot, repeated, none, &older).expect("valid");
        assert_eq!(last.int("width"), Some(320));
        let first_wins = none.with(Fault::FirstOccurrenceWins);
        let first = checked(snapshot, repeated, first_wins, &older).expect("valid");
        assert_eq!(first.int("width"), Some(640));
    }
}
