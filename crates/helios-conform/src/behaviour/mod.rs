//! Behaviour over time: groups of checks that need more than one request (stateful models,
//! events, timing, destructive tiers), run after the request cases, with the device's health
//! probed between groups so that a silent restart is charged to the group that caused it.

mod calls;
mod channels;
mod coherence;
mod config;
mod events;
mod health;
mod observe;
mod outputs;
mod restart;
mod switches;
mod timing;

use std::future::Future;
use std::pin::Pin;

use helios_spec::functions;
use helios_spec::{Function, Tier};

use crate::outcome::Outcome;
use crate::session::Session;

pub use health::{Health, health_id};

/// What a group's check returns: its outcomes, borrowed from nothing but the session.
pub type Outcomes<'s> = Pin<Box<dyn Future<Output = Vec<Outcome>> + Send + 's>>;

/// One group of behaviour checks.
#[derive(Debug)]
pub struct Group {
    /// The prefix of its case ids: `model.switch`, `timing.pull`, `config.restore`.
    pub id: &'static str,
    /// The blast-radius tier of the most dangerous request it sends.
    pub tier: Tier,
    /// Whether the group restarts the device on purpose (its uptime going back is expected).
    pub restarts: bool,
    /// The functions of the spec it sends (`docs/functions.md` lists the group under each;
    /// `tests/behaviour.rs` checks it against what the group sends to the reference intercom).
    pub functions: &'static [&'static Function],
    /// Sends the group's requests and judges them, one outcome per case.
    pub check: for<'s, 'a> fn(&'s mut Session<'a>) -> Outcomes<'s>,
}

/// Every group, in the order they run: the least disruptive first.
pub const GROUPS: &[Group] = &[
    switches::GROUP,
    outputs::GROUP,
    calls::GROUP,
    channels::GROUP,
    events::GROUP,
    timing::GROUP,
    coherence::GROUP,
    Group {
        id: "config",
        tier: Tier::Config,
        restarts: false,
        functions: &[&functions::config::FUNCTION],
        check: config::roundtrip,
    },
    Group {
        id: "restart",
        tier: Tier::Reboot,
        restarts: true,
        functions: &[
            &functions::system::restart::FUNCTION,
            &functions::system::status::FUNCTION,
        ],
        check: restart::restart,
    },
    Group {
        id: "firmware",
        tier: Tier::Destructive,
        restarts: false,
        functions: &[&functions::firmware::FUNCTION],
        check: restart::firmware,
    },
    Group {
        id: "factory-reset",
        tier: Tier::Destructive,
        restarts: true,
        functions: &[
            &functions::config::factoryreset::FUNCTION,
            &functions::firmware::apply::FUNCTION,
            &functions::system::status::FUNCTION,
            &functions::config::FUNCTION,
        ],
        check: restart::factory_reset,
    },
];
