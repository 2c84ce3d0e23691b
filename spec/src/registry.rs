//! The one list of every function, and lookups over it.

use crate::function::{API_PREFIX, Function};
use crate::functions::{
    audio, call, camera, config, display, email, firmware, io, log, pcap, phone, switch, system,
};
use crate::http::Method;
use crate::service::Service;

/// Every function of chapter 5, in the manual's order (5.1 to 5.31).
pub const FUNCTIONS: &[&Function] = &[
    &system::info::FUNCTION,
    &system::status::FUNCTION,
    &system::restart::FUNCTION,
    &firmware::FUNCTION,
    &firmware::apply::FUNCTION,
    &config::FUNCTION,
    &config::factoryreset::FUNCTION,
    &switch::caps::FUNCTION,
    &switch::status::FUNCTION,
    &switch::ctrl::FUNCTION,
    &io::caps::FUNCTION,
    &io::status::FUNCTION,
    &io::ctrl::FUNCTION,
    &phone::status::FUNCTION,
    &call::status::FUNCTION,
    &call::dial::FUNCTION,
    &call::answer::FUNCTION,
    &call::hangup::FUNCTION,
    &camera::caps::FUNCTION,
    &camera::snapshot::FUNCTION,
    &display::caps::FUNCTION,
    &display::image::FUNCTION,
    &log::caps::FUNCTION,
    &log::subscribe::FUNCTION,
    &log::unsubscribe::FUNCTION,
    &log::pull::FUNCTION,
    &audio::test::FUNCTION,
    &email::send::FUNCTION,
    &pcap::FUNCTION,
    &pcap::restart::FUNCTION,
    &pcap::stop::FUNCTION,
];

/// The function at this absolute path (`/api/switch/ctrl`). Paths are matched exactly: the
/// manual defines no trailing slashes, case folding or aliases.
pub fn function(path: &str) -> Option<&'static Function> {
    FUNCTIONS
        .iter()
        .copied()
        .find(|function| function.path == path)
}

/// The function with this short path (`switch/ctrl`) or name (`switch_ctrl`).
pub fn function_named(name: &str) -> Option<&'static Function> {
    FUNCTIONS
        .iter()
        .copied()
        .find(|function| function.short_path() == name || function.name() == name)
}

/// What a request's method and path select.
#[derive(Clone, Copy, Debug)]
pub enum Route {
    Found(&'static Function),
    /// The path exists but not with this method (error 3).
    WrongMethod(&'static Function),
    /// No function has this path (error 2).
    NotFound,
}

pub fn route(method: Method, path: &str) -> Route {
    match function(path) {
        Some(function) if function.allows(method) => Route::Found(function),
        Some(function) => Route::WrongMethod(function),
        None => Route::NotFound,
    }
}

/// Whether the path lies under the API prefix at all.
pub fn is_api_path(path: &str) -> bool {
    path == API_PREFIX || path.starts_with("/api/")
}

/// The functions of a service, in the manual's order.
pub fn functions_of(service: Service) -> impl Iterator<Item = &'static Function> {
    FUNCTIONS
        .iter()
        .copied()
        .filter(move |function| function.service == service)
}
