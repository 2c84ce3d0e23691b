//! `GET`/`POST` `/api/log/unsubscribe`: manual 5.25 "api log unsubscribe".

use crate::access::Access;
use crate::function::{Function, GET_POST_READ_ONLY, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

pub const FUNCTION: Function = Function {
    path: "/api/log/unsubscribe",
    section: Section {
        number: "5.25",
        title: "api log unsubscribe",
    },
    summary: "Closes the subscription channel with the given identifier; later pulls or unsubscribes with it end with an error.",
    service: Service::Logging,
    methods: GET_POST_READ_ONLY,
    access: Access::EventFiltered,
    licences: &[],
    hardware: None,
    origin: Origin::V2_13,
    params: &[super::ID_PARAM],
    replies: &[Reply::json(None)],
    errata: &["trailing-comma"],
};
