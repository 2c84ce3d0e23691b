//! `GET`/`POST` `/api/email/send`: manual 5.28 "api email send".
//!
//! The manual's parameter table lost its names; erratum `email-param-names` restores them.

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Domain, Function, GET_POST_REVERSIBLE, Param, Reply, Section};
use crate::service::Service;
use crate::value::TextRule;
use crate::version::Origin;

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
            "to",
            Domain::Text {
                rule: TextRule::EmailAddress,
                max_len: 254,
            },
            "Mandatory parameter specifying the delivery address.",
        ),
        Param::mandatory(
            "subject",
            Domain::Text {
                rule: TextRule::Any,
                max_len: 255,
            },
            "Mandatory parameter specifying the subject of the message.",
        ),
        Param::optional(
            "body",
            Domain::Text {
                rule: TextRule::Any,
                max_len: 64 << 10,
            },
            "Optional parameter specifying the contents of the message (including html marks if necessary). If not completed, the message will be delivered without any contents.",
        ),
        Param::optional(
            "pictureCount",
            Domain::Int {
                min: 0,
                max: MAX_PICTURES,
            },
            "Optional parameter specifying the count of camera images to be enclosed. If not completed, no images are enclosed. Parameter values: [0, 5].",
        )
        .default("0")
        .errata(&["email-picture-resolution"]),
        Param::optional(
            "timeSpan",
            Domain::U32,
            "Optional parameter specifying the timespan in seconds of the snapshots enclosed to the email. Default value: 0.",
        )
        .default("0")
        .errata(&["email-picture-time"]),
        Param::optional(
            "width",
            Domain::Int { min: 1, max: 4096 },
            "Optional parameter specifying the width of the camera images to be enclosed; it must comply with one of the supported options (see api/camera/caps).",
        )
        .caps(super::super::camera::RESOLUTION_WIDTH)
        .since(Origin::V2_15)
        .errata(&["email-picture-resolution"]),
        Param::optional(
            "height",
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
