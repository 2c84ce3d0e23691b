//! `GET`/`POST` `/api/log/caps`: manual 5.23 "api log caps".

use crate::access::Access;
use crate::field::{Field, FieldType};
use crate::function::{Function, GET_POST_READ_ONLY, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

const RESULT: &[Field] = &[Field::new(
    "events",
    FieldType::Array(&FieldType::EventName),
    "Array of strings including a list of supported event types",
)];

pub const FUNCTION: Function = Function {
    path: "/api/log/caps",
    section: Section {
        number: "5.23",
        title: "api log caps",
    },
    summary: "Returns the list of supported event types that are recorded in the device, a subset of the full event type list.",
    service: Service::Logging,
    methods: GET_POST_READ_ONLY,
    access: Access::EventFiltered,
    licences: &[],
    hardware: None,
    origin: Origin::V2_13,
    params: &[],
    replies: &[Reply::json(Some(RESULT))],
    errata: &["log-caps-complete"],
};
