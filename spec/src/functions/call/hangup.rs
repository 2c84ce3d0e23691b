//! `GET`/`POST` `/api/call/hangup`: manual 5.18 "api call hangup".

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Domain, Function, GET_POST_REVERSIBLE, Param, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

/// The `reason` parameter.
pub const REASON: &str = "reason";

pub const FUNCTION: Function = Function {
    path: "/api/call/hangup",
    section: Section {
        number: "5.18",
        title: "api call hangup",
    },
    summary: "Hangs up an active incoming or outgoing call.",
    service: Service::PhoneCall,
    methods: GET_POST_REVERSIBLE,
    access: Access::Privilege(Privilege::control(Group::PhoneCall)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[
        super::SESSION_PARAM,
        Param::optional(
            REASON,
            Domain::Enum(&["normal", "rejected", "busy"]),
            "End call reason: normal - normal call end (default value), rejected - call rejection signalling, busy - station busy signalling",
        )
        .default("normal")
        .since(Origin::V2_14),
    ],
    replies: &[Reply::json(None)],
    errata: &[],
};
