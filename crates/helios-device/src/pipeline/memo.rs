//! The request without a body that this thread routed and checked last, and what that gave.
//!
//! Routing and checking the parameters are a function of the method, the path and query, the
//! firmware and the faults alone: the same request again (a client polling the same snapshot)
//! takes its function and parameters without routing or checking again. The steps between
//! (service, transport, authentication, privilege, licence, model) are run for every request.

use std::cell::RefCell;
use std::rc::Rc;

use axum::http::Method;
use helios_spec::{Function, Version};
use helios_wire::params::Params;

use crate::faults::Faults;

/// What routing and checking gave for the last request without a body this thread served.
#[derive(Debug)]
pub(super) struct LastRequest {
    method: Method,
    firmware: Version,
    faults: Faults,
    /// The path and query.
    target: Box<str>,
    function: &'static Function,
    params: Rc<Params>,
}

thread_local! {
    static LAST_REQUEST: RefCell<Option<LastRequest>> = const { RefCell::new(None) };
}

impl LastRequest {
    /// The function and parameters of this request, if this thread served it last.
    pub(super) fn recall(
        method: &Method,
        target: &str,
        firmware: Version,
        faults: Faults,
    ) -> Option<(&'static Function, Rc<Params>)> {
        LAST_REQUEST.with_borrow(|last| {
            last.as_ref()
                .filter(|last| {
                    last.firmware == firmware
                        && last.faults == faults
                        && last.method == method
                        && *last.target == *target
                })
                .map(|last| (last.function, last.params.clone()))
        })
    }

    /// Remembers what routing and checking gave for this request.
    pub(super) fn remember(
        method: &Method,
        target: &str,
        firmware: Version,
        faults: Faults,
        function: &'static Function,
        params: &Rc<Params>,
    ) {
        LAST_REQUEST.with_borrow_mut(|last| {
            *last = Some(Self {
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

#[cfg(test)]
mod tests {
    use helios_spec::later::FIRMWARE_2_50;

    use super::*;
    use crate::faults::Fault;
    use crate::pipeline::steps::tests::{checked, running};

    #[test]
    fn a_request_is_recalled_only_with_the_same_method_target_firmware_and_faults() {
        let snapshot =
            helios_spec::function(helios_spec::functions::camera::snapshot::FUNCTION.path)
                .expect("in the spec");
        let get = Method::GET;
        let target = format!("{}?width=640&height=480", snapshot.path);
        let other = format!("{}?width=320&height=240", snapshot.path);
        let target = target.as_str();
        let (firmware, faults) = (Version::MANUAL, Faults::NONE);
        let params = checked(snapshot, "width=640&height=480", faults, &running(firmware));
        let params = Rc::new(params.expect("valid"));
        LastRequest::remember(&get, target, firmware, faults, snapshot, &params);
        let (function, recalled) =
            LastRequest::recall(&get, target, firmware, faults).expect("recalled");
        assert!(std::ptr::eq(function, snapshot) && Rc::ptr_eq(&recalled, &params));
        let forgotten = [
            LastRequest::recall(&Method::POST, target, firmware, faults),
            LastRequest::recall(&get, &other, firmware, faults),
            LastRequest::recall(&get, target, FIRMWARE_2_50.since(), faults),
            LastRequest::recall(
                &get,
                target,
                firmware,
                faults.with(Fault::FirstOccurrenceWins),
            ),
        ];
        assert!(forgotten.iter().all(Option::is_none));
        // A thread recalls only what it served itself.
        let target = target.to_owned();
        let elsewhere = std::thread::spawn(move || {
            LastRequest::recall(&Method::GET, &target, firmware, faults).is_none()
        });
        assert!(elsewhere.join().expect("the thread ends"));
    }
}
