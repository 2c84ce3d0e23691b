//! `GET`/`POST` `/api/pcap/restart`: manual 5.30 "api pcap restart".

use crate::access::{Access, Group, Licence, Privilege};
use crate::function::{Function, GET_POST_REVERSIBLE, Reply, Section};
use crate::service::Service;
use crate::version::Origin;

pub const FUNCTION: Function = Function {
    path: "/api/pcap/restart",
    section: Section {
        number: "5.30",
        title: "api pcap restart",
    },
    summary: "Deletes all records and restarts the network interface traffic recording.",
    service: Service::System,
    methods: GET_POST_REVERSIBLE,
    access: Access::Privilege(Privilege::control(Group::System)),
    licences: &[Licence::EnhancedIntegration],
    hardware: None,
    origin: Origin::V2_14,
    params: &[],
    replies: &[Reply::json(None)],
    errata: &["pcap-paths", "pcap-recording"],
};
