//! Cases generated from the spec, one condition at a time: routing and methods, security,
//! parameters and replies, for every function the device's firmware has.

use helios_client::{Call, ParamValue, Transfer};
use helios_spec::functions::{pcap, system};
use helios_spec::{
    API_PREFIX, Access, Auth, Domain, ErrorCode, FUNCTIONS, Function, Method, Param, Presence,
    TextRule, Tier, Transport, Version, When,
};

use crate::case::{Case, Expect, Login, Values};
use crate::discovery::Discovered;
use crate::profile::Checked;

/// Functions whose valid call needs a peer or state no single request can make (a ringing
/// call, an open channel, an SMTP server): the stateful part of the runner covers them.
fn needs_state(function: &Function) -> bool {
    use helios_spec::functions::{call, email, log};
    [
        call::dial::FUNCTION.path,
        call::answer::FUNCTION.path,
        call::hangup::FUNCTION.path,
        log::pull::FUNCTION.path,
        log::unsubscribe::FUNCTION.path,
        email::send::FUNCTION.path,
    ]
    .contains(&function.path)
}

/// Mandatory parameters with values their domain allows, where the device's caps are unknown:
/// cases about the whole function (disabled, unlicensed, unsupported) send these, so that
/// parameters are not a second condition.
fn plausible_params(function: &Function, method: Method) -> Vec<(String, String)> {
    function
        .params_for(method)
        .filter(|param| param.is_mandatory() && !param.is_blob())
        .map(|param| {
            let value = match param.domain {
                Domain::Int { min, max } => 1.clamp(min, max).to_string(),
                Domain::Enum(words) => words.first().copied().unwrap_or_default().to_owned(),
                Domain::Text {
                    rule: TextRule::EmailAddress,
                    ..
                } => "nobody@example.com".to_owned(),
                Domain::Text {
                    rule: TextRule::DialTarget,
                    ..
                } => "sip:100@192.0.2.1".to_owned(),
                _ => "1".to_owned(),
            };
            (param.name.to_owned(), value)
        })
        .collect()
}

/// A valid value for a parameter, from the device's caps where the spec says so.
fn valid_value(
    function: &Function,
    name: &str,
    domain: &Domain,
    found: &Discovered,
) -> Option<String> {
    if let Some(caps) = function.param(name).and_then(|p| p.caps) {
        return match (caps.list, caps.field) {
            ("switches", _) => found.first_enabled_switch().map(|id| id.to_string()),
            ("ports", _) => found.outputs.first().cloned(),
            ("jpegResolution", "width") => found.resolutions.first().map(|r| r.0.to_string()),
            ("jpegResolution", _) => found.resolutions.first().map(|r| r.1.to_string()),
            ("sources", _) => found.sources.first().cloned(),
            ("displays", _) => found.displays.first().cloned(),
            _ => None,
        };
    }
    match *domain {
        // `off` where there is one: the call leaves the device as it was.
        Domain::Enum(words) => words
            .iter()
            .find(|w| **w == "off")
            .or_else(|| words.first())
            .map(|w| (*w).to_owned()),
        Domain::Int { min, max } if max - min < 1000 => Some(min.max(0).min(max).to_string()),
        _ => None,
    }
}

/// The mandatory parameters of a valid call, or `None` when no request alone can make one.
fn valid_params(
    function: &Function,
    method: Method,
    found: &Discovered,
) -> Option<Vec<(String, String)>> {
    if needs_state(function) {
        return None;
    }
    let mut params = Vec::new();
    for param in function.params_for(method) {
        if matches!(param.presence, Presence::Mandatory | Presence::OneOf { .. }) {
            if param.is_blob() {
                return None;
            }
            params.push((
                param.name.to_owned(),
                valid_value(function, param.name, &param.domain, found)?,
            ));
        }
    }
    Some(params)
}

fn call(function: &'static Function, method: Method, params: &[(String, String)]) -> Call {
    let mut call = Call::new(function).method(method);
    call.params = params
        .iter()
        .map(|(n, v)| (n.clone(), ParamValue::Text(v.clone())))
        .collect();
    call.transfer = Transfer::Query;
    call
}

