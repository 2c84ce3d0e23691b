//! One module per API function of chapter 5, its path mirroring the URL: `switch::ctrl` is
//! `/api/switch/ctrl`. A function whose path is a group's own name (`/api/firmware`,
//! `/api/config`, `/api/pcap`) lives in that group's `mod.rs`.

pub mod audio;
pub mod call;
pub mod camera;
pub mod config;
pub mod display;
pub mod email;
pub mod firmware;
pub mod io;
pub mod log;
pub mod pcap;
pub mod phone;
pub mod switch;
pub mod system;

use crate::function::Param;
use crate::value::TextRule;
use crate::{Domain, Origin};

/// The `response` parameter of `switch/ctrl` and `io/ctrl`.
pub const RESPONSE: &str = "response";

/// The `response` parameter of `switch/ctrl` and `io/ctrl` (2.14): a text/plain reply with this
/// text, possibly empty, replaces the JSON one.
pub(crate) const RESPONSE_PARAM: Param = Param::optional(
    RESPONSE,
    Domain::Text {
        rule: TextRule::Any,
        max_len: 1024,
    },
    "Optional parameter modifying the intercom response to include the text defined here instead of the JSON message.",
)
.since(Origin::V2_14);
