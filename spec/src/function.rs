//! The shape of one API function: its path, methods, access rules, parameters and replies.
//!
//! Every function of chapter 5 is one `const FUNCTION: Function` in `functions/`, built from the
//! types here. They are plain data: the device's routes and checks, the runner's cases, the
//! OpenAPI document and the documentation are all derived from them.

use crate::access::{Access, Hardware, Licence};
use crate::field::{Field, FieldType};
use crate::http::{BlobFormat, MediaType, Method, Tier};
use crate::service::Service;
use crate::value::TextRule;
use crate::version::Origin;

/// The prefix of every function's path (chapter 2).
pub const API_PREFIX: &str = "/api";

/// The manual's section a definition comes from, such as `5.10 api switch ctrl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    pub number: &'static str,
    pub title: &'static str,
}

/// One method a function accepts, and how much a call with it can change on the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodSpec {
    pub method: Method,
    pub tier: Tier,
}

impl MethodSpec {
    pub const fn new(method: Method, tier: Tier) -> Self {
        Self { method, tier }
    }
}

/// GET and POST, both read-only: most functions that only read.
pub const GET_POST_READ_ONLY: &[MethodSpec] = &[
    MethodSpec::new(Method::Get, Tier::ReadOnly),
    MethodSpec::new(Method::Post, Tier::ReadOnly),
];

/// GET and POST, both reversible: control functions.
pub const GET_POST_REVERSIBLE: &[MethodSpec] = &[
    MethodSpec::new(Method::Get, Tier::Reversible),
    MethodSpec::new(Method::Post, Tier::Reversible),
];

/// GET and POST, both restarting the device.
pub const GET_POST_REBOOT: &[MethodSpec] = &[
    MethodSpec::new(Method::Get, Tier::Reboot),
    MethodSpec::new(Method::Post, Tier::Reboot),
];

/// GET and POST, both losing data for good.
pub const GET_POST_DESTRUCTIVE: &[MethodSpec] = &[
    MethodSpec::new(Method::Get, Tier::Destructive),
    MethodSpec::new(Method::Post, Tier::Destructive),
];

/// An API function.
#[derive(Clone, Copy, Debug)]
pub struct Function {
    /// The absolute path, `/api` included.
    pub path: &'static str,
    pub section: Section,
    /// What the function does, in the manual's words.
    pub summary: &'static str,
    pub service: Service,
    pub methods: &'static [MethodSpec],
    pub access: Access,
    /// Every licence the function needs; empty when the table says "No".
    pub licences: &'static [Licence],
    /// Hardware the model must have, or the function answers error 1.
    pub hardware: Option<Hardware>,
    pub origin: Origin,
    pub params: &'static [Param],
    pub replies: &'static [Reply],
    /// Ids of the errata entries that rule on this function.
    pub errata: &'static [&'static str],
}

impl Function {
    /// The path without the `/api/` prefix: `switch/ctrl`.
    pub fn short_path(&self) -> &'static str {
        self.path
            .strip_prefix(API_PREFIX)
            .and_then(|rest| rest.strip_prefix('/'))
            .unwrap_or(self.path)
    }

    /// The manual-derived name used in code and case ids: `switch_ctrl`, `config_factoryreset`.
    pub fn name(&self) -> String {
        self.short_path().replace('/', "_")
    }

    pub fn allows(&self, method: Method) -> bool {
        self.methods.iter().any(|spec| spec.method == method)
    }

    /// The tier of a call with `method`, if the function accepts it.
    pub fn tier(&self, method: Method) -> Option<Tier> {
        self.methods
            .iter()
            .find(|spec| spec.method == method)
            .map(|spec| spec.tier)
    }

    /// The highest tier of any of its methods.
    pub fn max_tier(&self) -> Tier {
        self.methods
            .iter()
            .map(|spec| spec.tier)
            .max()
            .unwrap_or(Tier::ReadOnly)
    }

    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|param| param.name == name)
    }

    /// The parameters that apply to a call with `method`.
    pub fn params_for(&self, method: Method) -> impl Iterator<Item = &'static Param> {
        self.params
            .iter()
            .filter(move |param| param.applies_to(method))
    }

    /// The replies a call with `method` can produce, errors aside.
    pub fn replies_for(&self, method: Method) -> impl Iterator<Item = &'static Reply> {
        self.replies
            .iter()
            .filter(move |reply| reply.methods.is_empty() || reply.methods.contains(&method))
    }
}