/// What a property draws for a parameter on this device: its caps values where the spec says
/// so, every number of its range, every word of its enumeration; `None` keeps the fixed value.
fn valid_values(function: &Function, param: &Param, found: &Discovered) -> Option<Values> {
    let name = param.name.to_owned();
    let words = |list: &[String]| {
        (!list.is_empty()).then(|| Values::Words {
            name: name.clone(),
            words: list.to_vec(),
        })
    };
    if let Some(caps) = param.caps {
        return match (caps.list, caps.field) {
            ("switches", _) => words(
                &found
                    .switches
                    .iter()
                    .filter(|(_, enabled)| *enabled)
                    .map(|(id, _)| id.to_string())
                    .collect::<Vec<_>>(),
            ),
            ("ports", _) => words(&found.outputs),
            ("sources", _) => words(&found.sources),
            ("displays", _) => words(&found.displays),
            // A resolution is drawn as a whole, with the width; the height goes with it.
            ("jpegResolution", "width") => {
                let other = caps.paired_with?;
                (!found.resolutions.is_empty()).then(|| {
                    Values::Items(
                        found
                            .resolutions
                            .iter()
                            .map(|(w, h)| {
                                vec![(name.clone(), w.to_string()), (other.into(), h.to_string())]
                            })
                            .collect(),
                    )
                })
            }
            _ => None,
        };
    }
    // A parameter that turns the reply into another kind (`fps` into a stream, `response`
    // into text) is drawn only where it keeps the default reply.
    let mut domain = param.domain;
    for reply in function.replies {
        match reply.when {
            When::ParamGiven(given) if given == param.name => return None,
            When::ParamAtLeast { param: at, min, .. } if at == param.name => {
                if let Domain::Int { min: low, max } = domain {
                    domain = Domain::Int {
                        min: low,
                        max: max.min(min - 1),
                    };
                }
            }
            _ => {}
        }
    }
    match domain {
        Domain::Int { min, max } if min <= max => Some(Values::Range { name, min, max }),
        Domain::Enum(list) => Some(Values::Words {
            name,
            words: list.iter().map(|w| (*w).to_owned()).collect(),
        }),
        _ => None,
    }
}

/// What a property draws outside a parameter's domain.
fn invalid_drawn(param: &Param) -> Option<Values> {
    let name = param.name.to_owned();
    match param.domain {
        Domain::Int { min, max } => Some(Values::Outside { name, min, max }),
        Domain::Enum(list) => Some(Values::NotWord {
            name,
            words: list.iter().map(|w| (*w).to_owned()).collect(),
        }),
        _ => None,
    }
}

/// Values outside a domain, each with a short name for the case id.
fn invalid_values(domain: &Domain) -> Vec<(&'static str, String)> {
    match *domain {
        Domain::Int { min, max } => {
            let mut values = vec![("not-a-number", "x1".to_owned())];
            if let Some(above) = max.checked_add(1) {
                values.push(("above-max", above.to_string()));
            }
            if let Some(below) = min.checked_sub(1) {
                values.push(("below-min", below.to_string()));
            }
            values
        }
        Domain::Enum(_) => vec![("unknown-word", "invalid".to_owned())],
        Domain::Text { rule, .. } => match rule {
            TextRule::EmailAddress => vec![("not-an-address", "nobody".to_owned())],
            TextRule::DialTarget => vec![("not-a-number", "call me".to_owned())],
            _ => Vec::new(),
        },
        Domain::Include => vec![("unknown-form", "recent".to_owned())],
        Domain::EventFilter => vec![("unknown-event", "NoSuchEvent".to_owned())],
        Domain::Blob { .. } => Vec::new(),
    }
}

