//! The event channel model (manual 5.24 to 5.26): `log/subscribe` (`include`, `filter`,
//! `duration`), `log/pull` (`timeout`) and `log/unsubscribe` across several channels of several
//! accounts, interleaved with actions that raise events (outputs, bistable switches, and events
//! of the outside world through the stimulus interface when the device has one).
//!
//! The model predicts, for each channel, which events it must deliver, in id order and exactly
//! once, with the params the recorder saw (`recorder.rs`): those its filter names and its
//! account may see (5.24's privilege table), raised after it opened (`new`), ever (`all`) or
//! in its last `t` seconds (`-t`, a second either way being uncertain). An event raised while
//! a request was on its way may or may not be in it. Each action must raise its event with the
//! right params, once. An unsubscribed channel and an id that never existed answer 12 naming
//! `id` (erratum `unknown-subscription`; another code is non-strict).

use std::collections::BTreeMap;
use std::time::Duration;

use helios_client::Call;
use helios_spec::ErrorCode;
use helios_spec::functions::{io, log, switch};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest_state_machine::ReferenceStateMachine;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::events::{may_see, outside_world, sample_params};
use super::recorder::{Recorder, Seen};
use super::{Answer, Departure, Log, Model};
use crate::case::Login;
use crate::session::Session;

/// Channels a sequence holds open at once.
const MAX_OPEN: usize = 4;
/// A channel id no subscription returned.
const NEVER_OPENED: u32 = 0x7ead_beef;

/// What can raise an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    Output {
        port: String,
    },
    Switch {
        switch: u8,
    },
    /// An event of the outside world, through the stimulus interface.
    World {
        event: String,
    },
}

/// What the model knows: the accounts, the events the device records, the sources, and which
/// channel slots are open.
#[derive(Clone, Debug, Default)]
pub struct Channels {
    pub accounts: usize,
    pub events: Vec<String>,
    pub sources: Vec<Source>,
    open: Vec<bool>,
}

impl Channels {
    pub fn new(session: &Session<'_>) -> Self {
        let found = &session.discovered;
        let mut sources: Vec<Source> = found
            .outputs
            .iter()
            .map(|port| Source::Output { port: port.clone() })
            .collect();
        // A switch raises its event from the firmware that has it (2.14).
        let switch_events = helios_spec::event("SwitchStateChanged")
            .is_some_and(|e| e.origin.present_in(session.firmware));
        sources.extend(
            found
                .switch_caps
                .iter()
                .filter(|c| switch_events && c.enabled && c.monostable.is_none())
                .map(|c| Source::Switch { switch: c.switch }),
        );
        if session.profile.stimulus_url.is_some() {
            sources.extend(
                outside_world(&found.events, session.firmware)
                    .into_iter()
                    .map(|e| Source::World {
                        event: e.name.to_owned(),
                    }),
            );
        }
        Self {
            accounts: session.profile.accounts.len(),
            events: found.events.clone(),
            sources,
            open: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Include {
    New,
    All,
    Last(u32),
}

impl Include {
    fn word(self) -> String {
        match self {
            Self::New => "new".into(),
            Self::All => "all".into(),
            Self::Last(seconds) => format!("-{seconds}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "lowercase")]
pub enum ChannelStep {
    Subscribe {
        account: usize,
        include: Include,
        filter: Vec<String>,
        duration: u32,
    },
    Pull {
        channel: usize,
        timeout: u32,
    },
    Unsubscribe {
        channel: usize,
    },
    /// Pulls (or unsubscribes, with `unsubscribe`) an id no subscription returned.
    Never {
        unsubscribe: bool,
    },
    Raise {
        source: usize,
        variant: bool,
    },
}

impl ReferenceStateMachine for Channels {
    type State = Self;
    type Transition = ChannelStep;

    /// A device with no accounts; the driver starts from the discovered state instead.
    fn init_state() -> BoxedStrategy<Self> {
        Just(Self::default()).boxed()
    }

    fn transitions(state: &Self) -> BoxedStrategy<ChannelStep> {
        let accounts = state.accounts.max(1);
        let slots = state.open.len().max(1);
        let sources = state.sources.len().max(1);
        let events = state.events.clone();
        let filter = if events.is_empty() {
            Just(Vec::new()).boxed()
        } else {
            prop_oneof![
                2 => Just(Vec::new()),
                3 => subsequence(events.clone(), 1..=events.len().min(3)),
            ]
            .boxed()
        };
        let include = prop_oneof![
            4 => Just(Include::New),
            1 => Just(Include::All),
            1 => select(vec![2u32, 3600]).prop_map(Include::Last),
        ];
        prop_oneof![
            3 => (0..accounts, include, filter, select(vec![60u32, 600])).prop_map(
                |(account, include, filter, duration)| ChannelStep::Subscribe {
                    account, include, filter, duration
                }
            ),
            5 => (0..slots, prop_oneof![9 => Just(0u32), 1 => Just(1u32)])
                .prop_map(|(channel, timeout)| ChannelStep::Pull { channel, timeout }),
            1 => (0..slots).prop_map(|channel| ChannelStep::Unsubscribe { channel }),
            1 => any::<bool>().prop_map(|unsubscribe| ChannelStep::Never { unsubscribe }),
            5 => (0..sources, any::<bool>())
                .prop_map(|(source, variant)| ChannelStep::Raise { source, variant }),
        ]
        .boxed()
    }

    fn preconditions(state: &Self, transition: &ChannelStep) -> bool {
        match transition {
            ChannelStep::Subscribe { account, .. } => {
                *account < state.accounts.max(1)
                    && state.open.iter().filter(|o| **o).count() < MAX_OPEN
            }
            ChannelStep::Pull { channel, .. } | ChannelStep::Unsubscribe { channel } => {
                *channel < state.open.len()
            }
            ChannelStep::Raise { source, .. } => *source < state.sources.len(),
            ChannelStep::Never { .. } => true,
        }
    }

    fn apply(mut state: Self, transition: &ChannelStep) -> Self {
        match transition {
            ChannelStep::Subscribe { .. } => state.open.push(true),
            ChannelStep::Unsubscribe { channel } => {
                if let Some(open) = state.open.get_mut(*channel) {
                    *open = false;
                }
            }
            _ => {}
        }
        state
    }
}

mod judge;
mod raise;
mod run;

pub use run::{Context, Run};
