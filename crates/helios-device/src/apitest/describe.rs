//! The description of the API that `apitest.html` is built from: every function of
//! `helios_spec::FUNCTIONS` as JSON (paths, methods, parameters with their domains, access,
//! licences, manual section), and the device's own part (model, firmware, how each service is
//! secured right now).
//!
//! The page knows nothing of the API by itself: whatever it shows comes from here, so that a
//! change to the spec changes the page.

use std::sync::LazyLock;

use helios_spec::functions::log;
use helios_spec::{
    Access, Auth, Domain, EVENTS, ErrorCode, FUNCTIONS, Function, MANUAL_VERSION, Param, Presence,
    Reply, Service, Transport, When,
};
use serde_json::{Value, json};

use crate::profile::Profile;

/// The spec's part, built once: it never changes while the device runs.
static FUNCTIONS_JSON: LazyLock<Value> =
    LazyLock::new(|| Value::Array(FUNCTIONS.iter().map(|f| function(f)).collect()));

/// The whole description for a device running `config`.
pub fn describe(config: &Profile) -> Value {
    json!({
        "manual": MANUAL_VERSION.to_string(),
        "device": {
            "model": config.device.variant,
            "name": config.device.device_name,
            "firmware": config.device.sw_version.text,
        },
        "services": Service::ALL.iter().map(|s| service(*s, config)).collect::<Vec<_>>(),
        "functions": &*FUNCTIONS_JSON,
        "events": EVENTS.iter().map(|e| e.name).collect::<Vec<_>>(),
        // What a request over plain HTTP to an HTTPS-only service answers, for the page's warning.
        "httpsRequired": {
            "code": ErrorCode::InvalidConnection.code(),
            "description": ErrorCode::InvalidConnection.description(),
        },
        // The functions the page's event panel drives.
        "eventPanel": {
            "caps": log::caps::FUNCTION.path,
            "subscribe": log::subscribe::FUNCTION.path,
            "pull": log::pull::FUNCTION.path,
            "unsubscribe": log::unsubscribe::FUNCTION.path,
        },
    })
}

fn service(service: Service, config: &Profile) -> Value {
    let security = config.security(service);
    json!({
        "id": service.id(),
        "name": service.name(),
        "purpose": service.purpose(),
        "enabled": security.enabled,
        "https": security.transport == Transport::Https,
        "auth": match security.auth {
            Auth::None => "none",
            Auth::Basic => "basic",
            Auth::Digest => "digest",
        },
    })
}

fn function(function: &Function) -> Value {
    json!({
        "path": function.path,
        "name": function.short_path(),
        "section": function.section.number,
        "title": function.section.title,
        "summary": function.summary,
        "service": function.service.id(),
        "methods": function.methods.iter().map(|m| json!({
            "method": m.method.as_str(),
            "tier": m.tier.id(),
        })).collect::<Vec<_>>(),
        "access": access(function.access),
        "licences": function.licences.iter().map(|l| l.name()).collect::<Vec<_>>(),
        "hardware": function.hardware.map(|h| h.id()),
        "since": function.origin.since().to_string(),
        "params": function.params.iter().map(|p| param(p, function)).collect::<Vec<_>>(),
        "replies": function.replies.iter().map(reply).collect::<Vec<_>>(),
        "errata": function.errata,
    })
}

/// The privilege as the manual's table names it ("Switch Control"), or why there is none.
fn access(access: Access) -> Value {
    match access {
        Access::Privilege(privilege) => json!({
            "kind": "privilege",
            "privilege": privilege.to_string(),
        }),
        Access::EventFiltered => json!({
            "kind": "event-filtered",
            "note": "any account; events are filtered by the account's privileges",
        }),
        Access::Open { table_says } => json!({
            "kind": "open",
            "note": format!("answers without access rights (the table says {table_says})"),
        }),
    }
}

fn param(param: &Param, function: &Function) -> Value {
    let (presence, default, group) = match param.presence {
        Presence::Mandatory => ("mandatory", None, None),
        Presence::Optional { default } => ("optional", default, None),
        Presence::OneOf { group } => ("one-of", None, Some(group)),
    };
    json!({
        "name": param.name,
        "description": param.description,
        "methods": param.methods.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "presence": presence,
        "default": default,
        "group": group,
        "domain": domain(&param.domain),
        "caps": param.caps.map(|caps| json!({
            "path": caps.function,
            "list": caps.list,
            "field": caps.field,
            "pairedWith": caps.paired_with,
        })),
        "since": param.origin_in(function).since().to_string(),
        "blob": param.is_blob(),
    })
}

fn domain(domain: &Domain) -> Value {
    match *domain {
        Domain::Int { min, max } => json!({ "kind": "int", "min": min, "max": max }),
        Domain::Enum(values) => json!({ "kind": "enum", "values": values }),
        Domain::Text { rule, max_len } => {
            json!({ "kind": "text", "rule": rule.describe(), "maxLength": max_len })
        }
        Domain::EventFilter => json!({ "kind": "event-filter", "maxLength": domain.max_len() }),
        Domain::Include => json!({ "kind": "include", "maxLength": domain.max_len() }),
        Domain::Blob { formats, max_len } => json!({
            "kind": "blob",
            "maxLength": max_len,
            "formats": formats.iter().map(|f| json!({ "name": f.name(), "mime": f.mime() })).collect::<Vec<_>>(),
        }),
    }
}

fn reply(reply: &Reply) -> Value {
    let when = match reply.when {
        When::Default => None,
        When::ParamGiven(param) => Some(format!("when {param} is given")),
        When::ParamAtLeast { param, min, unless } => {
            Some(format!("when {param} >= {min} and {unless} is absent"))
        }
    };
    json!({
        "methods": reply.methods.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "media": reply.media.mime(),
        "when": when,
    })
}
