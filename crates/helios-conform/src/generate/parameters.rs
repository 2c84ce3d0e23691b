//! Parameters (2.2, 2.4): for each parameter of the first method, a parameter newer than the
//! firmware ignored, each mandatory one missing, each out of its domain, duplicated (the last
//! occurrence wins) and oversized; the `response` parameter's replies come from `replies.rs`.

use helios_client::ParamValue;
use helios_spec::{Domain, ErrorCode, Param, TextRule};

use super::context::{Context, Valid};
use super::replies;
use super::values::{invalid_values, valid_value};
use crate::case::{Case, Expect};

pub(super) fn cases(cases: &mut Vec<Case>, context: &Context<'_>, valid: &Valid) {
    let Context {
        function, firmware, ..
    } = context;
    for param in function.params_for(context.first) {
        if param.is_blob() {
            continue;
        }
        if !param.origin_in(function).present_in(*firmware) {
            cases.push(newer(context, valid, param));
            continue;
        }
        let without: Vec<(String, String)> = valid
            .params
            .iter()
            .filter(|(n, _)| n != param.name)
            .cloned()
            .collect();
        let invalid = invalid_values(&param.domain);
        outside(cases, context, param, &without, &invalid);
        if param.is_mandatory()
            && let Some((_, value)) = invalid.first()
        {
            duplicates(cases, context, valid, param, &without, value);
        }
        if let Domain::Text { max_len, .. } = param.domain {
            let mut big = without.clone();
            big.push((param.name.to_owned(), "x".repeat(max_len + 1)));
            cases.push(
                context.base(
                    format!(
                        "{}.{}.oversized.{}",
                        context.name, context.lower, param.name
                    ),
                    "parameters",
                    context.first,
                    context.call(context.first, &big),
                    Expect::error_naming(ErrorCode::DataTooBig, param.name)
                        .admitting(ErrorCode::InvalidParameter, "size-limits"),
                ),
            );
        }
        if param.name == "response" {
            replies::response(cases, context, valid);
        }
    }
}

/// A parameter newer than the device's firmware is ignored (erratum newer-function): the
/// valid call with it added succeeds.
fn newer(context: &Context<'_>, valid: &Valid, param: &Param) -> Case {
    let Context {
        function,
        name,
        found,
        firmware,
        first,
        lower,
        ..
    } = context;
    let mut case = context.base(
        format!("{name}.{lower}.newer-param.{}", param.name),
        "parameters",
        *first,
        valid.call.clone(),
        Expect::Success { text: None },
    );
    let any_text = matches!(
        param.domain,
        Domain::Text {
            rule: TextRule::Any,
            ..
        }
    );
    match valid_value(function, param.name, &param.domain, found)
        .or_else(|| any_text.then(|| "done".to_owned()))
    {
        Some(value) => case
            .call
            .params
            .push((param.name.to_owned(), ParamValue::Text(value))),
        None => {
            case.not_applicable = Some(format!(
                "{} is newer than firmware {firmware} and has no value to draw",
                param.name
            ))
        }
    }
    case
}

/// The parameter missing (11, when mandatory) and each of its `invalid` values (12).
fn outside(
    cases: &mut Vec<Case>,
    context: &Context<'_>,
    param: &Param,
    without: &[(String, String)],
    invalid: &[(&'static str, String)],
) {
    let Context {
        name, first, lower, ..
    } = context;
    if param.is_mandatory() {
        cases.push(context.base(
            format!("{name}.{lower}.missing.{}", param.name),
            "parameters",
            *first,
            context.call(*first, without),
            Expect::error_naming(ErrorCode::MissingParameter, param.name),
        ));
    }
    for (label, value) in invalid {
        let mut bad = without.to_vec();
        bad.push((param.name.to_owned(), value.clone()));
        cases.push(context.base(
            format!("{name}.{lower}.invalid.{}.{label}", param.name),
            "parameters",
            *first,
            context.call(*first, &bad),
            Expect::error_naming(ErrorCode::InvalidParameter, param.name),
        ));
    }
}

/// Duplicates of a mandatory parameter, one valid and one `invalid`: the last occurrence wins,
/// valid or not.
fn duplicates(
    cases: &mut Vec<Case>,
    context: &Context<'_>,
    valid: &Valid,
    param: &Param,
    without: &[(String, String)],
    invalid: &str,
) {
    let Context {
        name, first, lower, ..
    } = context;
    let good = valid
        .params
        .iter()
        .find(|(n, _)| n == param.name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let mut twice = without.to_vec();
    twice.push((param.name.to_owned(), invalid.to_owned()));
    twice.push((param.name.to_owned(), good.clone()));
    cases.push(context.base(
        format!("{name}.{lower}.duplicate.{}.last-valid-wins", param.name),
        "parameters",
        *first,
        context.call(*first, &twice),
        Expect::Success { text: None },
    ));
    let mut twice = without.to_vec();
    twice.push((param.name.to_owned(), good));
    twice.push((param.name.to_owned(), invalid.to_owned()));
    cases.push(context.base(
        format!("{name}.{lower}.duplicate.{}.last-invalid-wins", param.name),
        "parameters",
        *first,
        context.call(*first, &twice),
        Expect::error_naming(ErrorCode::InvalidParameter, param.name),
    ));
}
