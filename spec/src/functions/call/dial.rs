//! `GET`/`POST` `/api/call/dial`: manual 5.16 "api call dial".

use crate::access::{Access, Group, Licence, Privilege};
use crate::field::{Field, FieldType};
use crate::function::{Domain, Function, GET_POST_REVERSIBLE, Param, Reply, Section};
use crate::service::Service;
use crate::value::TextRule;
use crate::version::Origin;

/// The `number` parameter.
pub const NUMBER: &str = "number";

const RESULT: &[Field] = &[Field::new(
    "session",
    FieldType::U32,
    "Call identifier, used, for example, for call monitoring with /api/call/status or call termination with /api/call/hangup",
)];

pub const FUNCTION: Function = Function {
    path: "/api/call/dial",
    section: Section {
        number: "5.16",
        title: "api call dial",
    },
    summary: "Initiates a new outgoing call to a selected phone number or sip uri.",
    service: Service::PhoneCall,
    methods: GET_POST_REVERSIBLE,
    access: Access::Privilege(Privilege::control(Group::PhoneCall)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[Param::mandatory(
        NUMBER,
        Domain::Text {
            rule: TextRule::DialTarget,
            max_len: 255,
        },
        "Mandatory parameter specifying the destination phone number or sip uri",
    )],
    replies: &[Reply::json(Some(RESULT))],
    errata: &["call-limit"],
};
