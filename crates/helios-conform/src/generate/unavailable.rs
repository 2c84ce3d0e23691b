//! Conditions that hold for the whole function: newer than the device's firmware, its service
//! disabled, a licence missing, or the model without its hardware. One case says so, and there
//! is nothing more to test.

use helios_spec::ErrorCode;

use super::context::Context;
use crate::case::{Case, Expect};

/// The one case of a function the device does not offer, or `None` when it offers it.
pub(super) fn case(context: &Context<'_>) -> Option<Case> {
    let Context {
        function,
        name,
        profile,
        found,
        firmware,
        security,
        first,
        minimal,
        ..
    } = context;
    let (id, check, expect) = if !function.origin.present_in(*firmware) {
        (
            format!("{name}.newer-than-firmware"),
            "routing",
            Expect::error(ErrorCode::InvalidPath)
                .admitting(ErrorCode::NotSupported, "newer-function"),
        )
    } else if !security.enabled {
        (
            format!("{name}.service-disabled"),
            "security",
            Expect::error(ErrorCode::Disabled),
        )
    } else if let Some(licence) = function.licences.iter().find(|l| !profile.has_licence(**l)) {
        (
            format!("{name}.licence-{}", licence.id()),
            "security",
            Expect::error(ErrorCode::Licensed),
        )
    } else if function.hardware.is_some() && found.unsupported.contains(&function.path) {
        (
            format!("{name}.not-supported"),
            "routing",
            Expect::error(ErrorCode::NotSupported),
        )
    } else {
        return None;
    };
    let call = context.call(*first, minimal);
    Some(context.base(id, check, *first, call, expect))
}
