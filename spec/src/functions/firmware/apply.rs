//! `GET`/`POST` `/api/firmware/apply`: manual 5.5 "api firmware apply".

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Function, GET_POST_REBOOT, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

pub const FUNCTION: Function = Function {
    path: "/api/firmware/apply",
    section: Section {
        number: "5.5",
        title: "api firmware apply",
    },
    summary: "Confirms an earlier firmware upload (PUT /api/firmware) and restarts the device.",
    service: Service::System,
    methods: GET_POST_REBOOT,
    access: Access::Privilege(Privilege::control(Group::System)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[],
    replies: &[Reply::json(None)],
    errata: &["firmware-apply-without-upload", "restart-order"],
};
