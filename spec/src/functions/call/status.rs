//! `GET`/`POST` `/api/call/status`: manual 5.15 "api call status".

use crate::access::{Access, Group, Licence, Privilege};
use crate::field::{Field, FieldType};
use crate::function::{Domain, Function, GET_POST_READ_ONLY, Param, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

const SESSION_FIELDS: &[Field] = &[
    Field::new("session", FieldType::U32, "Call identifier"),
    Field::new(
        "direction",
        FieldType::Enum(&["incoming", "outgoing"]),
        "Call direction (incoming, outgoing)",
    ),
    Field::new(
        "state",
        FieldType::Enum(&["connecting", "ringing", "connected"]),
        "Call state (connecting, ringing, connected)",
    ),
];

const RESULT: &[Field] = &[Field::new(
    "sessions",
    FieldType::Array(&FieldType::Object(SESSION_FIELDS)),
    "Active calls with their current states; one item when the session parameter is used, empty when there is no active call",
)];

pub const FUNCTION: Function = Function {
    path: "/api/call/status",
    section: Section {
        number: "5.15",
        title: "api call status",
    },
    summary: "Returns the current states of active telephone calls.",
    service: Service::PhoneCall,
    methods: GET_POST_READ_ONLY,
    access: Access::Privilege(Privilege::monitoring(Group::PhoneCall)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[Param::optional(
        super::SESSION,
        Domain::U32,
        "Optional call identifier. If the parameter is not included, the function returns statuses of all the active calls.",
    )
    .errata(&["unknown-session"])
    .of_state("an active call")],
    replies: &[Reply::json(Some(RESULT))],
    errata: &[],
};
