//! `/api/switch/…`: switch settings, states and control (door locks and the like).

pub mod caps;
pub mod ctrl;
pub mod status;

use crate::function::{CapsRef, Domain, Param};

/// The `switch` parameter of `switch/caps`, `switch/status` and `switch/ctrl`.
pub const SWITCH: &str = "switch";

/// Where a device lists its switches.
const SWITCHES: CapsRef = CapsRef {
    function: caps::PATH,
    list: "switches",
    field: "switch",
    paired_with: None,
};

/// The manual says "typically, 1 to 4"; the device's own `switch/caps` decides (erratum
/// `switch-domain`).
const SWITCH_DOMAIN: Domain = Domain::Int { min: 1, max: 4 };

/// The optional `switch` of `switch/caps` and `switch/status`.
const SWITCH_FILTER: Param = Param::optional(
    SWITCH,
    SWITCH_DOMAIN,
    "Optional switch identifier (typically, 1 to 4). Use also /api/switch/caps to know the exact count of switches.",
)
.caps(SWITCHES)
.errata(&["switch-domain"]);
