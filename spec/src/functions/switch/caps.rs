//! `GET`/`POST` `/api/switch/caps`: manual 5.8 "api switch caps".

use crate::access::{Access, Group, Licence, Privilege};
use crate::field::{Field, FieldType};
use crate::function::{Function, GET_POST_READ_ONLY, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

const SWITCH: &[Field] = &[
    Field::new(
        "switch",
        FieldType::Int { min: 1, max: 4 },
        "Switch Id (1 to 4)",
    ),
    Field::new(
        "enabled",
        FieldType::Bool,
        "Switch control enabled in the configuration web interface",
    ),
    Field::new(
        "mode",
        FieldType::Enum(&["monostable", "bistable"]),
        "Selected switch mode (monostable, bistable)",
    )
    .absent_when("the switch is disabled"),
    Field::new(
        "switchOnDuration",
        FieldType::U32,
        "Switch activation time in seconds (for monostable mode only)",
    )
    .absent_when("the switch is disabled or bistable"),
    Field::new(
        "type",
        FieldType::Enum(&["normal", "security"]),
        "Switch type (normal, security)",
    )
    .absent_when("the switch is disabled")
    .errata(&["security-switch"]),
];

const RESULT: &[Field] = &[Field::new(
    "switches",
    FieldType::Array(&FieldType::Object(SWITCH)),
    "Switch list with current settings; one item when the switch parameter is used",
)];

/// The function's path, for the caps references of other functions.
pub const PATH: &str = "/api/switch/caps";

pub const FUNCTION: Function = Function {
    path: PATH,
    section: Section {
        number: "5.8",
        title: "api switch caps",
    },
    summary: "Returns the current switch settings and control options, of one switch or of all.",
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
