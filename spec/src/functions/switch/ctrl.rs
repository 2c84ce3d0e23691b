//! `GET`/`POST` `/api/switch/ctrl`: manual 5.10 "api switch ctrl".

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Domain, Function, GET_POST_REVERSIBLE, Param, Reply, Section, When};
use crate::http::MediaType;
use crate::service::Service;
use crate::version::Origin;

/// The `action` parameter.
pub const ACTION: &str = "action";

pub const FUNCTION: Function = Function {
    path: "/api/switch/ctrl",
    section: Section {
        number: "5.10",
        title: "api switch ctrl",
    },
    summary: "Controls the switch statuses: activation, deactivation, state change.",
    service: Service::Switch,
    methods: GET_POST_REVERSIBLE,
    access: Access::Privilege(Privilege::control(Group::Switch)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[
        Param::mandatory(
            super::SWITCH,
            super::SWITCH_DOMAIN,
            "Mandatory switch identifier (typically, 1 to 4). Use also /api/switch/caps to know the exact count of switches.",
        )
        .caps(super::SWITCHES)
        .errata(&["switch-domain"]),
        Param::mandatory(
            ACTION,
            Domain::Enum(&["on", "off", "trigger"]),
            "Mandatory action defining parameter (on – activate switch, off – deactivate switch, trigger – change switch state).",
        ),
        super::super::RESPONSE_PARAM,
    ],
    replies: &[
        Reply::json(None),
        Reply::media(MediaType::Text).when(When::ParamGiven(super::super::RESPONSE)),
    ],
    errata: &["switch-ctrl-disabled"],
};
