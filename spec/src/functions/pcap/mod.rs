//! `GET`/`POST` `/api/pcap`: manual 5.29 "api pcap".

pub mod restart;
pub mod stop;

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Function, GET_POST_READ_ONLY, Reply, Section};
use crate::http::MediaType;
use crate::service::Service;
use crate::version::Origin;

pub const FUNCTION: Function = Function {
    path: "/api/pcap",
    section: Section {
        number: "5.29",
        title: "api pcap",
    },
    summary: "Downloads the network interface traffic records (a pcap file that opens in Wireshark).",
    service: Service::System,
    methods: GET_POST_READ_ONLY,
    access: Access::Privilege(Privilege::control(Group::System)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_14,
    params: &[],
    replies: &[Reply::media(MediaType::Pcap)],
    errata: &["pcap-paths", "pcap-reply-type", "pcap-recording"],
};
