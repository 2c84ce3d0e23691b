//! The register of requirements: the manual's normative statements as data, each with an id
//! that says where it lives (`2.3/error-12`, `5.10/switch-ctrl/action`), the section, a short
//! quote, its kind and what it applies to. Conformance cases cite these ids, and the reports
//! roll verdicts up per requirement and chapter.
//!
//! A hand-listed core ([`CORE`]: chapters 2 to 4, the transfer rules of 2.2, the replies of
//! 2.3, the security rules of 3) is completed by ids derived from the tables themselves
//! ([`register`]): every function, each of its methods and its row of the overview table,
//! every parameter, every error code of 2.3, every box of the privilege table, every service's
//! row of chapter 3, and every event's fields and privilege. A statement the project
//! deliberately does not test carries why ([`EXCUSED`]).

use std::fmt;
use std::sync::LazyLock;

use crate::access::{Level, Privilege};
use crate::error::ErrorCode;
use crate::event::Event;
use crate::function::{Domain, Function, Param, Presence};
use crate::http::Method;
use crate::service::{Auth, Service, Transport};

/// How binding a statement is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A rule a device must follow.
    Must,
    /// Something a device may do, or a recommendation.
    May,
    /// An example the manual gives.
    Example,
    /// A row of one of the manual's tables (a parameter, an error code, a privilege...).
    TableRow,
}

impl Kind {
    pub const fn id(self) -> &'static str {
        match self {
            Self::Must => "must",
            Self::May => "may",
            Self::Example => "example",
            Self::TableRow => "table row",
        }
    }

    /// Whether a case must judge it, unless it is excused: musts and table rows.
    pub const fn normative(self) -> bool {
        matches!(self, Self::Must | Self::TableRow)
    }
}

/// What a requirement is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppliesTo {
    /// A whole chapter or section (`2.2`, `3`).
    Chapter(&'static str),
    /// A function, by path.
    Function(&'static str),
    /// One method of a function.
    Method(&'static str, Method),
    /// A parameter of a function.
    Param {
        function: &'static str,
        param: &'static str,
    },
    Event(&'static str),
    Service(Service),
    Error(ErrorCode),
    Privilege(Privilege),
}

/// One requirement of the manual.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// Stable: the section, then a slug (`5.10/switch-ctrl/action`).
    pub id: String,
    /// The manual's section (`5.10`, `2.3`, `5` for the overview table).
    pub section: &'static str,
    /// The statement, quoted short or read from the table.
    pub text: String,
    pub kind: Kind,
    pub applies_to: AppliesTo,
    /// Why the project does not test it, when it does not.
    pub excused: Option<&'static str>,
}

impl Requirement {
    /// The chapter it belongs to: `2` for `2.3`, `5` for `5.10`.
    pub fn chapter(&self) -> &'static str {
        self.section.split('.').next().unwrap_or(self.section)
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, {})", self.id, self.section, self.kind.id())
    }
}

