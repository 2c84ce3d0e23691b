//! `GET`/`POST`/`PUT` `/api/config`: manual 5.6 "api config".

pub mod factoryreset;

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Domain, Function, MethodSpec, Param, Reply, Section};
use crate::http::{BlobFormat, MediaType, Method, Tier};
use crate::service::Service;
use crate::version::Origin;

/// The `blob-cfg` parameter.
pub const BLOB_CFG: &str = "blob-cfg";

/// The root element of the configuration document.
pub const ROOT_ELEMENT: &str = "DeviceDatabase";

/// The root element's attribute that carries the document format's version (`4` in 5.6).
pub const VERSION_ATTRIBUTE: &str = "Version";

pub const FUNCTION: Function = Function {
    path: "/api/config",
    section: Section {
        number: "5.6",
        title: "api config",
    },
    summary: "Downloads (GET, POST) or uploads (PUT) the device configuration. An upload takes effect after a delay of approx. 15 s.",
    service: Service::System,
    methods: &[
        MethodSpec::new(Method::Get, Tier::ReadOnly),
        MethodSpec::new(Method::Post, Tier::ReadOnly),
        MethodSpec::new(Method::Put, Tier::Config),
    ],
    access: Access::Privilege(Privilege::control(Group::System)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_13,
    params: &[Param::mandatory(
        BLOB_CFG,
        Domain::Blob {
            formats: &[BlobFormat::ConfigXml],
            max_len: 4 << 20,
        },
        "Mandatory parameter including device configuration (XML)",
    )
    .only(&[Method::Put])],
    replies: &[
        Reply::media(MediaType::Xml).only(&[Method::Get, Method::Post]),
        Reply::json(None).only(&[Method::Put]),
    ],
    errata: &[
        "size-limits",
        "config-upload",
        "config-delay",
        "config-passwords",
    ],
};
