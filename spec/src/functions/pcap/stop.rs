//! `GET`/`POST` `/api/pcap/stop`: manual 5.31 "api pcap stop".

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Function, GET_POST_REVERSIBLE, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

pub const FUNCTION: Function = Function {
    path: "/api/pcap/stop",
    section: Section {
        number: "5.31",
        title: "api pcap stop",
    },
    summary: "Stops the network interface traffic recording.",
    service: Service::System,
    methods: GET_POST_REVERSIBLE,
    access: Access::Privilege(Privilege::control(Group::System)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_14,
    params: &[],
    replies: &[Reply::json(None)],
    errata: &["pcap-paths", "manual-typos", "pcap-recording"],
};
