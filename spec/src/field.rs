//! The fields of JSON results and of events' `params`: a name, a JSON type, when the field may
//! be absent, and the firmware that introduced it and the enumeration values it gained.

use crate::value::TextRule;
use crate::version::Origin;

/// The JSON type of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Bool,
    /// An integer within the bounds, both included.
    Int {
        min: i64,
        max: i64,
    },
    Text(TextRule),
    /// A string that is one of the listed values.
    Enum(&'static [&'static str]),
    /// An object with these fields; fields not listed are allowed (later firmware adds them).
    Object(&'static [Field]),
    /// An object whose members the manual does not describe.
    AnyObject,
    Array(&'static FieldType),
    /// The name of an event type of the spec (`log/caps` `events`).
    EventName,
    /// An event record: the common fields and the event's `params` (`log/pull` `events`).
    EventRecord,
}

impl FieldType {
    /// The manual's `uint32`.
    pub const U32: Self = Self::Int {
        min: 0,
        max: u32::MAX as i64,
    };
    /// The manual's `int32`.
    pub const I32: Self = Self::Int {
        min: i32::MIN as i64,
        max: i32::MAX as i64,
    };
    /// An integer 0 or 1 (`io/status` `state`).
    pub const BIT: Self = Self::Int { min: 0, max: 1 };
    pub const STRING: Self = Self::Text(TextRule::Any);

    /// The JSON Schema `type` keyword.
    pub const fn json_name(&self) -> &'static str {
        match self {
            Self::Bool => "boolean",
            Self::Int { .. } => "integer",
            Self::Text(_) | Self::Enum(_) | Self::EventName => "string",
            Self::Object(_) | Self::AnyObject | Self::EventRecord => "object",
            Self::Array(_) => "array",
        }
    }
}

/// A field of a JSON result, or of an event's `params`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub description: &'static str,
    /// `None` when the field is always present; otherwise when it may be absent.
    pub absent_when: Option<&'static str>,
    /// The version that introduced the field; `None` when it is as old as what holds it.
    pub origin: Option<Origin>,
    /// Values of an enumeration added after the manual.
    pub later_values: &'static [LaterValue],
    pub errata: &'static [&'static str],
}

impl Field {
    pub const fn new(name: &'static str, ty: FieldType, description: &'static str) -> Self {
        Self {
            name,
            ty,
            description,
            absent_when: None,
            origin: None,
            later_values: &[],
            errata: &[],
        }
    }

    pub const fn absent_when(mut self, condition: &'static str) -> Self {
        self.absent_when = Some(condition);
        self
    }

    pub const fn since(mut self, origin: Origin) -> Self {
        self.origin = Some(origin);
        self
    }

    /// The version that introduced the field, given the origin of what holds it.
    pub const fn origin_in(&self, owner: Origin) -> Origin {
        match self.origin {
            Some(origin) => origin,
            None => owner,
        }
    }

    pub const fn later_values(mut self, values: &'static [LaterValue]) -> Self {
        self.later_values = values;
        self
    }

    pub const fn errata(mut self, ids: &'static [&'static str]) -> Self {
        self.errata = ids;
        self
    }

    pub const fn is_optional(&self) -> bool {
        self.absent_when.is_some()
    }
}

/// An enumeration value added after the manual.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaterValue {
    pub value: &'static str,
    pub origin: Origin,
}
