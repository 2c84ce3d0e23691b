//! `GET`/`POST` `/api/system/status`: manual 5.2 "api system status".

use crate::access::{Access, Group, Licence, Privilege};
use crate::field::{Field, FieldType};
use crate::function::{Function, GET_POST_READ_ONLY, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

const RESULT: &[Field] = &[
    Field::new(
        "systemTime",
        FieldType::U32,
        "Device real time in seconds since 00:00 1.1.1970 (unix time)",
    ),
    Field::new(
        "upTime",
        FieldType::U32,
        "Device operation time since the last restart in seconds",
    ),
];

pub const FUNCTION: Function = Function {
    path: "/api/system/status",
    section: Section {
        number: "5.2",
        title: "api system status",
    },
    summary: "Returns the current intercom status.",
    service: Service::System,
    methods: GET_POST_READ_ONLY,
    access: Access::Privilege(Privilege::control(Group::System)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[],
    replies: &[Reply::json(Some(RESULT))],
    errata: &["system-time", "date-header", "boot-time"],
};
