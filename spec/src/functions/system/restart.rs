//! `GET`/`POST` `/api/system/restart`: manual 5.3 "api system restart".

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Function, GET_POST_REBOOT, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

pub const FUNCTION: Function = Function {
    path: "/api/system/restart",
    section: Section {
        number: "5.3",
        title: "api system restart",
    },
    summary: "Restarts the intercom.",
    service: Service::System,
    methods: GET_POST_REBOOT,
    access: Access::Privilege(Privilege::control(Group::System)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[],
    replies: &[Reply::json(None)],
    errata: &["restart-order"],
};
