//! What one sequence of the channel model knows of the device: the channels it opened and what
//! each delivered last, and the outputs and switches it set; and the calls that set them.

use std::collections::BTreeMap;

use helios_client::Call;
use helios_spec::functions::{io, switch};
use tokio::time::Instant;

use super::Include;

/// A channel the sequence opened.
#[derive(Debug)]
pub(super) struct Opened {
    pub(super) id: u32,
    pub(super) account: usize,
    pub(super) include: Include,
    pub(super) filter: Vec<String>,
    pub(super) sent: Instant,
    pub(super) received: Instant,
    /// The id of the last event it delivered.
    pub(super) last: u32,
    pub(super) closed: bool,
}

/// What one sequence knows of the device.
#[derive(Debug, Default)]
pub struct KnownChannels {
    pub(super) channels: Vec<Opened>,
    pub(super) outputs: BTreeMap<String, bool>,
    pub(super) switches: BTreeMap<u8, bool>,
}

pub(super) fn output(port: &str, on: bool) -> Call {
    Call::new(&io::ctrl::FUNCTION)
        .param("port", port)
        .param("action", if on { "on" } else { "off" })
}

pub(super) fn bistable(switch: u8, on: bool) -> Call {
    Call::new(&switch::ctrl::FUNCTION)
        .param("switch", switch)
        .param("action", if on { "on" } else { "off" })
}
