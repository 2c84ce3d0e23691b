//! The 2N Helios IP HTTP API, as its manual (firmware 2.21) defines it, held as data.
//!
//! Everything else in the workspace is derived from this crate: the reference intercom's routes
//! and checks, the conformance runner's cases, the OpenAPI document and the documentation. It
//! does no IO and has no dependencies.
//!
//! - [`FUNCTIONS`]: the 31 functions of chapter 5, one module each under [`functions`], the
//!   module path mirroring the URL;
//! - [`ErrorCode`]: the error codes of 2.3;
//! - [`Service`], [`Privilege`], [`Licence`]: the security model of chapters 3 and 4;
//! - [`EVENTS`]: the event types of the logging service;
//! - [`ERRATA`]: the register of the manual's contradictions and silences, with rulings;
//! - [`requirements`]: the register of the manual's requirements, each with a stable id that
//!   conformance cases cite;
//! - [`audit`]: the checks that keep all of it consistent.

pub mod access;
pub mod audit;
pub mod errata;
pub mod error;
pub mod event;
pub mod field;
pub mod function;
pub mod functions;
pub mod http;
pub mod later;
pub mod registry;
pub mod requirements;
pub mod service;
pub mod value;
pub mod version;

pub use access::{Access, Group, Hardware, Level, Licence, MAX_ACCOUNTS, Privilege};
pub use errata::{Departure, ERRATA, Erratum, erratum};
pub use error::{ErrorCode, SUCCESS_STATUS};
pub use event::{COMMON_FIELDS, Condition, EVENTS, Event, event};
pub use field::{Field, FieldType, LaterValue};
pub use function::{
    API_PREFIX, CapsRef, Domain, Function, LaterDomain, MethodSpec, Param, Presence, Reply,
    Section, When,
};
pub use http::{BlobFormat, MediaType, Method, Tier};
pub use registry::{FUNCTIONS, Route, function, function_named, functions_of, route};
pub use service::{Auth, Security, Service, Transport};
pub use value::TextRule;
pub use version::{Origin, Version};

/// The version of the manual this crate transcribes.
pub const MANUAL_VERSION: Version = Version::MANUAL;
