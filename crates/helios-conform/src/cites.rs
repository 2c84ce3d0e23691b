//! What each case judges, as ids of the spec's register of requirements
//! (`helios_spec::requirements`): derived for a request case from what it sends and expects
//! ([`case`]), and listed for the checks of several requests by their ids ([`CHECKS`], read by
//! [`check`]). [`audit`] holds a catalogue of cases to the register: every case cites known
//! ids, and every normative requirement is judged by some case or excused.

use std::collections::{BTreeMap, BTreeSet};

use helios_client::Transfer;
use helios_spec::requirements::{
    Requirement, error_id, event_id, event_privilege_id, function_id, method_id, param_id,
    privilege_id, row_id, service_id,
};
use helios_spec::{
    Access, Auth, ErrorCode, Function, MediaType, Method, Security, Transport, When,
};

use crate::case::{Case, Expect, Login, Values};

/// The requirements a request case judges, sent to a service secured as `security` declares.
pub fn case(case: &Case, security: Security) -> Vec<String> {
    let function = case.function;
    let mut ids = BTreeSet::new();
    if case.call.path_override.is_some() {
        ids.insert("2/api-prefix".to_owned());
    }
    match &case.expect {
        Expect::Success { .. } => success(case, security, &mut ids),
        Expect::Error { code, param, .. } => {
            ids.insert(error_id(*code));
            ids.insert("2.3/negative".to_owned());
            if let Some(param) = param.as_deref().filter(|p| function.param(p).is_some()) {
                ids.insert(param_id(function, param));
            }
            if case.call.path_override.is_none() {
                refusal(case, *code, &mut ids);
            }
        }
    }
    transfer(case, &mut ids);
    for values in &case.generated {
        for name in generated_names(values) {
            if function.param(name).is_some() {
                ids.insert(param_id(function, name));
            }
        }
    }
    ids.into_iter().collect()
}

/// A successful reply: the function and its method, the reply's kind, the parameters sent, and
/// the security rule that lets the request in.
fn success(case: &Case, security: Security, ids: &mut BTreeSet<String>) {
    let function = case.function;
    let method = case.call.method;
    ids.insert(function_id(function));
    ids.insert(method_id(function, method));
    ids.insert(reply_kind(function, method).to_owned());
    match method {
        Method::Post => ids.insert("2.1/get-post-equivalent".to_owned()),
        Method::Put | Method::Delete => ids.insert("2.1/put-delete".to_owned()),
        Method::Get => false,
    };
    if case.transport == Transport::Http {
        ids.insert("3/http".to_owned());
    }
    if !matches!(function.access, Access::Open { .. }) {
        ids.insert(
            match security.auth {
                Auth::None => "3/auth-none",
                Auth::Basic => "3/auth-basic",
                Auth::Digest => "3/auth-digest",
            }
            .to_owned(),
        );
    }
    if let (Login::Account(_) | Login::Basic(_), Some(privilege)) =
        (case.login, function.access.privilege())
    {
        ids.insert(privilege_id(privilege));
    }
    ids.insert(service_id(function.service));
    if case.check == "security" {
        ids.insert(row_id(function));
        if matches!(case.login, Login::Account(_)) {
            ids.insert("4/privileges".to_owned());
        }
    }
}

/// The 2.3 reply a successful call of `method` gets by default.
fn reply_kind(function: &Function, method: Method) -> &'static str {
    let reply = function
        .replies_for(method)
        .find(|reply| reply.when == When::Default);
    match reply {
        Some(reply) if reply.media != MediaType::Json => "2.3/content-type",
        Some(reply) if reply.result.is_some() => "2.3/positive-with-result",
        _ => "2.3/positive-without-result",
    }
}

/// The rule of chapters 3 to 5 behind a refusal.
fn refusal(case: &Case, code: ErrorCode, ids: &mut BTreeSet<String>) {
    let function = case.function;
    let service = service_id(function.service);
    let rules: Vec<String> = match code {
        ErrorCode::NotSupported | ErrorCode::InvalidPath => vec![function_id(function)],
        ErrorCode::InvalidMethod | ErrorCode::Licensed => vec![row_id(function)],
        ErrorCode::Disabled => vec!["3/enabled".to_owned(), service],
        ErrorCode::InvalidConnection => vec!["3/https".to_owned(), service],
        ErrorCode::InvalidAuthMethod => vec!["3/auth-digest".to_owned(), service],
        ErrorCode::AuthRequired => vec!["3/rejected".to_owned(), service],
        ErrorCode::InsufficientPrivileges => {
            let mut rules = vec!["4/privileges".to_owned(), row_id(function), service];
            rules.extend(function.access.privilege().map(privilege_id));
            rules
        }
        _ => Vec::new(),
    };
    ids.extend(rules);
}