/// A requirement of the hand-listed core: id, section, kind, subject and quote.
pub type Core = (&'static str, &'static str, Kind, AppliesTo, &'static str);

const fn chapter(section: &'static str) -> AppliesTo {
    AppliesTo::Chapter(section)
}

/// The statements of chapters 2 to 4 that no table holds, quoted.
pub const CORE: &[Core] = &[
    (
        "2/api-prefix",
        "2",
        Kind::Must,
        chapter("2"),
        "All HTTP API commands are sent via HTTP/HTTPS to the intercom address with absolute path completed with the /api prefix.",
    ),
    (
        "2/host-header",
        "2",
        Kind::Must,
        chapter("2"),
        "To be accepted by the intercom, a request has to include the method and absolute path specification followed by the Host header.",
    ),
    (
        "2/example-switch-ctrl",
        "2",
        Kind::Example,
        chapter("2"),
        "Example: Switch 1 activation http://10.0.23.193/api/switch/ctrl?switch=1&action=on",
    ),
    (
        "2.1/get-post-equivalent",
        "2.1",
        Kind::Must,
        chapter("2.1"),
        "The GET and POST methods are equivalent from the viewpoint of 2N Helios IP HTTP API but use different parameter transfers.",
    ),
    (
        "2.1/put-delete",
        "2.1",
        Kind::May,
        chapter("2.1"),
        "The PUT and DELETE methods are used for handling of such extensive objects as configuration, firmware, images and sound files.",
    ),
    (
        "2.2/query",
        "2.2",
        Kind::Must,
        chapter("2.2"),
        "The parameters can be transferred in the request path (uri query, GET, POST, PUT and DELETE methods).",
    ),
    (
        "2.2/urlencoded",
        "2.2",
        Kind::Must,
        chapter("2.2"),
        "The parameters can be transferred in the message content (application/x-www-form-urlencoded, POST and PUT methods).",
    ),
    (
        "2.2/multipart",
        "2.2",
        Kind::Must,
        chapter("2.2"),
        "The parameters can be transferred in the message content (multipart/form-data, POST and PUT methods) RFC-1867.",
    ),
    (
        "2.2/last-occurrence",
        "2.2",
        Kind::Must,
        chapter("2.2"),
        "If the transfer methods are combined, a parameter may occur more times in the request. In that case, the last incidence is preferred.",
    ),
    (
        "2.2/blob-multipart",
        "2.2",
        Kind::Must,
        chapter("2.2"),
        "Large data parameters (configuration, firmware, images, etc.) always start with blob- and can only be transferred via the last-named method (multipart/form-data).",
    ),
    (
        "2.3/content-type",
        "2.3",
        Kind::Must,
        chapter("2.3"),
        "Replies to requests are mostly in the JSON format. The Content-Type header specifies the response format.",
    ),
    (
        "2.3/positive-without-result",
        "2.3",
        Kind::Must,
        chapter("2.3"),
        "Positive Reply without Parameters: sent in case a request has been executed successfully for functions that do not return any parameters, always combined with 200 OK.",
    ),
    (
        "2.3/positive-with-result",
        "2.3",
        Kind::Must,
        chapter("2.3"),
        "Positive Reply with Parameters: the result item includes other reply parameters related to the function, always combined with 200 OK.",
    ),
    (
        "2.3/negative",
        "2.3",
        Kind::Must,
        chapter("2.3"),
        "Negative Reply: the reply specifies the error code (code), text description (description) and error details if necessary (param), with 200 OK or 401.",
    ),
    (
        "2.3/example-negative",
        "2.3",
        Kind::Example,
        chapter("2.3"),
        "{ \"success\" : false, \"error\" : { \"code\" : 12, \"param\" : \"port\", \"description\" : \"invalid parameter value\" } }",
    ),
    (
        "3/enabled",
        "3",
        Kind::Must,
        chapter("3"),
        "Set the security level for each HTTP API service: disable/enable a service and select the required communication protocol and user authentication method.",
    ),
    (
        "3/https",
        "3",
        Kind::Must,
        chapter("3"),
        "HTTPS: send requests via HTTPS. Any requests sent via the unsecured HTTP are rejected by the intercom.",
    ),
    (
        "3/http",
        "3",
        Kind::Must,
        chapter("3"),
        "HTTP: send requests via HTTP or HTTPS. Both the protocols are enabled.",
    ),
    (
        "3/rejected",
        "3",
        Kind::Must,
        chapter("3"),
        "If the required authentication is not executed, the request will be rejected.",
    ),
    (
        "3/auth-none",
        "3",
        Kind::Must,
        chapter("3"),
        "None: no authentication is required.",
    ),
    (
        "3/auth-basic",
        "3",
        Kind::Must,
        chapter("3"),
        "Basic: Basic authentication is required according to RFC-2617.",
    ),
    (
        "3/auth-digest",
        "3",
        Kind::Must,
        chapter("3"),
        "Digest: Digest authentication is required according to RFC-2617.",
    ),
    (
        "3/https-digest",
        "3",
        Kind::May,
        chapter("3"),
        "We recommend you to use the HTTPS + Digest combination for all the services to achieve the highest security and avoid misuse.",
    ),
    (
        "4/accounts",
        "4",
        Kind::Must,
        chapter("4"),
        "With 2N Helios IP you can administer up to five user accounts for access to the HTTP API services.",
    ),
    (
        "4/privileges",
        "4",
        Kind::Must,
        chapter("4"),
        "The user account contains the user's name, password and HTTP API access privileges.",
    ),
];

/// The requirements the project does not test, and why.
pub const EXCUSED: &[(&str, &str)] = &[
    (
        "2/host-header",
        "every HTTP/1.1 client sends Host; the runner's client cannot leave it out",
    ),
    (
        "4/accounts",
        "the runner cannot create accounts on the device; the declaration holds at most five",
    ),
    (
        "5.26/event/LoginBlocked",
        "raising it means tripping the device's login blocking, which the runner's budget of failed logins never does",
    ),
    (
        "5.24/privilege/LoginBlocked",
        "raising it means tripping the device's login blocking, which the runner's budget of failed logins never does",
    ),
    (
        "5.22/display-image/blob-video",
        "needs a model with a video display and a video file the device accepts; no case uploads a video",
    ),
    (
        "5.22/display-image/duration",
        "how long an image stays is seen on the display alone, not through the API",
    ),
    (
        "5.22/display-image/repeat",
        "how often a video repeats is seen on the display alone, not through the API",
    ),
    ("5.16/call-dial/post", POST_BY_GET),
    ("5.17/call-answer/post", POST_BY_GET),
    ("5.18/call-hangup/post", POST_BY_GET),
    ("5.25/log-unsubscribe/post", POST_BY_GET),
    ("5.26/log-pull/post", POST_BY_GET),
    ("5.28/email-send", NO_SMTP),
    ("5.28/email-send/get", NO_SMTP),
    ("5.28/email-send/post", NO_SMTP),
    ("5.28/email-send/to", NO_SMTP),
    ("5.28/email-send/subject", NO_SMTP),
    ("4/email.control", NO_SMTP),
    (
        "5.28/email-send/body",
        "what the message holds is seen only by the SMTP server, not through the API",
    ),
    (
        "5.28/email-send/pictureCount",
        "the pictures a message encloses are seen only by the SMTP server, not through the API",
    ),
    (
        "5.28/email-send/timeSpan",
        "the pictures a message encloses are seen only by the SMTP server, not through the API",
    ),
    (
        "5.28/email-send/width",
        "the pictures a message encloses are seen only by the SMTP server, not through the API",
    ),
    (
        "5.28/email-send/height",
        "the pictures a message encloses are seen only by the SMTP server, not through the API",
    ),
];

/// Why POST is not sent to the functions whose valid calls need device state.
const POST_BY_GET: &str = "GET and POST are equivalent (2.1): the models that make this function's valid calls send GET, and POST is judged on every function a single request can call";

/// Why a successful e-mail is not judged.
const NO_SMTP: &str = "sending e-mail needs an SMTP server the device reaches, which the runner does not provide: only the refusals of email/send are judged";

/// Why a box of the privilege table that nothing needs is not tested.
pub const UNUSED_PRIVILEGE: &str = "no function of chapter 5 and no event needs it: no request can tell whether an account holds it";

/// The slug of a function in ids: `switch-ctrl`, `pcap`.
pub fn slug(function: &Function) -> String {
    function.short_path().replace('/', "-")
}

/// The id of a function's requirement: `5.10/switch-ctrl`.
pub fn function_id(function: &Function) -> String {
    format!("{}/{}", function.section.number, slug(function))
}

/// The id of a function's method: `5.10/switch-ctrl/get`.
pub fn method_id(function: &Function, method: Method) -> String {
    format!(
        "{}/{}",
        function_id(function),
        method.as_str().to_lowercase()
    )
}

/// The id of a function's row of the overview table of chapter 5: `5/switch-ctrl`.
pub fn row_id(function: &Function) -> String {
    format!("5/{}", slug(function))
}

/// The id of a parameter: `5.10/switch-ctrl/action`.
pub fn param_id(function: &Function, param: &str) -> String {
    format!("{}/{param}", function_id(function))
}

/// The id of an error code of 2.3: `2.3/error-12`.
pub fn error_id(code: ErrorCode) -> String {
    format!("2.3/error-{}", code.code())
}

/// The id of a box of the privilege table: `4/switch.control`.
pub fn privilege_id(privilege: Privilege) -> String {
    format!("4/{}", privilege.id())
}

/// The id of a service's row of chapter 3: `3/switch`.
pub fn service_id(service: Service) -> String {
    format!("3/{}", service.id())
}

/// The id of an event's fields: `5.26/event/KeyPressed` (`5.24/...` for the two events only
/// the privilege table names).
pub fn event_id(event: &Event) -> String {
    format!("{}/event/{}", event_section(event), event.name)
}

/// The id of an event's row of the privilege table of 5.24: `5.24/privilege/KeyPressed`.
pub fn event_privilege_id(event: &Event) -> String {
    format!("5.24/privilege/{}", event.name)
}

fn event_section(event: &Event) -> &'static str {
    if event.params_documented {
        "5.26"
    } else {
        "5.24"
    }
}

