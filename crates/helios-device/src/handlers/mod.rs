//! One module per service: the handlers receive typed parameters and the caller, call the
//! hardware, and return a reply. Every check the spec describes has already happened.

mod audio;
mod call;
mod camera;
mod config;
mod display;
mod email;
mod firmware;
mod io;
pub mod log;
mod mjpeg;
mod pcap;
mod phone;
mod switch;
mod system;

use std::rc::Rc;

use helios_spec::functions::{
    RESPONSE, audio as audio_fns, call as call_fns, camera as camera_fns, config as config_fns,
    display as display_fns, email as email_fns, firmware as firmware_fns, io as io_fns,
    log as log_fns, pcap as pcap_fns, phone as phone_fns, switch as switch_fns,
    system as system_fns,
};
use helios_spec::{ErrorCode, Function, Method};
use helios_wire::ApiError;
use helios_wire::params::{Params, Typed};

use crate::auth::Caller;
use crate::device::Device;
use crate::reply::Reply;

/// A request that passed the pipeline.
#[derive(Debug)]
pub struct Call {
    pub method: Method,
    /// Shared with the pipeline's memory of the parameters this thread checked last.
    pub params: Rc<Params>,
    pub caller: Caller,
}

/// A function's handler.
pub type Handler = fn(&Device, &Call) -> Result<Reply, ApiError>;

/// Declares [`HANDLERS`] and, row for row, each handler's path in this crate.
macro_rules! handlers {
    ($(($function:expr, $module:ident :: $handler:ident)),* $(,)?) => {
        /// The handlers of the functions the reference intercom implements, by function.
        const HANDLERS: &[(&Function, Handler)] = &[$(($function, $module::$handler)),*];
        /// The module path of each handler of [`HANDLERS`], in the same order.
        const HANDLER_PATHS: &[&str] = &[$(concat!(
            "handlers::", stringify!($module), "::", stringify!($handler)
        )),*];
    };
}

handlers![
    (&system_fns::info::FUNCTION, system::info),
    (&system_fns::status::FUNCTION, system::status),
    (&switch_fns::caps::FUNCTION, switch::caps),
    (&switch_fns::status::FUNCTION, switch::status),
    (&switch_fns::ctrl::FUNCTION, switch::ctrl),
    (&io_fns::caps::FUNCTION, io::caps),
    (&io_fns::status::FUNCTION, io::status),
    (&io_fns::ctrl::FUNCTION, io::ctrl),
    (&log_fns::caps::FUNCTION, log::caps),
    (&log_fns::subscribe::FUNCTION, log::subscribe),
    (&log_fns::unsubscribe::FUNCTION, log::unsubscribe),
    (&log_fns::pull::FUNCTION, log::pull),
    (&camera_fns::caps::FUNCTION, camera::caps),
    (&camera_fns::snapshot::FUNCTION, camera::snapshot),
    (&display_fns::caps::FUNCTION, display::caps),
    (&display_fns::image::FUNCTION, display::image),
    (&phone_fns::status::FUNCTION, phone::status),
    (&call_fns::status::FUNCTION, call::status),
    (&call_fns::dial::FUNCTION, call::dial),
    (&call_fns::answer::FUNCTION, call::answer),
    (&call_fns::hangup::FUNCTION, call::hangup),
    (&audio_fns::test::FUNCTION, audio::test),
    (&email_fns::send::FUNCTION, email::send),
    (&system_fns::restart::FUNCTION, system::restart),
    (&firmware_fns::FUNCTION, firmware::upload),
    (&firmware_fns::apply::FUNCTION, firmware::apply),
    (&config_fns::FUNCTION, config::config),
    (&config_fns::factoryreset::FUNCTION, config::factoryreset),
    (&pcap_fns::FUNCTION, pcap::pcap),
    (&pcap_fns::restart::FUNCTION, pcap::restart),
    (&pcap_fns::stop::FUNCTION, pcap::stop),
];

/// The handler of `function`, if the reference intercom implements it.
pub fn handler(function: &Function) -> Option<Handler> {
    HANDLERS
        .iter()
        .find(|(known, _)| known.path == function.path)
        .map(|(_, handler)| *handler)
}

/// Where the reference intercom serves `function`: its handler's module path
/// (`handlers::switch::ctrl`), from the table [`handler`] dispatches by.
pub fn handler_of(function: &Function) -> Option<&'static str> {
    HANDLERS
        .iter()
        .zip(HANDLER_PATHS)
        .find(|((known, _), _)| known.path == function.path)
        .map(|(_, path)| *path)
}

/// The text/plain reply of the `response` parameter (2.14), or `{"success":true}`.
fn done(call: &Call) -> Reply {
    match call.params.text(RESPONSE) {
        Some(text) if call.params.given(RESPONSE) => Reply::Text(text.to_owned()),
        _ => Reply::Json(None),
    }
}

/// The bytes of a blob parameter, which the pipeline made sure the request carries.
fn blob<'c>(call: &'c Call, name: &str) -> Result<&'c [u8], ApiError> {
    match call.params.get(name) {
        Some(Typed::Blob(blob)) => Ok(&blob.data),
        _ => Err(ApiError::with_param(
            ErrorCode::MissingParameter,
            name,
            "the parameter is missing",
        )),
    }
}
