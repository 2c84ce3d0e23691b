//! `GET`/`POST` `/api/camera/snapshot`: manual 5.20 "api camera snapshot".

use crate::access::{Access, Group, Hardware, Privilege};
use crate::function::{CapsRef, Domain, Function, GET_POST_READ_ONLY, Param, Reply, Section, When};
use crate::http::MediaType;
use crate::later;
use crate::service::Service;
use crate::version::Origin;

/// The `width` parameter.
pub const WIDTH: &str = "width";
/// The `height` parameter.
pub const HEIGHT: &str = "height";
/// The `source` parameter.
pub const SOURCE: &str = "source";
/// The `fps` parameter.
pub const FPS: &str = "fps";
/// The `time` parameter.
pub const TIME: &str = "time";

/// How far back the intercom's memory reaches, in seconds (`time`).
pub const MEMORY_SECONDS: i64 = 30;

const SOURCES: CapsRef = CapsRef {
    function: super::caps::PATH,
    list: "sources",
    field: "source",
    paired_with: None,
};

pub const FUNCTION: Function = Function {
    path: "/api/camera/snapshot",
    section: Section {
        number: "5.20",
        title: "api camera snapshot",
    },
    summary: "Downloads images from an internal or external IP camera connected to the intercom: one JPEG, or with fps >= 1 a stream pushed by the server. Errors are JSON.",
    service: Service::Camera,
    methods: GET_POST_READ_ONLY,
    access: Access::Privilege(Privilege::monitoring(Group::Camera)),
    licences: &[],
    hardware: Some(Hardware::Camera),
    origin: Origin::V2_13,
    params: &[
        Param::mandatory(
            WIDTH,
            Domain::Int { min: 1, max: 4096 },
            "Mandatory parameter specifying the horizontal resolution of the JPEG image in pixels",
        )
        .caps(super::RESOLUTION_WIDTH)
        .errata(&["snapshot-resolution-param"]),
        Param::mandatory(
            HEIGHT,
            Domain::Int { min: 1, max: 4096 },
            "Mandatory parameter specifying the vertical resolution of the JPEG image in pixels. The snapshot height and width must comply with one of the supported options (see api/camera/caps).",
        )
        .caps(super::RESOLUTION_HEIGHT)
        .errata(&["snapshot-resolution-param"]),
        Param::optional(
            SOURCE,
            Domain::Enum(&["internal", "external"]),
            "Optional parameter defining the video source (internal – internal camera, external – external IP camera). If the parameter is not included, the default video source is selected.",
        )
        .caps(SOURCES),
        Param::optional(
            FPS,
            Domain::U32,
            "Optional parameter defining the frame rate. If the parameter is set to >= 1, the intercom sends images at the set frame rate using the http server push method.",
        )
        .later_domain(Domain::Int { min: 0, max: 15 }, later::FIRMWARE_2_50)
        .errata(&["fps-range"]),
        Param::optional(
            TIME,
            Domain::Int {
                min: -MEMORY_SECONDS,
                max: 0,
            },
            "Optional parameter defining the snapshot time in the intercom memory: <-30, 0> seconds. When used together with fps, fps is ignored and a single frame is returned.",
        )
        .errata(&["snapshot-time-before-start"])
        .of_state("a frame in memory, which reaches back no further than the device's uptime"),
    ],
    replies: &[
        Reply::media(MediaType::Jpeg),
        Reply::media(MediaType::MixedReplace).when(When::ParamAtLeast {
            param: FPS,
            min: 1,
            unless: TIME,
        }),
    ],
    errata: &["mjpeg-framing"],
};