/// The register for these tables: the core and what the tables imply, in the order of the
/// manual's sections.
pub fn register(functions: &[&'static Function], events: &'static [Event]) -> Vec<Requirement> {
    let mut all: Vec<Requirement> = CORE
        .iter()
        .map(|&(id, section, kind, applies_to, text)| Requirement {
            id: id.to_owned(),
            section,
            text: text.to_owned(),
            kind,
            applies_to,
            excused: None,
        })
        .collect();
    all.extend(ErrorCode::ALL.into_iter().map(error));
    all.extend(Privilege::all().map(privilege));
    all.extend(Service::ALL.into_iter().map(service));
    for function in functions {
        of_function(function, &mut all);
    }
    for event in events {
        of_event(event, &mut all);
    }
    for requirement in &mut all {
        requirement.excused = EXCUSED
            .iter()
            .find(|(id, _)| *id == requirement.id)
            .map(|(_, why)| *why);
        if let AppliesTo::Privilege(privilege) = requirement.applies_to
            && !needed(functions, events, privilege)
        {
            requirement.excused = Some(UNUSED_PRIVILEGE);
        }
    }
    // In the manual's order of sections (2, 2.1, ..., 5.9, 5.10, ...), each section's in the
    // order built.
    all.sort_by_key(|r| section_key(r.section));
    all
}

/// A section number as numbers, so that 5.10 comes after 5.9.
fn section_key(section: &str) -> Vec<u32> {
    section.split('.').map(|n| n.parse().unwrap_or(0)).collect()
}

/// Whether some function or event needs `privilege`.
fn needed(functions: &[&Function], events: &[Event], privilege: Privilege) -> bool {
    functions
        .iter()
        .any(|f| f.access.privilege() == Some(privilege))
        || events.iter().any(|e| e.privilege == Some(privilege))
}

/// The register of the crate's own tables, built once.
pub fn requirements() -> &'static [Requirement] {
    static REGISTER: LazyLock<Vec<Requirement>> =
        LazyLock::new(|| register(crate::registry::FUNCTIONS, crate::event::EVENTS));
    &REGISTER
}