/// A request parameter (2.2).
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub description: &'static str,
    /// The methods the parameter applies to; empty for every method of the function.
    pub methods: &'static [Method],
    pub presence: Presence,
    pub domain: Domain,
    /// Where the valid values come from on the device itself, when a caps reply lists them.
    pub caps: Option<CapsRef>,
    /// The version that introduced the parameter; `None` when it is as old as its function.
    pub origin: Option<Origin>,
    /// A narrower domain that later firmware enforces, outside the 2.21 manual.
    pub later_domain: Option<LaterDomain>,
    pub errata: &'static [&'static str],
    /// What a valid value must name that the device holds at the time (an active call, an open
    /// channel, a frame in memory): no value drawn from the domain alone is sure to be valid.
    pub state: Option<&'static str>,
}

impl Param {
    const fn new(
        name: &'static str,
        presence: Presence,
        domain: Domain,
        description: &'static str,
    ) -> Self {
        Self {
            name,
            description,
            methods: &[],
            presence,
            domain,
            caps: None,
            origin: None,
            later_domain: None,
            errata: &[],
            state: None,
        }
    }

    pub const fn mandatory(name: &'static str, domain: Domain, description: &'static str) -> Self {
        Self::new(name, Presence::Mandatory, domain, description)
    }

    pub const fn optional(name: &'static str, domain: Domain, description: &'static str) -> Self {
        Self::new(
            name,
            Presence::Optional { default: None },
            domain,
            description,
        )
    }

    /// Mandatory as one of a group: a request carries exactly one parameter of `group`.
    pub const fn one_of(
        name: &'static str,
        group: &'static str,
        domain: Domain,
        description: &'static str,
    ) -> Self {
        Self::new(name, Presence::OneOf { group }, domain, description)
    }

    pub const fn default(mut self, value: &'static str) -> Self {
        self.presence = Presence::Optional {
            default: Some(value),
        };
        self
    }

    pub const fn only(mut self, methods: &'static [Method]) -> Self {
        self.methods = methods;
        self
    }

    pub const fn caps(mut self, caps: CapsRef) -> Self {
        self.caps = Some(caps);
        self
    }

    pub const fn since(mut self, origin: Origin) -> Self {
        self.origin = Some(origin);
        self
    }

    /// The version that introduced the parameter of `function`.
    pub const fn origin_in(&self, function: &Function) -> Origin {
        match self.origin {
            Some(origin) => origin,
            None => function.origin,
        }
    }

    pub const fn later_domain(mut self, domain: Domain, origin: Origin) -> Self {
        self.later_domain = Some(LaterDomain { domain, origin });
        self
    }

    pub const fn errata(mut self, ids: &'static [&'static str]) -> Self {
        self.errata = ids;
        self
    }

    /// Valid values name `what` the device holds at the time.
    pub const fn of_state(mut self, what: &'static str) -> Self {
        self.state = Some(what);
        self
    }

    /// Large data parameters start with `blob-` and travel only in multipart bodies (2.2).
    pub fn is_blob(&self) -> bool {
        self.name.starts_with("blob-")
    }

    pub fn applies_to(&self, method: Method) -> bool {
        self.methods.is_empty() || self.methods.contains(&method)
    }

    pub const fn is_mandatory(&self) -> bool {
        matches!(self.presence, Presence::Mandatory)
    }
}

