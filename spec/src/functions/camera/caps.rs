//! `GET`/`POST` `/api/camera/caps`: manual 5.19 "api camera caps".

use crate::access::{Access, Group, Hardware, Privilege};
use crate::field::{Field, FieldType};
use crate::function::{Function, GET_POST_READ_ONLY, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

const RESOLUTION: &[Field] = &[
    Field::new("width", FieldType::U32, "Snapshot width in pixels"),
    Field::new("height", FieldType::U32, "Snapshot height in pixels"),
];

const SOURCE: &[Field] = &[Field::new(
    "source",
    FieldType::STRING,
    "Video source identifier",
)];

const RESULT: &[Field] = &[
    Field::new(
        "jpegResolution",
        FieldType::Array(&FieldType::Object(RESOLUTION)),
        "Supported resolutions of JPEG snapshots",
    ),
    Field::new(
        "sources",
        FieldType::Array(&FieldType::Object(SOURCE)),
        "Available video sources",
    ),
];

/// The function's path, for the caps references of other functions.
pub const PATH: &str = "/api/camera/caps";

pub const FUNCTION: Function = Function {
    path: PATH,
    section: Section {
        number: "5.19",
        title: "api camera caps",
    },
    summary: "Returns a list of available video sources and resolution options for JPEG snapshots to be downloaded via /api/camera/snapshot.",
    service: Service::Camera,
    methods: GET_POST_READ_ONLY,
    access: Access::Privilege(Privilege::monitoring(Group::Camera)),
    licences: &[],
    hardware: Some(Hardware::Camera),
    origin: Origin::V2_13,
    params: &[],
    replies: &[Reply::json(Some(RESULT))],
    errata: &[],
};
