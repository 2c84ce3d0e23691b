//! Every method: the allowed ones succeed with valid parameters, the others answer 3.

use helios_client::Transfer;
use helios_spec::{ErrorCode, Method};

use super::context::Context;
use super::values::valid_params;
use crate::case::{Case, Expect};

pub(super) fn cases(cases: &mut Vec<Case>, context: &Context<'_>) {
    let Context {
        function,
        name,
        found,
        minimal,
        ..
    } = context;
    for method in Method::ALL {
        let lower = method.as_str().to_lowercase();
        if !function.allows(method) {
            cases.push(context.base(
                format!("{name}.{lower}.wrong-method"),
                "method",
                method,
                context.call(method, minimal),
                Expect::error(ErrorCode::InvalidMethod),
            ));
            continue;
        }
        let mut case = context.base(
            format!("{name}.{lower}.valid"),
            "method",
            method,
            context.call(method, &[]),
            Expect::Success { text: None },
        );
        match valid_params(function, method, found) {
            Some(params) => case.call = context.call(method, &params),
            None => {
                case.not_applicable =
                    Some("a valid call needs device state (stateful cases)".into())
            }
        }
        if method == Method::Put {
            case.call.transfer = Transfer::Multipart;
        }
        cases.push(case);
    }
}
