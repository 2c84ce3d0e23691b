//! The routing and method faults: what the faulty firmware's router makes of the spec's route
//! for a request, before the pipeline turns it into a function or an error (2, 3).

use helios_spec::functions::system;
use helios_spec::{Method, Route};

use super::{Fault, Faults};

/// The route the faulty firmware takes for `method` and `path`, where the spec found `found`.
pub fn reroute(faults: Faults, method: Option<Method>, path: &str, found: Route) -> Route {
    let info = &system::info::FUNCTION;
    match found {
        // A router that matches by prefix serves what lies below a function's path as it.
        Route::NotFound
            if faults.has(Fault::PathPrefixServed)
                && path
                    .strip_prefix(info.path)
                    .is_some_and(|rest| rest.starts_with('/')) =>
        {
            Route::Found(info)
        }
        Route::WrongMethod(function)
            if method == Some(Method::Put) && faults.hits(Fault::PutAccepted, function) =>
        {
            Route::Found(function)
        }
        Route::Found(function)
            if method == Some(Method::Post) && faults.hits(Fault::PostRefused, function) =>
        {
            Route::WrongMethod(function)
        }
        found => found,
    }
}

#[cfg(test)]
mod tests {
    use helios_spec::functions::{io, switch};

    use super::*;

    #[test]
    fn without_faults_the_route_is_the_spec_s() {
        let caps = &switch::caps::FUNCTION;
        let status = &io::status::FUNCTION;
        for (method, path) in [
            (Method::Put, caps.path),
            (Method::Post, status.path),
            (Method::Get, "/nowhere"),
        ] {
            let spec = helios_spec::route(method, path);
            let routed = reroute(Faults::NONE, Some(method), path, spec);
            assert_eq!(format!("{routed:?}"), format!("{spec:?}"));
        }
    }
}
