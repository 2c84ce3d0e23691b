//! `/api/log/…`: the event log, subscription channels and long-poll.

pub mod caps;
pub mod pull;
pub mod subscribe;
pub mod unsubscribe;

use crate::function::{Domain, Param};

/// The `id` parameter of `log/pull` and `log/unsubscribe`.
pub const ID: &str = "id";

/// How many events the device keeps in its history queue (5.24).
pub const HISTORY_LEN: usize = 10_000;

/// The most events one `log/pull` returns (5.26).
pub const PULL_BATCH: usize = 128;

/// A channel identifier from `log/subscribe`.
const ID_PARAM: Param = Param::mandatory(
    ID,
    Domain::U32,
    "Identifier of the existing channel obtained by preceding dialling of /api/log/subscribe",
)
.errata(&["unknown-subscription"])
.of_state("an open channel");
