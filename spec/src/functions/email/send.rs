//! `GET`/`POST` `/api/email/send`: manual 5.28 "api email send".
//!
//! The manual's parameter table lost its names; erratum `email-param-names` restores them.

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Domain, Function, GET_POST_REVERSIBLE, Param, Reply, Section};
use crate::service::Service;
use crate::value::TextRule;
use crate::version::Origin;

/// The `to` parameter.
pub const TO: &str = "to";
/// The `subject` parameter.
pub const SUBJECT: &str = "subject";
/// The `body` parameter.
pub const BODY: &str = "body";
/// The `pictureCount` parameter.
pub const PICTURE_COUNT: &str = "pictureCount";
/// The `timeSpan` parameter.
pub const TIME_SPAN: &str = "timeSpan";
/// The `width` parameter.
pub const WIDTH: &str = "width";
/// The `height` parameter.
pub const HEIGHT: &str = "height";

/// The most camera images one e-mail carries.
pub const MAX_PICTURES: i64 = 5;

pub const FUNCTION: Function = Function {
    path: "/api/email/send",
    section: Section {
        number: "5.28",
        title: "api email send",
    },
    summary: "Sends an e-mail to the required address through the device's configured SMTP service, optionally with camera images.",
    service: Service::Email,
    methods: GET_POST_REVERSIBLE,
    access: Access::Privilege(Privilege::control(Group::Email)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_14,
    params: &[
        Param::mandatory(
            TO,
            Domain::Text {
                rule: TextRule::EmailAddress,
                max_len: 254,
            },
            "Mandatory parameter specifying the delivery address.",
        ),
        Param::mandatory(
            SUBJECT,
            Domain::Text {
                rule: TextRule::Any,
                max_len: 255,
            },
            "Mandatory parameter specifying the subject of the message.",
        ),
        Param::optional(
            BODY,
            Domain::Text {
                rule: TextRule::Any,
                max_len: 64 << 10,
            },
            "Optional parameter specifying the contents of the message (including html marks if necessary). If not completed, the message will be delivered without any contents.",
        ),
        Param::optional(
            PICTURE_COUNT,
            Domain::Int {
                min: 0,
                max: MAX_PICTURES,
            },
            "Optional parameter specifying the count of camera images to be enclosed. If not completed, no images are enclosed. Parameter values: [0, 5].",
        )
        .default("0")
        .errata(&["email-picture-resolution"]),
        Param::optional(
            TIME_SPAN,
            Domain::U32,
            "Optional parameter specifying the timespan in seconds of the snapshots enclosed to the email. Default value: 0.",
        )
        .default("0")
        .errata(&["email-picture-time"]),
        Param::optional(
            WIDTH,
            Domain::Int { min: 1, max: 4096 },
            "Optional parameter specifying the width of the camera images to be enclosed; it must comply with one of the supported options (see api/camera/caps).",
        )
        .caps(super::super::camera::RESOLUTION_WIDTH)
        .since(Origin::V2_15)
        .errata(&["email-picture-resolution"]),
        Param::optional(
            HEIGHT,
            Domain::Int { min: 1, max: 4096 },
            "Optional parameter specifying the height of the camera images to be enclosed; it must comply with one of the supported options (see api/camera/caps).",
        )
        .caps(super::super::camera::RESOLUTION_HEIGHT)
        .since(Origin::V2_15)
        .errata(&["email-picture-resolution"]),
    ],
    replies: &[Reply::json(None)],
    errata: &["email-param-names", "email-smtp-failure", "size-limits"],
};