/// Every case for a device declared by `profile` and discovered as `found`.
pub fn cases(
    profile: &Checked,
    found: &Discovered,
    firmware: Version,
    has_http: bool,
) -> Vec<Case> {
    let mut cases = Vec::new();
    let full = full_account(profile);
    let login = full.map_or(Login::Anonymous, Login::Account);
    let info = &system::info::FUNCTION;
    let unknown = [
        ("unknown-path", format!("{API_PREFIX}/nothing")),
        // The overview table's form of the pcap paths (erratum pcap-paths).
        (
            "no-api-prefix",
            pcap::FUNCTION.path.replacen(API_PREFIX, "", 1),
        ),
        ("trailing-segment", format!("{}/more", info.path)),
    ];
    for (name, path) in unknown {
        cases.push(Case {
            id: format!("routing.{name}"),
            function: info,
            check: "routing",
            tier: Tier::ReadOnly,
            transport: Transport::Https,
            login,
            call: Call::new(info).path(&path),
            expect: Expect::error(ErrorCode::InvalidPath),
            generated: Vec::new(),
            not_applicable: None,
        });
    }
    for function in FUNCTIONS {
        function_cases(
            &mut cases, function, profile, found, firmware, login, has_http,
        );
    }
    wrong_password_cases(&mut cases, profile, found, firmware, has_http);
    cases
}

/// A wrong password answers 9 with a challenge: one case per service that asks for
/// credentials, as many as the budget of failed logins allows, so that the runner never blocks
/// its own address.
fn wrong_password_cases(
    cases: &mut Vec<Case>,
    profile: &Checked,
    found: &Discovered,
    firmware: Version,
    has_http: bool,
) {
    let Some(account) = full_account(profile) else {
        return;
    };
    let mut services = Vec::new();
    for function in FUNCTIONS {
        let security = profile.security(function.service);
        let first = function.methods[0].method;
        if services.len() >= profile.logins.budget()
            || services.contains(&function.service)
            || security.auth == Auth::None
            || !security.enabled
            || !matches!(function.access, Access::Privilege(_))
            || !function.origin.present_in(firmware)
            || function
                .tier(first)
                .is_none_or(|tier| !tier.allowed_by_default())
            || function.licences.iter().any(|l| !profile.has_licence(*l))
        {
            continue;
        }
        let Some(params) = valid_params(function, first, found) else {
            continue;
        };
        services.push(function.service);
        cases.push(Case {
            id: format!("{}.wrong-password", function.name()),
            function,
            check: "security",
            tier: Tier::ReadOnly,
            transport: if has_http {
                security.transport
            } else {
                Transport::Https
            },
            login: Login::WrongPassword(account),
            call: call(function, first, &params),
            expect: Expect::error(ErrorCode::AuthRequired),
            generated: Vec::new(),
            not_applicable: None,
        });
    }
}

/// The index of the account holding the most privileges.
fn full_account(profile: &Checked) -> Option<usize> {
    profile
        .accounts
        .iter()
        .enumerate()
        .max_by_key(|(_, a)| a.privileges.len())
        .map(|(index, _)| index)
}

