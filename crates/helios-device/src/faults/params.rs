//! The parameter faults, which take more than a line: the pipeline calls these between its
//! steps (gather, then validate), and each returns its input unchanged unless its fault hits
//! the function at hand.

use std::borrow::Cow;

use helios_spec::{Domain, ErrorCode, Function};
use helios_wire::ApiError;
use helios_wire::params::{Gathered, RawValue, Source};

use super::{Fault, Faults};

/// The function whose per-parameter size limits `gather` applies: with `oversized-accepted`,
/// one without parameters, so that only the request-wide limits remain (a firmware that checks
/// the request's size but not each parameter's).
pub fn size_limits_of(faults: Faults, function: &'static Function) -> Cow<'static, Function> {
    if faults.hits(Fault::OversizedAccepted, function) {
        Cow::Owned(Function {
            params: &[],
            ..*function
        })
    } else {
        Cow::Borrowed(function)
    }
}

/// What the faulty firmware makes of the gathered parameters before validating them.
pub fn rewrite(faults: Faults, function: &Function, gathered: &mut Gathered<'_>) {
    let occurrences = &mut gathered.occurrences;
    if faults.hits(Fault::FirstOccurrenceWins, function) {
        // Only the first occurrence of each name survives, so it is the one that counts.
        let mut seen = Vec::new();
        occurrences.retain(|param| {
            let first = !seen.contains(&param.name);
            seen.push(param.name.clone());
            first
        });
    }
    if faults.hits(Fault::MultipartIgnored, function) {
        occurrences.retain(|param| param.source != Source::Multipart);
    }
    if faults.hits(Fault::InvalidValueIgnored, function) {
        // An account the firmware cannot use is dropped, as if it had not been sent.
        occurrences.retain(|param| param.name != "account" || in_domain(function, param));
    }
    if faults.hits(Fault::SwitchNumberWraps, function) {
        for param in occurrences.iter_mut().filter(|p| p.name == "switch") {
            if let RawValue::Text(text) = &mut param.value
                && let Ok(number) = text.parse::<i64>()
            {
                *text = ((number - 1).rem_euclid(4) + 1).to_string().into();
            }
        }
    }
}

fn in_domain(function: &Function, param: &helios_wire::params::RawParam<'_>) -> bool {
    let Some(Domain::Int { min, max }) = function.param(&param.name).map(|p| p.domain) else {
        return true;
    };
    match &param.value {
        RawValue::Text(text) => text.parse::<i64>().is_ok_and(|n| (min..=max).contains(&n)),
        RawValue::Blob(_) => false,
    }
}

/// The error the faulty firmware reports for a request that failed validation with `error`.
pub fn misreport(faults: Faults, function: &Function, error: ApiError) -> ApiError {
    let missing = error.code == ErrorCode::MissingParameter;
    let named = |name: &str| error.param.as_deref() == Some(name);
    if missing && named("action") && faults.hits(Fault::MissingAsInvalid, function) {
        return ApiError::with_param(ErrorCode::InvalidParameter, "action", error.detail);
    }
    if missing && named("port") && faults.hits(Fault::WrongParamNamed, function) {
        return ApiError::with_param(ErrorCode::MissingParameter, "action", error.detail);
    }
    error
}
