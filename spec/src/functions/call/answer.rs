//! `GET`/`POST` `/api/call/answer`: manual 5.17 "api call answer".

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Function, GET_POST_REVERSIBLE, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

pub const FUNCTION: Function = Function {
    path: "/api/call/answer",
    section: Section {
        number: "5.17",
        title: "api call answer",
    },
    summary: "Answers an active incoming call (in the ringing state).",
    service: Service::PhoneCall,
    methods: GET_POST_REVERSIBLE,
    access: Access::Privilege(Privilege::control(Group::PhoneCall)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[super::SESSION_PARAM],
    replies: &[Reply::json(None)],
    errata: &["call-answer-state"],
};
