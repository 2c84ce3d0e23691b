//! The same parameters in every transfer of 2.2: a POST's urlencoded and multipart bodies.

use helios_client::Transfer;
use helios_spec::Method;

use super::context::{Context, Valid};
use crate::case::{Case, Expect};

pub(super) fn cases(cases: &mut Vec<Case>, context: &Context<'_>, valid: &Valid) {
    if !context.function.allows(Method::Post) || valid.params.is_empty() {
        return;
    }
    for (label, transfer) in [
        ("urlencoded", Transfer::UrlEncoded),
        ("multipart", Transfer::Multipart),
    ] {
        cases.push(context.base(
            format!("{}.post.{label}", context.name),
            "parameters",
            Method::Post,
            context.call(Method::Post, &valid.params).transfer(transfer),
            Expect::Success { text: None },
        ));
    }
}
