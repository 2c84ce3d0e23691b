//! Checks on the whole table, as ripgrep checks its flag definitions: run by the tests on the
//! real registry, and on broken copies to prove that each check can fail.
//!
//! References that the type system already checks (services, privileges, licences, error codes)
//! need no check here; what remains are the string references between entries (errata ids, caps
//! paths, parameter names in reply conditions) and the completeness and uniqueness rules.

use std::collections::HashSet;

use crate::access::Privilege;
use crate::errata::Erratum;
use crate::error::ErrorCode;
use crate::event::Event;
use crate::field::{Field, FieldType};
use crate::function::{Domain, Function, Param, Presence, When};
use crate::http::{MediaType, Method};
use crate::requirements::{AppliesTo, EXCUSED, Requirement, register};
use crate::service::Service;
use crate::version::{Origin, Version};

/// The tables an audit reads.
#[derive(Clone, Copy, Debug)]
pub struct Tables<'a> {
    pub functions: &'a [&'a Function],
    pub events: &'a [Event],
    pub errata: &'a [Erratum],
}

impl Tables<'static> {
    /// The crate's own tables.
    pub const SPEC: Self = Self {
        functions: crate::registry::FUNCTIONS,
        events: crate::event::EVENTS,
        errata: crate::errata::ERRATA,
    };
}

/// Every problem found, one sentence each; empty when the tables are consistent.
pub fn audit(tables: &Tables<'static>) -> Vec<String> {
    let mut problems = Vec::new();
    let errata = check_errata(tables.errata, &mut problems);
    let mut routes = HashSet::new();
    let mut sections = HashSet::new();
    for function in tables.functions {
        check_function(function, &mut routes, &mut sections, &mut problems);
        cited(function.path, function.errata, &errata, &mut problems);
        check_params(tables.functions, function, &mut problems);
        cite_params(function, &errata, &mut problems);
        check_replies(function, &mut problems);
        cite_fields(function, &errata, &mut problems);
    }
    for service in Service::ALL {
        if !tables.functions.iter().any(|f| f.service == service) {
            problems.push(format!("service {service} has no function"));
        }
    }
    let mut event_names = HashSet::new();
    for event in tables.events {
        check_event(event, &mut event_names, &errata, &mut problems);
    }
    problems.extend(check_register(
        tables,
        &register(tables.functions, tables.events),
    ));
    problems
}

/// The register of requirements for `tables`: ids unique and under their section, excuses
/// and errata citing known ids, and every function, method, parameter, event, error code,
/// privilege and service covered by a requirement.
pub fn check_register(tables: &Tables<'_>, register: &[Requirement]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    for requirement in register {
        let id = requirement.id.as_str();
        if !ids.insert(id) {
            problems.push(format!("requirement `{id}` is defined twice"));
        }
        if !id.starts_with(&format!("{}/", requirement.section)) || requirement.text.is_empty() {
            problems.push(format!(
                "requirement `{id}` does not open with its section or has no text"
            ));
        }
    }
    for (id, _) in EXCUSED {
        if !ids.contains(id) {
            problems.push(format!("the excuse of unknown requirement `{id}`"));
        }
    }
    for erratum in tables.errata {
        if erratum.requirements.is_empty() {
            problems.push(format!("erratum `{}` rules on no requirement", erratum.id));
        }
        for id in erratum.requirements {
            if !ids.contains(id) {
                problems.push(format!(
                    "erratum `{}` cites unknown requirement `{id}`",
                    erratum.id
                ));
            }
        }
    }
    let subjects: Vec<AppliesTo> = register.iter().map(|r| r.applies_to).collect();
    for subject in subjects_of(tables) {
        if !subjects.contains(&subject) {
            problems.push(format!("no requirement applies to {subject:?}"));
        }
    }
    problems
}

/// Everything of the tables that a requirement must apply to.
fn subjects_of(tables: &Tables<'_>) -> Vec<AppliesTo> {
    let mut subjects: Vec<AppliesTo> = ErrorCode::ALL.into_iter().map(AppliesTo::Error).collect();
    subjects.extend(Privilege::all().map(AppliesTo::Privilege));
    subjects.extend(Service::ALL.into_iter().map(AppliesTo::Service));
    for function in tables.functions {
        subjects.push(AppliesTo::Function(function.path));
        for spec in function.methods {
            subjects.push(AppliesTo::Method(function.path, spec.method));
        }
        for param in function.params {
            subjects.push(AppliesTo::Param {
                function: function.path,
                param: param.name,
            });
        }
    }
    subjects.extend(tables.events.iter().map(|e| AppliesTo::Event(e.name)));
    subjects
}

