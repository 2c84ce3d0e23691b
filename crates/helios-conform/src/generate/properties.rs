//! Properties: values drawn from each parameter's domain and the device's caps, `--cases`
//! times: valid draws succeed, draws outside a domain answer 12 naming the parameter. Only
//! for methods whose tier runs by default.

use helios_spec::{ErrorCode, Tier};

use super::context::{Context, Valid};
use super::values::{invalid_drawn, valid_values};
use crate::case::{Case, Expect, Values};

pub(super) fn cases(cases: &mut Vec<Case>, context: &Context<'_>, valid: &Valid) {
    let Context {
        function,
        name,
        found,
        firmware,
        first,
        lower,
        ..
    } = context;
    if !function.tier(*first).is_some_and(Tier::allowed_by_default) {
        return;
    }
    let drawn: Vec<Values> = function
        .params_for(*first)
        .filter(|p| p.state.is_none())
        .filter(|p| !p.is_blob() && p.origin_in(function).present_in(*firmware))
        .filter_map(|p| valid_values(function, p, found))
        .collect();
    if !drawn.is_empty() {
        cases.push(Case {
            generated: drawn,
            ..context.base(
                format!("{name}.{lower}.property.valid"),
                "property",
                *first,
                valid.call.clone(),
                Expect::Success { text: None },
            )
        });
    }
    for param in function.params_for(*first) {
        if param.is_blob() || !param.origin_in(function).present_in(*firmware) {
            continue;
        }
        if let Some(outside) = invalid_drawn(param) {
            cases.push(Case {
                generated: vec![outside],
                ..context.base(
                    format!("{name}.{lower}.property.invalid.{}", param.name),
                    "property",
                    *first,
                    valid.call.clone(),
                    Expect::error_naming(ErrorCode::InvalidParameter, param.name),
                )
            });
        }
    }
}