/// How the parameters travel (2.2): the query, a body, a parameter given twice.
fn transfer(case: &Case, ids: &mut BTreeSet<String>) {
    let params = &case.call.params;
    if params.is_empty() {
        return;
    }
    ids.insert(
        match case.call.transfer {
            Transfer::Query => "2.2/query",
            Transfer::UrlEncoded => "2.2/urlencoded",
            Transfer::Multipart => "2.2/multipart",
        }
        .to_owned(),
    );
    if params.iter().any(|(name, _)| name.starts_with("blob-")) {
        ids.insert("2.2/blob-multipart".to_owned());
    }
    let names: BTreeSet<&str> = params.iter().map(|(name, _)| name.as_str()).collect();
    if names.len() < params.len() {
        ids.insert("2.2/last-occurrence".to_owned());
    }
    // A refusal judges the parameter it names, not the others sent beside it.
    let success = matches!(case.expect, Expect::Success { .. });
    for name in names.into_iter().filter(|_| success) {
        if case.function.param(name).is_some() {
            ids.insert(param_id(case.function, name));
        }
    }
}

fn generated_names(values: &Values) -> Vec<&str> {
    match values {
        Values::Range { name, .. }
        | Values::Words { name, .. }
        | Values::Outside { name, .. }
        | Values::NotWord { name, .. } => vec![name.as_str()],
        Values::Items(items) => items
            .iter()
            .flatten()
            .map(|(name, _)| name.as_str())
            .collect(),
    }
}

/// The requirements each check of several requests judges, by its case id or the prefix of
/// its case ids (`coherence.clock` for `coherence.clock.date`). A case id takes every entry it
/// starts with, and a group's own id (`timing`, when the group is skipped) those of its
/// checks; `events.world.NAME` takes the event's own as well.
pub const CHECKS: &[(&str, &[&str])] = &[
    ("discovery", &["5.1/system-info", "5.1/system-info/get"]),
    // Declared against discovered: each kind of fact judges what its caps function states.
    (
        "declaration.switches",
        &["5.8/switch-caps", "5.8/switch-caps/get"],
    ),
    ("declaration.ports", &["5.11/io-caps", "5.11/io-caps/get"]),
    (
        "declaration.camera",
        &["5.19/camera-caps", "5.19/camera-caps/get"],
    ),
    (
        "declaration.displays",
        &["5.21/display-caps", "5.21/display-caps/get"],
    ),
    (
        "declaration.sip-accounts",
        &["5.14/phone-status", "5.14/phone-status/get"],
    ),
    (
        "declaration.features",
        &["5.1/system-info", "5.1/system-info/get"],
    ),
    ("health", &["5.2/system-status", "2.3/positive-with-result"]),
    (
        "model.switch",
        &[
            "5.8/switch-caps",
            "5.9/switch-status",
            "5.10/switch-ctrl",
            "5.10/switch-ctrl/switch",
            "5.10/switch-ctrl/action",
            "2.3/error-14",
        ],
    ),
    (
        "model.io",
        &[
            "5.12/io-status",
            "5.13/io-ctrl",
            "5.13/io-ctrl/port",
            "5.13/io-ctrl/action",
        ],
    ),
    (
        "model.call",
        &[
            "5.15/call-status",
            "5.16/call-dial",
            "5.16/call-dial/number",
            "5.17/call-answer",
            "5.17/call-answer/session",
            "5.18/call-hangup",
            "5.18/call-hangup/session",
            "5.18/call-hangup/reason",
            "5.16/call-dial/get",
            "5.17/call-answer/get",
            "5.18/call-hangup/get",
            "4/phone.control",
        ],
    ),
    (
        "model.channel",
        &[
            "5.24/log-subscribe",
            "5.24/log-subscribe/include",
            "5.24/log-subscribe/filter",
            "5.25/log-unsubscribe",
            "5.25/log-unsubscribe/id",
            "5.26/log-pull",
            "5.26/log-pull/id",
            "5.26/log-pull/timeout",
            "5.25/log-unsubscribe/get",
            "5.26/log-pull/get",
        ],
    ),
    ("events", &["5.24/log-subscribe", "5.26/log-pull"]),
    ("events.switch", &["5.26/event/SwitchStateChanged"]),
    ("events.filter", &["5.24/log-subscribe/filter"]),
    ("events.output", &["5.26/event/OutputChanged"]),
    ("events.call", &["5.26/event/CallStateChanged"]),
    (
        "events.audio",
        &["5.27/audio-test", "5.26/event/AudioLoopTest"],
    ),
    (
        "events.input",
        &["5.26/event/InputChanged", "5.24/privilege/InputChanged"],
    ),
    (
        "events.call.incoming",
        &["5.17/call-answer", "5.26/event/CallStateChanged"],
    ),
    ("timing.pull", &["5.26/log-pull/timeout"]),
    ("timing.channel", &["5.24/log-subscribe/duration"]),
    ("timing.switch", &["5.10/switch-ctrl", "5.8/switch-caps"]),
    ("timing.mjpeg", &["5.20/camera-snapshot/fps"]),
    (
        "timing.snapshot",
        &["5.20/camera-snapshot/time", "2.3/error-15"],
    ),
    ("coherence.caps.events", &["5.23/log-caps"]),
    ("coherence.caps.ports", &["5.11/io-caps", "5.12/io-status"]),
    ("coherence.clock", &["5.2/system-status"]),
    (
        "coherence.clock.boot",
        &["5.26/event/DeviceState", "5.24/privilege/DeviceState"],
    ),
    ("coherence.clock.cause", &["5.26/log-pull"]),
    ("coherence.clock.order", &["5.26/log-pull"]),
    (
        "coherence.phone",
        &["5.14/phone-status", "5.26/event/RegistrationStateChanged"],
    ),
    (
        "coherence.effect.display",
        &[
            "5.21/display-caps",
            "5.22/display-image",
            "5.22/display-image/display",
            "5.22/display-image/blob-image",
            "5.22/display-image/put",
            "5.22/display-image/delete",
            "2.2/blob-multipart",
        ],
    ),
    (
        "config",
        &[
            "5.6/config",
            "5.6/config/get",
            "5.6/config/put",
            "5.6/config/blob-cfg",
            "2.2/blob-multipart",
        ],
    ),
    ("restart", &["5.3/system-restart", "5.3/system-restart/get"]),
    (
        "firmware",
        &["5.4/firmware", "5.4/firmware/put", "5.4/firmware/blob-fw"],
    ),
    (
        "factory-reset",
        &[
            "5.7/config-factoryreset",
            "5.7/config-factoryreset/get",
            "5.5/firmware-apply",
            "5.5/firmware-apply/get",
        ],
    ),
];