/// A problem for each erratum `what` cites that the register does not hold.
fn cited(what: &str, ids: &[&str], errata: &HashSet<&str>, problems: &mut Vec<String>) {
    for id in ids {
        if !errata.contains(id) {
            problems.push(format!("{what} cites unknown erratum `{id}`"));
        }
    }
}

/// A function's path, section, origin and methods, each route and section once in the table.
fn check_function(
    function: &Function,
    routes: &mut HashSet<(Method, &'static str)>,
    sections: &mut HashSet<&'static str>,
    problems: &mut Vec<String>,
) {
    let name = function.path;
    if !function.path.starts_with("/api/") {
        problems.push(format!("{name}: the path does not start with /api/"));
    }
    if !function.section.number.starts_with("5.") || function.section.title.is_empty() {
        problems.push(format!("{name}: no manual section of chapter 5"));
    }
    if !sections.insert(function.section.number) {
        problems.push(format!(
            "{name}: section {} is used twice",
            function.section.number
        ));
    }
    if !function.origin.in_manual() || function.origin.since() > Version::MANUAL {
        problems.push(format!("{name}: a function must come from the manual"));
    }
    if function.methods.is_empty() {
        problems.push(format!("{name}: no methods"));
    }
    for spec in function.methods {
        if !routes.insert((spec.method, function.path)) {
            problems.push(format!("{name}: {} {name} is defined twice", spec.method));
        }
    }
}

/// The errata a function's parameters cite exist.
fn cite_params(function: &Function, errata: &HashSet<&str>, problems: &mut Vec<String>) {
    let name = function.path;
    for param in function.params {
        cited(
            &format!("{name} {}", param.name),
            param.errata,
            errata,
            problems,
        );
    }
}

/// The errata the fields of a function's results cite exist.
fn cite_fields(function: &Function, errata: &HashSet<&str>, problems: &mut Vec<String>) {
    let name = function.path;
    for field in function.replies.iter().filter_map(|reply| reply.result) {
        visit_fields(field, &mut |field| {
            cited(
                &format!("{name} {}", field.name),
                field.errata,
                errata,
                problems,
            )
        });
    }
}

/// An event once in the table, its params documented or not as listed, its fields and the
/// errata it cites.
fn check_event(
    event: &Event,
    names: &mut HashSet<&'static str>,
    errata: &HashSet<&str>,
    problems: &mut Vec<String>,
) {
    if !names.insert(event.name) {
        problems.push(format!("event {} is defined twice", event.name));
    }
    if !event.params_documented && !event.params.is_empty() {
        problems.push(format!(
            "event {}: undocumented params cannot be listed",
            event.name
        ));
    }
    if event.params_documented && event.params.is_empty() {
        problems.push(format!("event {}: documented but no params", event.name));
    }
    check_fields(event.name, event.params, event.origin, problems);
    cited(event.name, event.errata, errata, problems);
    visit_fields(event.params, &mut |field| {
        cited(
            &format!("{} {}", event.name, field.name),
            field.errata,
            errata,
            problems,
        )
    });
}

fn check_errata(errata: &[Erratum], problems: &mut Vec<String>) -> HashSet<&'static str> {
    let mut ids = HashSet::new();
    for erratum in errata {
        if !ids.insert(erratum.id) {
            problems.push(format!("erratum `{}` is defined twice", erratum.id));
        }
        if erratum.sections.is_empty() || erratum.manual.is_empty() || erratum.ruling.is_empty() {
            problems.push(format!("erratum `{}` is incomplete", erratum.id));
        }
    }
    ids
}

fn check_params(functions: &[&Function], function: &Function, problems: &mut Vec<String>) {
    let name = function.path;
    let mut names = HashSet::new();
    for param in function.params {
        let what = format!("{name} {}", param.name);
        if !names.insert(param.name) {
            problems.push(format!("{what}: the parameter is defined twice"));
        }
        if param.is_blob() != matches!(param.domain, Domain::Blob { .. }) {
            problems.push(format!(
                "{what}: blob- parameters, and only they, have a blob domain"
            ));
        }
        if param.is_blob()
            && !function
                .methods
                .iter()
                .any(|spec| spec.method.has_body() && param.applies_to(spec.method))
        {
            problems.push(format!("{what}: a blob needs a method with a body"));
        }
        if param.methods.iter().any(|method| !function.allows(*method)) {
            problems.push(format!(
                "{what}: applies to a method the function does not allow"
            ));
        }
        if param.origin_in(function).since() < function.origin.since() {
            problems.push(format!("{what}: older than its function"));
        }
        if let Presence::Optional {
            default: Some(default),
        } = param.presence
            && !default_in_domain(default, &param.domain)
        {
            problems.push(format!(
                "{what}: the default `{default}` is outside the domain"
            ));
        }
        if let Presence::OneOf { group } = param.presence {
            let members = function
                .params
                .iter()
                .filter(|other| other.presence == Presence::OneOf { group })
                .count();
            if members < 2 {
                problems.push(format!("{what}: one-of group `{group}` has one member"));
            }
        }
        if let Some(caps) = param.caps {
            check_caps_ref(functions, function, param, caps, problems);
        }
    }
}

