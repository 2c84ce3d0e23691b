//! `GET`/`POST` `/api/io/ctrl`: manual 5.13 "api io ctrl".

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Domain, Function, GET_POST_REVERSIBLE, Param, Reply, Section, When};
use crate::http::MediaType;
use crate::service::Service;
use crate::version::Origin;

/// The `action` parameter.
pub const ACTION: &str = "action";

pub const FUNCTION: Function = Function {
    path: "/api/io/ctrl",
    section: Section {
        number: "5.13",
        title: "api io ctrl",
    },
    summary: "Controls the statuses of the device logic outputs: activation, deactivation.",
    service: Service::Io,
    methods: GET_POST_REVERSIBLE,
    access: Access::Privilege(Privilege::control(Group::Io)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[
        Param::mandatory(
            super::PORT,
            super::PORT_DOMAIN,
            "Mandatory I/O identifier. Use also /api/io/caps to get the identifiers of the available inputs and outputs.",
        )
        .caps(super::PORTS)
        .errata(&["io-ctrl-input"]),
        Param::mandatory(
            ACTION,
            Domain::Enum(&["on", "off"]),
            "Mandatory action defining parameter (on – activate output, log. 1, off – deactivate output, log. 0)",
        ),
        super::super::RESPONSE_PARAM,
    ],
    replies: &[
        Reply::json(None),
        Reply::media(MediaType::Text).when(When::ParamGiven(super::super::RESPONSE)),
    ],
    errata: &[],
};