/// The prefix of the case ids of the events that come from the world outside the device.
pub const WORLD_EVENTS: &str = "events.world.";

/// The requirements the check with case id `id` judges.
pub fn check(id: &str) -> Vec<String> {
    let mut ids: BTreeSet<String> = CHECKS
        .iter()
        .filter(|(prefix, _)| {
            id == *prefix
                || id
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .flat_map(|(_, cited)| cited.iter().map(|c| (*c).to_owned()))
        .collect();
    if ids.is_empty() {
        // A group's own outcome (skipped, say) cites what its checks cite.
        let within = format!("{id}.");
        ids = CHECKS
            .iter()
            .filter(|(prefix, _)| prefix.starts_with(&within))
            .flat_map(|(_, cited)| cited.iter().map(|c| (*c).to_owned()))
            .collect();
    }
    if let Some(event) = id.strip_prefix(WORLD_EVENTS).and_then(helios_spec::event) {
        ids.insert(event_id(event));
    }
    // An event delivered to the accounts whose privileges allow it judges its row of the
    // privilege table, and the privilege.
    for event in helios_spec::EVENTS {
        if ids.contains(&event_id(event)) {
            ids.insert(event_privilege_id(event));
            ids.extend(event.privilege.map(privilege_id));
        }
    }
    ids.into_iter().collect()
}

/// Every problem of a catalogue of cases (each case id with the requirements it cites) held
/// to `register`: a case that cites nothing or an unknown id, and a normative requirement that
/// no case judges and nothing excuses.
pub fn audit(catalogue: &[(String, Vec<String>)], register: &[Requirement]) -> Vec<String> {
    let mut problems = Vec::new();
    let known: BTreeMap<&str, &Requirement> = register.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut judged = BTreeSet::new();
    for (case, cited) in catalogue {
        if cited.is_empty() {
            problems.push(format!("case {case} cites no requirement"));
        }
        for id in cited {
            if known.contains_key(id.as_str()) {
                judged.insert(id.as_str());
            } else {
                problems.push(format!("case {case} cites unknown requirement `{id}`"));
            }
        }
    }
    for requirement in register {
        if requirement.kind.normative()
            && requirement.excused.is_none()
            && !judged.contains(requirement.id.as_str())
        {
            problems.push(format!(
                "requirement `{}` is judged by no case and not excused",
                requirement.id
            ));
        }
    }
    problems
}
