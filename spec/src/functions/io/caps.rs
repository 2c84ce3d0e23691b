//! `GET`/`POST` `/api/io/caps`: manual 5.11 "api io caps".

use crate::access::{Access, Group, Licence, Privilege};
use crate::field::{Field, FieldType};
use crate::function::{Function, GET_POST_READ_ONLY, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

const PORT: &[Field] = &[
    Field::new("port", FieldType::STRING, "Input/output identifier"),
    Field::new(
        "type",
        FieldType::Enum(&["input", "output"]),
        "Type (input - for digital inputs, output - for digital outputs)",
    ),
];

const RESULT: &[Field] = &[Field::new(
    "ports",
    FieldType::Array(&FieldType::Object(PORT)),
    "Port list with current settings; one item when the port parameter is used",
)];

/// The function's path, for the caps references of other functions.
pub const PATH: &str = "/api/io/caps";

pub const FUNCTION: Function = Function {
    path: PATH,
    section: Section {
        number: "5.11",
        title: "api io caps",
    },
    summary: "Returns a list of available hardware inputs and outputs (ports) of the device.",
    service: Service::Io,
    methods: GET_POST_READ_ONLY,
    access: Access::Privilege(Privilege::monitoring(Group::Io)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[super::PORT_FILTER],
    replies: &[Reply::json(Some(RESULT))],
    errata: &["manual-typos"],
};
