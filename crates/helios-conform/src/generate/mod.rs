//! Cases generated from the spec, one condition at a time, for every function the device's
//! firmware has. The order is the one the run sends them in: unknown paths (`routing.rs`);
//! then per function, a condition that holds for the whole function (`unavailable.rs`) or else
//! every method (`methods.rs`), and, given a valid call to change one condition of, security
//! (`security.rs`), each parameter (`parameters.rs`, with the `response` parameter's replies in
//! `replies.rs`), properties (`properties.rs`) and transfers (`transfers.rs`); last, a wrong
//! password per service (`security.rs`). `context.rs` holds what the generators share about a
//! function, `values.rs` the values they send.

mod context;
mod methods;
mod parameters;
mod properties;
mod replies;
mod routing;
mod security;
mod transfers;
mod unavailable;
mod values;

use helios_spec::{FUNCTIONS, Version};

use self::context::{Context, full_account};
use crate::case::{Case, Login};
use crate::discovery::Discovered;
use crate::profile::Checked;

/// Every case for a device declared by `profile` and discovered as `found`.
pub fn cases(
    profile: &Checked,
    found: &Discovered,
    firmware: Version,
    has_http: bool,
) -> Vec<Case> {
    let login = full_account(profile).map_or(Login::Anonymous, Login::Account);
    let mut cases = routing::unknown_paths(login);
    for function in FUNCTIONS {
        let context = Context::new(function, profile, found, firmware, login, has_http);
        function_cases(&mut cases, &context);
    }
    security::wrong_passwords(&mut cases, profile, found, firmware, has_http);
    cases
}

/// The cases of one function.
fn function_cases(cases: &mut Vec<Case>, context: &Context<'_>) {
    // A condition that holds for the whole function: one case, and nothing more to test.
    if let Some(case) = unavailable::case(context) {
        cases.push(case);
        return;
    }
    methods::cases(cases, context);
    // The rest needs a valid call to change one condition of.
    let Some(valid) = context.valid() else {
        return;
    };
    security::cases(cases, context, &valid);
    parameters::cases(cases, context, &valid);
    properties::cases(cases, context, &valid);
    transfers::cases(cases, context, &valid);
}
