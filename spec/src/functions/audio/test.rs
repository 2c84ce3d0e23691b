//! `GET`/`POST` `/api/audio/test`: manual 5.27 "api audio test".

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Function, GET_POST_REVERSIBLE, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

pub const FUNCTION: Function = Function {
    path: "/api/audio/test",
    section: Section {
        number: "5.27",
        title: "api audio test",
    },
    summary: "Launches an automatic test of the built-in microphone and speaker; the result is logged as an AudioLoopTest event.",
    service: Service::Audio,
    methods: GET_POST_REVERSIBLE,
    access: Access::Privilege(Privilege::control(Group::Audio)),
    licences: &[Licence::EnhancedIntegration, Licence::EnhancedAudio],
    hardware: None,
    origin: Origin::V2_14,
    params: &[],
    replies: &[Reply::json(None)],
    errata: &["audio-test-overlap"],
};