/// Whether a parameter must be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Mandatory,
    /// When absent the device behaves as if `default` were given, if there is one.
    Optional {
        default: Option<&'static str>,
    },
    /// Exactly one parameter of the group must be given (`blob-image` or `blob-video`).
    OneOf {
        group: &'static str,
    },
}

/// The values a parameter accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// A decimal integer within the bounds, both included.
    Int { min: i64, max: i64 },
    /// One of the listed words.
    Enum(&'static [&'static str]),
    /// Text of at most `max_len` bytes obeying `rule`.
    Text { rule: TextRule, max_len: usize },
    /// A comma-separated list of event type names (`log/subscribe` `filter`).
    EventFilter,
    /// `new`, `all`, or `-t` for the last t seconds (`log/subscribe` `include`).
    Include,
    /// Binary data of at most `max_len` bytes in one of the formats.
    Blob {
        formats: &'static [BlobFormat],
        max_len: usize,
    },
}

impl Domain {
    /// An unsigned 32-bit number, as the manual's `uint32`.
    pub const U32: Self = Self::Int {
        min: 0,
        max: u32::MAX as i64,
    };

    /// The most bytes a value of this domain may have; larger values answer error 13. The manual
    /// gives no limits: erratum `size-limits` records how these were chosen.
    pub const fn max_len(&self) -> usize {
        match *self {
            Self::Int { .. } => 32,
            Self::Enum(_) | Self::Include => 64,
            Self::Text { max_len, .. } | Self::Blob { max_len, .. } => max_len,
            Self::EventFilter => 2048,
        }
    }

    pub const fn json_type(&self) -> FieldType {
        match *self {
            Self::Int { min, max } => FieldType::Int { min, max },
            Self::Enum(values) => FieldType::Enum(values),
            Self::Text { rule, .. } => FieldType::Text(rule),
            Self::EventFilter | Self::Include | Self::Blob { .. } => FieldType::Text(TextRule::Any),
        }
    }
}

/// A narrower domain enforced from a later firmware on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaterDomain {
    pub domain: Domain,
    pub origin: Origin,
}

/// A place in a caps reply that lists the values a parameter may take on this device, such as
/// `switch/caps` `switches[].switch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapsRef {
    /// The caps function's path.
    pub function: &'static str,
    /// The array in its result.
    pub list: &'static str,
    /// The field of each item.
    pub field: &'static str,
    /// Another parameter whose value must come from the same item (`width` with `height`).
    pub paired_with: Option<&'static str>,
}

/// A successful reply a function can produce.
#[derive(Clone, Copy, Debug)]
pub struct Reply {
    /// The methods it answers; empty for every method.
    pub methods: &'static [Method],
    pub when: When,
    pub media: MediaType,
    /// The fields of `result` for JSON replies; `None` when the reply has no `result`.
    pub result: Option<&'static [Field]>,
}

impl Reply {
    /// A JSON reply, with `result` holding `fields` or none at all.
    pub const fn json(result: Option<&'static [Field]>) -> Self {
        Self {
            methods: &[],
            when: When::Default,
            media: MediaType::Json,
            result,
        }
    }

    /// A reply that is not JSON.
    pub const fn media(media: MediaType) -> Self {
        Self {
            methods: &[],
            when: When::Default,
            media,
            result: None,
        }
    }

    pub const fn only(mut self, methods: &'static [Method]) -> Self {
        self.methods = methods;
        self
    }

    pub const fn when(mut self, when: When) -> Self {
        self.when = when;
        self
    }
}

/// When a reply is sent instead of the function's default one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Default,
    /// The parameter is present, even empty (`response`).
    ParamGiven(&'static str),
    /// The parameter is at least `min` and `unless` is absent (`fps` >= 1 without `time`).
    ParamAtLeast {
        param: &'static str,
        min: i64,
        unless: &'static str,
    },
}
