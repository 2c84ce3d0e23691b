//! What the operator chose for a run: where the device answers ([`Target`]) and the options
//! of the command line ([`Options`]), apart from the lab's declaration (`profile.rs`).

use std::collections::BTreeSet;
use std::time::Duration;

use helios_spec::Tier;

/// Where the device answers.
#[derive(Clone, Debug)]
pub struct Target {
    pub http: Option<String>,
    pub https: Option<String>,
    /// Accept a self-signed certificate.
    pub insecure: bool,
    /// Pin this certificate (PEM).
    pub ca_pem: Option<Vec<u8>>,
}

/// What the operator chose.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only cases whose id or function path contains this.
    pub only: Option<String>,
    /// Only the case with exactly this id (a replay).
    pub case: Option<String>,
    /// What a replay sends exactly: the recording of the case's earlier outcome (the shrunk
    /// request of a property, the shrunk sequence of a model).
    pub replay: Option<serde_json::Value>,
    /// Judge by this firmware generation instead of the one the device reports.
    pub firmware: Option<helios_spec::Version>,
    /// Tiers beyond the profile's.
    pub allow: Vec<Tier>,
    pub rate: Option<u32>,
    pub timeout: Option<Duration>,
    /// The seed of generated values.
    pub seed: Option<u64>,
    /// Generated requests (or sequences) per property.
    pub cases: Option<u32>,
    /// Ask the operator to raise the events only someone at the device can (a card on the
    /// reader), when the device has no stimulus interface.
    pub interactive: bool,
    /// How many times a failure is sent again before it is reported (`--confirm`); `None` is
    /// [`DEFAULT_CONFIRM`].
    pub confirm: Option<u32>,
    /// Requests in a row without an answer after which the run stops (`--stall-after`);
    /// `None` is [`crate::session::DEFAULT_STALL_AFTER`], 0 never stops.
    pub stall_after: Option<u32>,
    /// Only this part of the cases (`--shard K/N`).
    pub shard: Option<crate::select::Shard>,
    /// Only these case ids (`--rerun-failed`, the failures of a stored run).
    pub ids: Option<BTreeSet<String>>,
}

impl Options {
    /// The selectors of the command line, with `exact` as the one case (a replay's or a
    /// confirmation's).
    pub fn selection<'a>(&'a self, exact: Option<&'a str>) -> crate::select::Selection<'a> {
        crate::select::Selection {
            only: self.only.as_deref(),
            exact,
            ids: self.ids.as_ref(),
            shard: self.shard,
        }
    }
}

/// Reruns of a failure before it is reported, by default.
pub const DEFAULT_CONFIRM: u32 = 1;
