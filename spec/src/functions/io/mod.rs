//! `/api/io/…`: logic inputs and outputs (ports).

pub mod caps;
pub mod ctrl;
pub mod status;

use crate::function::{CapsRef, Domain, Param};
use crate::value::TextRule;

/// The `port` parameter of `io/caps`, `io/status` and `io/ctrl`.
pub const PORT: &str = "port";

/// Where a device lists its ports.
const PORTS: CapsRef = CapsRef {
    function: caps::PATH,
    list: "ports",
    field: "port",
    paired_with: None,
};

/// A port name; the device's own `io/caps` lists the valid ones.
const PORT_DOMAIN: Domain = Domain::Text {
    rule: TextRule::Any,
    max_len: 64,
};

/// The optional `port` of `io/caps` and `io/status`.
const PORT_FILTER: Param = Param::optional(
    PORT,
    PORT_DOMAIN,
    "Optional input/output identifier. Use also /api/io/caps to get identifiers of the available inputs and outputs.",
)
.caps(PORTS)
.errata(&["io-caps-port-case"]);
