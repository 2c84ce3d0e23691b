//! `GET`/`POST` `/api/config/factoryreset`: manual 5.7 "api config factoryreset".

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Function, GET_POST_DESTRUCTIVE, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

pub const FUNCTION: Function = Function {
    path: "/api/config/factoryreset",
    section: Section {
        number: "5.7",
        title: "api config factoryreset",
    },
    summary: "Resets the factory default values for all the intercom parameters, with a delay of approx. 15 s.",
    service: Service::System,
    methods: GET_POST_DESTRUCTIVE,
    access: Access::Privilege(Privilege::control(Group::System)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[],
    replies: &[Reply::json(None)],
    errata: &["config-delay"],
};
