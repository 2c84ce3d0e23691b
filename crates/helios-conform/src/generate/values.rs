//! The values cases send: valid ones (from the device's caps where the spec says so, else from
//! the domain), plausible ones where the caps are unknown, values outside a domain, and what
//! properties draw.

use helios_spec::{Domain, Function, Method, Param, Presence, TextRule, When};

use crate::case::Values;
use crate::discovery::Discovered;

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
pub(super) fn plausible_params(function: &Function, method: Method) -> Vec<(String, String)> {
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
pub(super) fn valid_value(
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
pub(super) fn valid_params(
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

/// What a property draws for a parameter on this device: its caps values where the spec says
/// so, every number of its range, every word of its enumeration; `None` keeps the fixed value.
pub(super) fn valid_values(
    function: &Function,
    param: &Param,
    found: &Discovered,
) -> Option<Values> {
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
pub(super) fn invalid_drawn(param: &Param) -> Option<Values> {
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
pub(super) fn invalid_values(domain: &Domain) -> Vec<(&'static str, String)> {
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
