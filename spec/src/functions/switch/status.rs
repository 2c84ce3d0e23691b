//! `GET`/`POST` `/api/switch/status`: manual 5.9 "api switch status".

use crate::access::{Access, Group, Licence, Privilege};
use crate::field::{Field, FieldType};
use crate::function::{Function, GET_POST_READ_ONLY, Reply, Section};
use crate::later;
use crate::service::Service;
use crate::version::Origin;

const SWITCH: &[Field] = &[
    Field::new(
        "switch",
        FieldType::Int { min: 1, max: 4 },
        "Switch Id (1 to 4)",
    ),
    Field::new("active", FieldType::Bool, "Current switch state"),
    Field::new(
        "locked",
        FieldType::Bool,
        "Switch locked against activation",
    )
    .since(later::SWITCH_STATUS_2_36),
    Field::new("held", FieldType::Bool, "Switch held in its state")
        .since(later::SWITCH_STATUS_2_36),
    Field::new(
        "holdTimeout",
        FieldType::U32,
        "When a held switch is released",
    )
    .absent_when("the switch is not held")
    .since(later::SWITCH_STATUS_2_36),
];

const RESULT: &[Field] = &[Field::new(
    "switches",
    FieldType::Array(&FieldType::Object(SWITCH)),
    "Switch list with current statuses; one item when the switch parameter is used",
)
.errata(&["switch-status-extra"])];

pub const FUNCTION: Function = Function {
    path: "/api/switch/status",
    section: Section {
        number: "5.9",
        title: "api switch status",
    },
    summary: "Returns the current switch statuses, of one switch or of all.",
    service: Service::Switch,
    methods: GET_POST_READ_ONLY,
    access: Access::Privilege(Privilege::monitoring(Group::Switch)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[super::SWITCH_FILTER],
    replies: &[Reply::json(Some(RESULT))],
    errata: &[],
};