fn default_in_domain(default: &str, domain: &Domain) -> bool {
    match *domain {
        Domain::Int { min, max } => default
            .parse::<i64>()
            .is_ok_and(|value| (min..=max).contains(&value)),
        Domain::Enum(values) => values.contains(&default),
        Domain::Include => default == "new" || default == "all",
        Domain::Text { rule, max_len } => default.len() <= max_len && rule.matches(default),
        Domain::EventFilter | Domain::Blob { .. } => false,
    }
}

fn check_caps_ref(
    functions: &[&Function],
    function: &Function,
    param: &Param,
    caps: crate::function::CapsRef,
    problems: &mut Vec<String>,
) {
    let what = format!("{} {}", function.path, param.name);
    let Some(source) = functions.iter().find(|f| f.path == caps.function) else {
        problems.push(format!(
            "{what}: caps function {} is unknown",
            caps.function
        ));
        return;
    };
    let item = source
        .replies
        .iter()
        .filter_map(|reply| reply.result)
        .flatten()
        .find(|field| field.name == caps.list)
        .and_then(|field| match field.ty {
            FieldType::Array(FieldType::Object(item)) => Some(*item),
            _ => None,
        });
    match item {
        Some(item) if item.iter().any(|field| field.name == caps.field) => {}
        _ => problems.push(format!(
            "{what}: {} has no {}[].{}",
            caps.function, caps.list, caps.field
        )),
    }
    if let Some(other) = caps.paired_with
        && function.param(other).is_none()
    {
        problems.push(format!("{what}: paired with unknown parameter {other}"));
    }
}

fn check_replies(function: &Function, problems: &mut Vec<String>) {
    let name = function.path;
    for spec in function.methods {
        let defaults = function
            .replies_for(spec.method)
            .filter(|reply| reply.when == When::Default)
            .count();
        if defaults != 1 {
            problems.push(format!(
                "{name}: {} has {defaults} default replies, not one",
                spec.method
            ));
        }
    }
    for reply in function.replies {
        let referenced: &[&str] = match &reply.when {
            When::Default => &[],
            When::ParamGiven(param) => &[*param],
            When::ParamAtLeast { param, unless, .. } => &[*param, *unless],
        };
        for param in referenced {
            if function.param(param).is_none() {
                problems.push(format!(
                    "{name}: a reply depends on unknown parameter {param}"
                ));
            }
        }
        if reply.result.is_some() && reply.media != MediaType::Json {
            problems.push(format!("{name}: only JSON replies have a result"));
        }
        if let Some(result) = reply.result {
            check_fields(name, result, function.origin, problems);
        }
    }
}

/// Field names are unique per object, and no field is older than what holds it.
fn check_fields(owner: &str, fields: &[Field], origin: Origin, problems: &mut Vec<String>) {
    let mut names = HashSet::new();
    for field in fields {
        if !names.insert(field.name) {
            problems.push(format!("{owner}: field {} is defined twice", field.name));
        }
        let field_origin = field.origin_in(origin);
        if field_origin.since() < origin.since() {
            problems.push(format!(
                "{owner}: field {} is older than its owner",
                field.name
            ));
        }
        if let Origin::Later { source, .. } = field_origin
            && source.is_empty()
        {
            problems.push(format!("{owner}: later field {} has no source", field.name));
        }
        match field.ty {
            FieldType::Object(inner) | FieldType::Array(&FieldType::Object(inner)) => {
                check_fields(owner, inner, field_origin, problems)
            }
            _ => {}
        }
    }
}

/// Calls `visit` on every field, nested ones included.
pub fn visit_fields<'a>(fields: &'a [Field], visit: &mut dyn FnMut(&'a Field)) {
    for field in fields {
        visit(field);
        match field.ty {
            FieldType::Object(inner) | FieldType::Array(&FieldType::Object(inner)) => {
                visit_fields(inner, visit)
            }
            _ => {}
        }
    }
}
