//! `GET`/`POST` `/api/display/caps`: manual 5.21 "api display caps".

use crate::access::{Access, Group, Hardware, Licence, Privilege};
use crate::field::{Field, FieldType};
use crate::function::{Function, GET_POST_READ_ONLY, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

const RESOLUTION: &[Field] = &[
    Field::new("width", FieldType::U32, "Display width in pixels"),
    Field::new("height", FieldType::U32, "Display height in pixels"),
];

const DISPLAY: &[Field] = &[
    Field::new("display", FieldType::STRING, "Display identifier"),
    Field::new(
        "resolution",
        FieldType::Object(RESOLUTION),
        "Display resolution in pixels",
    )
    .errata(&["display-caps-shape"]),
];

const RESULT: &[Field] = &[Field::new(
    "displays",
    FieldType::Array(&FieldType::Object(DISPLAY)),
    "Available displays",
)];

/// The function's path, for the caps references of other functions.
pub const PATH: &str = "/api/display/caps";

pub const FUNCTION: Function = Function {
    path: PATH,
    section: Section {
        number: "5.21",
        title: "api display caps",
    },
    summary: "Returns a list of device displays including their properties, for display detection and resolution.",
    service: Service::Display,
    methods: GET_POST_READ_ONLY,
    access: Access::Privilege(Privilege::control(Group::Display)),
    licences: &[Licence::EnhancedIntegration],
    hardware: Some(Hardware::Display),
    origin: Origin::V2_13,
    params: &[],
    replies: &[Reply::json(Some(RESULT))],
    errata: &[],
};
