//! `GET`/`POST` `/api/log/pull`: manual 5.26 "api log pull".

use crate::access::Access;
use crate::field::{Field, FieldType};
use crate::function::{Domain, Function, GET_POST_READ_ONLY, Param, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

/// The `timeout` parameter.
pub const TIMEOUT: &str = "timeout";

const RESULT: &[Field] = &[Field::new(
    "events",
    FieldType::Array(&FieldType::EventRecord),
    "Event object array, at most 128; empty if no event occurs during the timeout",
)];

pub const FUNCTION: Function = Function {
    path: "/api/log/pull",
    section: Section {
        number: "5.26",
        title: "api log pull",
    },
    summary: "Reads unread events from the channel queue, in batches of 128. With an empty queue the reply waits until an event arises or the timeout elapses.",
    service: Service::Logging,
    methods: GET_POST_READ_ONLY,
    access: Access::EventFiltered,
    licences: &[],
    hardware: None,
    origin: Origin::V2_13,
    params: &[
        super::ID_PARAM,
        Param::optional(
            TIMEOUT,
            Domain::U32,
            "Reply delay in seconds if the channel queue is empty. The default value 0 means that the intercom shall reply without delay.",
        )
        .default("0")
        .errata(&["pull-timeout-max"]),
    ],
    replies: &[Reply::json(Some(RESULT))],
    errata: &["event-ids", "boot-time", "event-stamp-cause", "event-stamp-order"],
};
