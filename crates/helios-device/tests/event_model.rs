//! A property test of the event log against a model written from the manual: random
//! interleavings of raise, subscribe, pull, unsubscribe and the passing of time; every channel
//! delivers exactly the events its filter and privileges select, in order, each once, and a
//! closed or expired channel answers an error.

use std::time::Duration;

use helios_device::events::{EventLog, LogError, Stamp, Viewer};
use helios_spec::{Group, Privilege};
use helios_wire::event::Event;
use helios_wire::params::Include;
use proptest::prelude::*;

/// Events needing different privileges: Keypad, UID, none, I/O monitoring.
const KINDS: [&str; 4] = [
    "KeyPressed",
    "CardEntered",
    "MotionDetected",
    "SwitchStateChanged",
];
const GROUPS: [Group; 3] = [Group::Keypad, Group::Uid, Group::Io];
const DURATION: u64 = 60;

fn event(kind: usize) -> Event {
    match kind {
        0 => Event::KeyPressed { key: "5".into() },
        1 => Event::CardEntered {
            direction: "any".into(),
            reader: "ext7".into(),
            uid: "01045E31BB".into(),
            valid: false,
        },
        2 => Event::MotionDetected { state: "in".into() },
        _ => Event::SwitchStateChanged {
            switch: 1,
            state: true,
        },
    }
}

#[derive(Clone, Debug)]
enum Op {
    Raise(usize),
    Subscribe {
        privileges: Option<u8>,
        filter: u8,
        all: bool,
    },
    Pull(usize),
    Unsubscribe(usize),
    Advance(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..4usize).prop_map(Op::Raise),
        2 => (prop::option::of(0u8..8), 0u8..16, any::<bool>())
            .prop_map(|(privileges, filter, all)| Op::Subscribe { privileges, filter, all }),
        4 => (0..8usize).prop_map(Op::Pull),
        1 => (0..8usize).prop_map(Op::Unsubscribe),
        1 => (0..90u64).prop_map(Op::Advance),
    ]
}

/// The model of one channel.
struct Model {
    id: u32,
    filter: Vec<&'static str>,
    privileges: Option<Vec<Group>>,
    /// Index into `raised` of the first event not yet passed over.
    position: usize,
    open: bool,
    expires_at: u64,
}

impl Model {
    fn selects(&self, kind: usize) -> bool {
        let name = KINDS[kind];
        let filtered = self.filter.is_empty() || self.filter.contains(&name);
        let needed = match kind {
            0 => Some(Group::Keypad),
            1 => Some(Group::Uid),
            3 => Some(Group::Io),
            _ => None,
        };
        let allowed = match (&self.privileges, needed) {
            (None, _) | (_, None) => true,
            (Some(held), Some(needed)) => held.contains(&needed),
        };
        filtered && allowed
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn the_log_follows_the_model(ops in prop::collection::vec(op(), 1..120)) {
        let mut log = EventLog::new();
        let mut raised: Vec<(u32, usize)> = Vec::new();
        let mut channels: Vec<Model> = Vec::new();
        let mut now = 0u64;
        let mut next_channel = 1000u32;
        for op in ops {
            log.expire(Duration::from_secs(now));
            for channel in &mut channels {
                if channel.open && channel.expires_at <= now {
                    channel.open = false;
                }
            }
            match op {
                Op::Raise(kind) => {
                    let stamp = Stamp { utc_time: 0, up_time: u32::try_from(now).unwrap_or(0), tz_shift: None, hash: false };
                    let id = log.raise(event(kind), stamp);
                    raised.push((id, kind));
                }
                Op::Subscribe { privileges, filter, all } => {
                    let filter: Vec<&'static str> = (0..4).filter(|b| filter & (1 << b) != 0).map(|b| KINDS[b]).collect();
                    let privileges: Option<Vec<Group>> = privileges.map(|mask| {
                        (0..3).filter(|b| mask & (1 << b) != 0).map(|b| GROUPS[b]).collect()
                    });
                    let viewer = match &privileges {
                        None => Viewer::Anyone,
                        Some(groups) => Viewer::Account {
                            user: "u".into(),
                            privileges: groups.iter().map(|g| Privilege::monitoring(*g)).collect(),
                        },
                    };
                    next_channel += 7919;
                    let include = if all { Include::All } else { Include::New };
                    let id = log.subscribe(next_channel, viewer, filter.clone(), include, Duration::from_secs(DURATION), Duration::from_secs(now), helios_device::events::MAX_CHANNELS);
                    prop_assert_eq!(id, Ok(next_channel));
                    channels.push(Model {
                        id: next_channel,
                        filter,
                        privileges,
                        position: if all { 0 } else { raised.len() },
                        open: true,
                        expires_at: now + DURATION,
                    });
                }
                Op::Pull(index) => {
                    let Some(channel) = channels.get_mut(index) else { continue };
                    let got = log.pull(channel.id, Duration::from_secs(now), Some("u"));
                    if !channel.open {
                        prop_assert_eq!(got, Err(LogError::UnknownChannel(channel.id)));
                        continue;
                    }
                    let mut expected = Vec::new();
                    let mut position = raised.len();
                    for (at, (id, kind)) in raised.iter().enumerate().skip(channel.position) {
                        if channel.selects(*kind) {
                            expected.push(*id);
                            if expected.len() == 128 {
                                position = at + 1;
                                break;
                            }
                        }
                    }
                    channel.position = position;
                    channel.expires_at = now + DURATION;
                    let got: Vec<u32> = got.expect("an open channel").iter().map(|r| r.id).collect();
                    prop_assert_eq!(got, expected);
                }
                Op::Unsubscribe(index) => {
                    let Some(channel) = channels.get_mut(index) else { continue };
                    let result = log.unsubscribe(channel.id, Some("u"));
                    if channel.open {
                        prop_assert_eq!(result, Ok(()));
                    } else {
                        prop_assert_eq!(result, Err(LogError::UnknownChannel(channel.id)));
                    }
                    channel.open = false;
                }
                Op::Advance(seconds) => now += seconds,
            }
        }
    }
}