fn function_cases(
    cases: &mut Vec<Case>,
    function: &'static Function,
    profile: &Checked,
    found: &Discovered,
    firmware: Version,
    login: Login,
    has_http: bool,
) {
    let name = function.name();
    let full = full_account(profile);
    let security = profile.security(function.service);
    let transport = if security.transport == Transport::Https {
        Transport::Https
    } else if has_http {
        Transport::Http
    } else {
        Transport::Https
    };
    let first = function.methods[0].method;
    let base = |id: String, check: &'static str, method: Method, call: Call, expect: Expect| Case {
        id,
        function,
        check,
        tier: function.tier(method).unwrap_or(Tier::ReadOnly),
        transport,
        login,
        call,
        expect,
        generated: Vec::new(),
        not_applicable: None,
    };
    let minimal =
        valid_params(function, first, found).unwrap_or_else(|| plausible_params(function, first));

    // Conditions that hold for the whole function: one case each, and nothing more to test.
    if !function.origin.present_in(firmware) {
        cases.push(base(
            format!("{name}.newer-than-firmware"),
            "routing",
            first,
            call(function, first, &minimal),
            Expect::error(ErrorCode::InvalidPath)
                .admitting(ErrorCode::NotSupported, "newer-function"),
        ));
        return;
    }
    if !security.enabled {
        cases.push(base(
            format!("{name}.service-disabled"),
            "security",
            first,
            call(function, first, &minimal),
            Expect::error(ErrorCode::Disabled),
        ));
        return;
    }
    if let Some(licence) = function.licences.iter().find(|l| !profile.has_licence(**l)) {
        cases.push(base(
            format!("{name}.licence-{}", licence.id()),
            "security",
            first,
            call(function, first, &minimal),
            Expect::error(ErrorCode::Licensed),
        ));
        return;
    }
    if function.hardware.is_some() && found.unsupported.contains(&function.path) {
        cases.push(base(
            format!("{name}.not-supported"),
            "routing",
            first,
            call(function, first, &minimal),
            Expect::error(ErrorCode::NotSupported),
        ));
        return;
    }

    // Every method: the allowed ones succeed with valid parameters, the others answer 3.
    for method in Method::ALL {
        let lower = method.as_str().to_lowercase();
        if !function.allows(method) {
            cases.push(base(
                format!("{name}.{lower}.wrong-method"),
                "method",
                method,
                call(function, method, &minimal),
                Expect::error(ErrorCode::InvalidMethod),
            ));
            continue;
        }
        let mut case = base(
            format!("{name}.{lower}.valid"),
            "method",
            method,
            call(function, method, &[]),
            Expect::Success { text: None },
        );
        match valid_params(function, method, found) {
            Some(params) => case.call = call(function, method, &params),
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

    // The rest needs a valid call to change one condition of.
    let Some(params) = valid_params(function, first, found) else {
        return;
    };
    let valid = call(function, first, &params);
    let lower = first.as_str().to_lowercase();

    // Security, for every function.
    match function.access {
        Access::Open { .. } => {
            cases.push(Case {
                login: Login::Anonymous,
                ..base(
                    format!("{name}.open-without-credentials"),
                    "security",
                    first,
                    valid.clone(),
                    Expect::Success { text: None },
                )
            });
        }
        Access::Privilege(_) | Access::EventFiltered => {
            if security.auth != Auth::None {
                cases.push(Case {
                    login: Login::Anonymous,
                    ..base(
                        format!("{name}.no-credentials"),
                        "security",
                        first,
                        valid.clone(),
                        Expect::error(ErrorCode::AuthRequired),
                    )
                });
            }
            if security.auth == Auth::Digest
                && let Some(account) = full
            {
                cases.push(Case {
                    login: Login::Basic(account),
                    ..base(
                        format!("{name}.basic-where-digest-only"),
                        "security",
                        first,
                        valid.clone(),
                        Expect::error(ErrorCode::InvalidAuthMethod),
                    )
                });
            }
        }
    }
    if security.transport == Transport::Https && has_http {
        cases.push(Case {
            transport: Transport::Http,
            ..base(
                format!("{name}.plain-http"),
                "security",
                first,
                valid.clone(),
                Expect::error(ErrorCode::InvalidConnection),
            )
        });
    }
    if let (Access::Privilege(privilege), true) = (function.access, security.auth != Auth::None) {
        for (index, account) in profile.accounts.iter().enumerate() {
            let expect = if account.holds(privilege) {
                Expect::Success { text: None }
            } else if privilege.level == helios_spec::Level::Monitoring
                && account.holds(helios_spec::Privilege::control(privilege.group))
            {
                Expect::error(ErrorCode::InsufficientPrivileges)
                    .success_admitted("control-implies-monitoring")
            } else {
                Expect::error(ErrorCode::InsufficientPrivileges)
            };
            cases.push(Case {
                login: Login::Account(index),
                ..base(
                    format!("{name}.account-{}", account.user),
                    "security",
                    first,
                    valid.clone(),
                    expect,
                )
            });
        }
    }

    // Parameters: each mandatory one missing, each out of domain, oversized, duplicated.
    for param in function.params_for(first) {
        if param.is_blob() {
            continue;
        }
        if !param.origin_in(function).present_in(firmware) {
            // A parameter newer than the device's firmware is ignored (erratum newer-function).
            let mut case = base(
                format!("{name}.{lower}.newer-param.{}", param.name),
                "parameters",
                first,
                valid.clone(),
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
            cases.push(case);
            continue;
        }
        let without: Vec<(String, String)> = params
            .iter()
            .filter(|(n, _)| n != param.name)
            .cloned()
            .collect();
        if param.is_mandatory() {
            cases.push(base(
                format!("{name}.{lower}.missing.{}", param.name),
                "parameters",
                first,
                call(function, first, &without),
                Expect::error_naming(ErrorCode::MissingParameter, param.name),
            ));
        }
        let invalid = invalid_values(&param.domain);
        for (label, value) in &invalid {
            let mut bad = without.clone();
            bad.push((param.name.to_owned(), value.clone()));
            cases.push(base(
                format!("{name}.{lower}.invalid.{}.{label}", param.name),
                "parameters",
                first,
                call(function, first, &bad),
                Expect::error_naming(ErrorCode::InvalidParameter, param.name),
            ));
        }
        // Duplicates of a mandatory parameter: the last occurrence wins, valid or not.
        if let (true, Some((_, value))) = (param.is_mandatory(), invalid.first()) {
            let good = params
                .iter()
                .find(|(n, _)| n == param.name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let mut twice = without.clone();
            twice.push((param.name.to_owned(), value.clone()));
            twice.push((param.name.to_owned(), good.clone()));
            cases.push(base(
                format!("{name}.{lower}.duplicate.{}.last-valid-wins", param.name),
                "parameters",
                first,
                call(function, first, &twice),
                Expect::Success { text: None },
            ));
            let mut twice = without.clone();
            twice.push((param.name.to_owned(), good));
            twice.push((param.name.to_owned(), value.clone()));
            cases.push(base(
                format!("{name}.{lower}.duplicate.{}.last-invalid-wins", param.name),
                "parameters",
                first,
                call(function, first, &twice),
                Expect::error_naming(ErrorCode::InvalidParameter, param.name),
            ));
        }
        if let Domain::Text { max_len, .. } = param.domain {
            let mut big = without.clone();
            big.push((param.name.to_owned(), "x".repeat(max_len + 1)));
            cases.push(base(
                format!("{name}.{lower}.oversized.{}", param.name),
                "parameters",
                first,
                call(function, first, &big),
                Expect::error_naming(ErrorCode::DataTooBig, param.name)
                    .admitting(ErrorCode::InvalidParameter, "size-limits"),
            ));
        }
        if param.name == "response" {
            for text in ["done", ""] {
                let mut with = params.clone();
                with.push(("response".into(), text.into()));
                let label = if text.is_empty() { "empty" } else { "text" };
                cases.push(base(
                    format!("{name}.{lower}.response.{label}"),
                    "reply",
                    first,
                    call(function, first, &with),
                    Expect::Success {
                        text: Some(text.into()),
                    },
                ));
            }
        }
    }

    // Properties: values drawn from each domain and the device's caps, `--cases` times.
    if function.tier(first).is_some_and(Tier::allowed_by_default) {
        let drawn: Vec<Values> = function
            .params_for(first)
            .filter(|p| p.state.is_none())
            .filter(|p| !p.is_blob() && p.origin_in(function).present_in(firmware))
            .filter_map(|p| valid_values(function, p, found))
            .collect();
        if !drawn.is_empty() {
            cases.push(Case {
                generated: drawn,
                ..base(
                    format!("{name}.{lower}.property.valid"),
                    "property",
                    first,
                    valid.clone(),
                    Expect::Success { text: None },
                )
            });
        }
        for param in function.params_for(first) {
            if param.is_blob() || !param.origin_in(function).present_in(firmware) {
                continue;
            }
            if let Some(outside) = invalid_drawn(param) {
                cases.push(Case {
                    generated: vec![outside],
                    ..base(
                        format!("{name}.{lower}.property.invalid.{}", param.name),
                        "property",
                        first,
                        valid.clone(),
                        Expect::error_naming(ErrorCode::InvalidParameter, param.name),
                    )
                });
            }
        }
    }

    // The same parameters in every transfer of 2.2.
    if function.allows(Method::Post) && !params.is_empty() {
        for (label, transfer) in [
            ("urlencoded", Transfer::UrlEncoded),
            ("multipart", Transfer::Multipart),
        ] {
            cases.push(base(
                format!("{name}.post.{label}"),
                "parameters",
                Method::Post,
                call(function, Method::Post, &params).transfer(transfer),
                Expect::Success { text: None },
            ));
        }
    }
}
