//! Replies another kind than the default: the `response` parameter (2.3) turns a success into
//! exactly its text/plain text, empty included.

use super::context::{Context, Valid};
use crate::case::{Case, Expect};

/// The valid call with `response` set to a text and to nothing.
pub(super) fn response(cases: &mut Vec<Case>, context: &Context<'_>, valid: &Valid) {
    let Context {
        name, first, lower, ..
    } = context;
    for text in ["done", ""] {
        let mut with = valid.params.clone();
        with.push(("response".into(), text.into()));
        let label = if text.is_empty() { "empty" } else { "text" };
        cases.push(context.base(
            format!("{name}.{lower}.response.{label}"),
            "reply",
            *first,
            context.call(*first, &with),
            Expect::Success {
                text: Some(text.into()),
            },
        ));
    }
}