/// The requirement with this id in the crate's own register.
pub fn requirement(id: &str) -> Option<&'static Requirement> {
    requirements().iter().find(|r| r.id == id)
}

fn derived(
    id: String,
    section: &'static str,
    kind: Kind,
    applies_to: AppliesTo,
    text: String,
) -> Requirement {
    Requirement {
        id,
        section,
        text,
        kind,
        applies_to,
        excused: None,
    }
}

fn error(code: ErrorCode) -> Requirement {
    derived(
        error_id(code),
        "2.3",
        Kind::TableRow,
        AppliesTo::Error(code),
        format!(
            "{} {}: {}",
            code.code(),
            code.description(),
            code.explanation()
        ),
    )
}

fn privilege(privilege: Privilege) -> Requirement {
    let level = match privilege.level {
        Level::Monitoring => "MONITORING",
        Level::Control => "CONTROL",
    };
    derived(
        privilege_id(privilege),
        "4",
        Kind::TableRow,
        AppliesTo::Privilege(privilege),
        format!("{}: {level}", privilege.group.label()),
    )
}

fn service(service: Service) -> Requirement {
    let security = service.manual_default();
    let transport = match security.transport {
        Transport::Http => "Unsecure (TCP)",
        Transport::Https => "Secure (TLS)",
    };
    let auth = match security.auth {
        Auth::None => "None",
        Auth::Basic => "Basic",
        Auth::Digest => "Digest",
    };
    derived(
        service_id(service),
        "3",
        Kind::TableRow,
        AppliesTo::Service(service),
        format!(
            "{} API: enabled, connection type and authentication set per service (the screenshot: {transport}, {auth})",
            service.name()
        ),
    )
}

