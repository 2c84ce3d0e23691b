//! `GET`/`POST` `/api/config/factoryreset`: manual 5.7 "api config factoryreset".

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Function, MethodSpec, Reply, Section};
use crate::http::{Method, Tier};
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
    methods: &[
        MethodSpec::new(Method::Get, Tier::Destructive),
        MethodSpec::new(Method::Post, Tier::Destructive),
    ],
    access: Access::Privilege(Privilege::control(Group::System)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[],
    replies: &[Reply::json(None)],
    errata: &[],
};
