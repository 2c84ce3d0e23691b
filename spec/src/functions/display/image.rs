//! `PUT`/`DELETE` `/api/display/image`: manual 5.22 "api display image".
//!
//! The manual describes this function twice, once per model, with different parameters and
//! formats; [`MODELS`] keeps both descriptions and erratum `display-image-models` the ruling.

use crate::access::{Access, Group, Hardware, Licence, Privilege};
use crate::function::{CapsRef, Domain, Function, MethodSpec, Param, Reply, Section};
use crate::http::{BlobFormat, Method, Tier};
use crate::service::Service;
use crate::value::TextRule;
use crate::version::Origin;

/// The `display` parameter.
pub const DISPLAY: &str = "display";
/// The `blob-image` parameter.
pub const BLOB_IMAGE: &str = "blob-image";
/// The `blob-video` parameter.
pub const BLOB_VIDEO: &str = "blob-video";
/// The `duration` parameter.
pub const DURATION: &str = "duration";
/// The `repeat` parameter.
pub const REPEAT: &str = "repeat";

const DISPLAYS: CapsRef = CapsRef {
    function: super::caps::PATH,
    list: "displays",
    field: "display",
    paired_with: None,
};

/// What one model's display accepts, as the two halves of 5.22 describe it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DisplayModel {
    /// The `variant` a device of this model reports in `system/info`.
    pub variant: &'static str,
    /// The display identifier of the manual's examples.
    pub example_display: &'static str,
    pub image_formats: &'static [BlobFormat],
    /// Video formats; empty when the model takes images only.
    pub video_formats: &'static [BlobFormat],
    /// The image and video size in pixels; `None` where the manual defers to `display/caps`.
    pub size: Option<(u32, u32)>,
    /// Longest video, in seconds, and its highest frame rate.
    pub video_limits: Option<(u32, u32)>,
}

/// The two models 5.22 describes.
pub const MODELS: &[DisplayModel] = &[
    DisplayModel {
        variant: "2N Helios IP Verso",
        example_display: "ext1",
        image_formats: &[BlobFormat::Jpeg, BlobFormat::Bmp, BlobFormat::Png],
        video_formats: &[BlobFormat::Mpeg4, BlobFormat::H264],
        size: Some((214, 240)),
        video_limits: Some((60, 15)),
    },
    DisplayModel {
        variant: "2N Helios IP Vario",
        example_display: "internal",
        image_formats: &[BlobFormat::Gif],
        video_formats: &[],
        size: None,
        video_limits: None,
    },
];

const PUT: &[Method] = &[Method::Put];

pub const FUNCTION: Function = Function {
    path: "/api/display/image",
    section: Section {
        number: "5.22",
        title: "api display image",
    },
    summary: "Uploads an image or video to a display (PUT) or deletes an earlier uploaded one (DELETE). Available only when the standard display function is disabled.",
    service: Service::Display,
    methods: &[
        MethodSpec::new(Method::Put, Tier::Reversible),
        MethodSpec::new(Method::Delete, Tier::Reversible),
    ],
    access: Access::Privilege(Privilege::control(Group::Display)),
    licences: &[Licence::EnhancedIntegration],
    hardware: Some(Hardware::Display),
    origin: Origin::V2_13,
    params: &[
        Param::mandatory(
            DISPLAY,
            Domain::Text {
                rule: TextRule::Any,
                max_len: 64,
            },
            "Mandatory display identifier. Find the value in Hardware/Extending modules/Module name or using /api/display/caps.",
        )
        .caps(DISPLAYS),
        Param::one_of(
            BLOB_IMAGE,
            "content",
            Domain::Blob {
                formats: &[
                    BlobFormat::Gif,
                    BlobFormat::Jpeg,
                    BlobFormat::Bmp,
                    BlobFormat::Png,
                ],
                max_len: 2 << 20,
            },
            "An image with the display resolution, in a format the model supports. The request may contain just one parameter: blob-image or blob-video.",
        )
        .only(PUT),
        Param::one_of(
            BLOB_VIDEO,
            "content",
            Domain::Blob {
                formats: &[BlobFormat::Mpeg4, BlobFormat::H264],
                max_len: 32 << 20,
            },
            "An MPEG4 / H264 video of the maximum duration of 60 s, maximum of 15 fps and the display resolution. The request may contain just one parameter: blob-image or blob-video.",
        )
        .only(PUT),
        Param::optional(
            DURATION,
            Domain::U32,
            "Optional parameter. Image display / video playing time in milliseconds.",
        )
        .only(PUT),
        Param::optional(
            REPEAT,
            Domain::U32,
            "Optional parameter. Video playing repetition count. The parameter applies to video only.",
        )
        .only(PUT),
    ],
    replies: &[Reply::json(None)],
    errata: &[
        "display-image-models",
        "display-image-standard-display",
        "display-image-lifetime",
        "size-limits",
        "display-effect",
    ],
};