/// A function's requirements: what it does, each method, its row of the overview table and
/// each parameter.
fn of_function(function: &'static Function, all: &mut Vec<Requirement>) {
    let section = function.section.number;
    all.push(derived(
        function_id(function),
        section,
        Kind::Must,
        AppliesTo::Function(function.path),
        function.summary.to_owned(),
    ));
    for spec in function.methods {
        all.push(derived(
            method_id(function, spec.method),
            section,
            Kind::Must,
            AppliesTo::Method(function.path, spec.method),
            format!("{} {}", spec.method, function.path),
        ));
    }
    all.push(derived(
        row_id(function),
        "5",
        Kind::TableRow,
        AppliesTo::Function(function.path),
        overview_row(function),
    ));
    for param in function.params {
        all.push(derived(
            param_id(function, param.name),
            section,
            Kind::TableRow,
            AppliesTo::Param {
                function: function.path,
                param: param.name,
            },
            param_row(param),
        ));
    }
}

/// The function's row of chapter 5's table: path, methods, service, privileges, licence.
fn overview_row(function: &Function) -> String {
    let methods: Vec<&str> = function.methods.iter().map(|m| m.method.as_str()).collect();
    let privilege = match function.access {
        crate::access::Access::Privilege(p) | crate::access::Access::Open { table_says: p } => {
            p.to_string()
        }
        crate::access::Access::EventFiltered => "*".to_owned(),
    };
    let licence = if function.licences.is_empty() {
        "No"
    } else {
        "Yes"
    };
    format!(
        "{} | {} | {} | {privilege} | {licence}",
        function.path,
        methods.join("/"),
        function.service.name()
    )
}

/// A parameter as its table says: name, presence, values, description.
fn param_row(param: &Param) -> String {
    let presence = match param.presence {
        Presence::Mandatory | Presence::OneOf { .. } => "mandatory",
        Presence::Optional { .. } => "optional",
    };
    let values = match param.domain {
        Domain::Int { min, max } => format!("{min} to {max}"),
        Domain::Enum(words) => words.join("|"),
        Domain::Text { .. } => "text".to_owned(),
        Domain::EventFilter => "event types".to_owned(),
        Domain::Include => "new|all|-t".to_owned(),
        Domain::Blob { .. } => "blob".to_owned(),
    };
    format!(
        "{} ({presence}, {values}): {}",
        param.name, param.description
    )
}

/// An event's fields, and its row of the privilege table.
fn of_event(event: &'static Event, all: &mut Vec<Requirement>) {
    let fields: Vec<&str> = event.params.iter().map(|f| f.name).collect();
    let text = if fields.is_empty() {
        event.description.to_owned()
    } else {
        format!("{} Params: {}.", event.description, fields.join(", "))
    };
    all.push(derived(
        event_id(event),
        event_section(event),
        Kind::Must,
        AppliesTo::Event(event.name),
        text,
    ));
    let privilege = event
        .privilege
        .map_or_else(|| "None".to_owned(), |p| p.to_string());
    all.push(derived(
        event_privilege_id(event),
        "5.24",
        Kind::TableRow,
        AppliesTo::Event(event.name),
        format!("{}: {privilege}", event.name),
    ));
}
