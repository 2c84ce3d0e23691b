//! `GET`/`POST` `/api/io/status`: manual 5.12 "api io status".

use crate::access::{Access, Group, Licence, Privilege};
use crate::field::{Field, FieldType};
use crate::function::{Function, GET_POST_READ_ONLY, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

const PORT: &[Field] = &[
    Field::new("port", FieldType::STRING, "Input/output identifier"),
    Field::new("state", FieldType::BIT, "Current logic state, 0 or 1").errata(&["io-state-type"]),
];

const RESULT: &[Field] = &[Field::new(
    "ports",
    FieldType::Array(&FieldType::Object(PORT)),
    "Port list with current states; one item when the port parameter is used",
)];

pub const FUNCTION: Function = Function {
    path: "/api/io/status",
    section: Section {
        number: "5.12",
        title: "api io status",
    },
    summary: "Returns the current statuses of logic inputs and outputs (ports) of the device.",
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
