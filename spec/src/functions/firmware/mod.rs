//! `PUT` `/api/firmware`: manual 5.4 "api firmware".

pub mod apply;

use crate::access::{Access, Group, Licence, Privilege};
use crate::field::{Field, FieldType};
use crate::function::{Domain, Function, MethodSpec, Param, Reply, Section};
use crate::http::{BlobFormat, Method, Tier};
use crate::service::Service;
use crate::version::Origin;

/// The `blob-fw` parameter.
pub const BLOB_FW: &str = "blob-fw";

const RESULT: &[Field] = &[
    Field::new(
        "version",
        FieldType::STRING,
        "Firmware version to be uploaded",
    ),
    Field::new(
        "downgrade",
        FieldType::Bool,
        "Flag set if the FW to be uploaded is older than the current one",
    ),
];

pub const FUNCTION: Function = Function {
    path: "/api/firmware",
    section: Section {
        number: "5.4",
        title: "api firmware",
    },
    summary: "Uploads a new firmware version to the device. When the upload is complete, use /api/firmware/apply to confirm restart and FW change. A corrupted file or one not intended for the device answers error 12.",
    service: Service::System,
    methods: &[MethodSpec::new(Method::Put, Tier::Destructive)],
    access: Access::Privilege(Privilege::control(Group::System)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[Param::mandatory(
        BLOB_FW,
        Domain::Blob {
            formats: &[BlobFormat::Firmware],
            max_len: 48 << 20,
        },
        "Mandatory parameter including device FW",
    )],
    replies: &[Reply::json(Some(RESULT))],
    errata: &["size-limits", "firmware-image"],
};
