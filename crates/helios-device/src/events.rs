//! The event log (manual 5.23 to 5.26): the history queue of the last 10,000 events, numbered
//! from 1 after each start, and the subscription channels that read it.
//!
//! A channel is a cursor into the shared history, not a queue of its own: memory stays bounded
//! whatever clients do. A channel that falls more than 10,000 events behind loses the oldest of
//! them; the loss is counted on the channel, logged as a warning, and shown by the stimulus
//! interface, never silent. At most [`MAX_CHANNELS`] channels are open at once.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use helios_spec::functions::log::{HISTORY_LEN, PULL_BATCH};
use helios_spec::{Privilege, Version};
use helios_wire::event::{Event, EventRecord};
use helios_wire::params::Include;

/// The most channels open at once; beyond it `log/subscribe` answers 14 (erratum
/// `channel-limit`).
pub const MAX_CHANNELS: usize = 1024;

/// When an event happened, from the device clock.
#[derive(Clone, Copy, Debug)]
pub struct Stamp {
    pub utc_time: u32,
    pub up_time: u32,
    pub tz_shift: Option<i32>,
    /// Whether records carry the `hash` of later firmware (outside the 2.21 manual).
    pub hash: bool,
}

/// A record's `hash`: 16 hexadecimal digits, FNV-1a over its id, time and type. No source says
/// how a device computes it; clients only carry it along.
fn record_hash(id: u32, utc_time: u32, event: &Event) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = id
        .to_be_bytes()
        .into_iter()
        .chain(utc_time.to_be_bytes())
        .chain(event.name().bytes());
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Whose events a channel may carry (5.24's privilege table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// The Logging service asks for no authentication: every event.
    Anyone,
    /// An account, with the privileges it held when it subscribed.
    Account {
        user: String,
        privileges: Vec<Privilege>,
    },
}

impl Viewer {
    /// Whether the viewer may see `event`: it needs the privilege the spec names, if any.
    /// Events the spec does not know need none.
    pub fn may_see(&self, event: &Event) -> bool {
        let needed = helios_spec::event(event.name()).and_then(|e| e.privilege);
        match (self, needed) {
            (_, None) | (Self::Anyone, _) => true,
            (Self::Account { privileges, .. }, Some(needed)) => privileges.contains(&needed),
        }
    }
}

/// A subscription channel.
#[derive(Clone, Debug)]
pub struct Channel {
    pub id: u32,
    pub viewer: Viewer,
    /// The event types it carries; empty for every type.
    pub filter: Vec<&'static str>,
    /// The id of the last event it has passed over: it delivers events after this one.
    pub cursor: u32,
    /// How long it lives without a pull.
    pub duration: Duration,
    /// When it closes unless pulled (as uptime).
    pub expires_at: Duration,
    /// Pulls waiting on it right now; a channel with a pull in progress does not expire.
    pub waiting: u32,
    /// Events that fell out of the history before it read them.
    pub lost: u64,
}

impl Channel {
    /// Whether `caller` (an account's user name, or `None` without credentials) may use the
    /// channel: the account that opened it, or anyone when its service asks for none
    /// (erratum `channel-owner`).
    fn owned_by(&self, caller: Option<&str>) -> bool {
        match &self.viewer {
            Viewer::Anyone => true,
            Viewer::Account { user, .. } => caller == Some(user.as_str()),
        }
    }

    fn carries(&self, record: &EventRecord) -> bool {
        (self.filter.is_empty() || self.filter.contains(&record.event.name()))
            && self.viewer.may_see(&record.event)
    }
}

/// Why a channel operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    #[error("no channel has id {0}")]
    UnknownChannel(u32),
    #[error("{MAX_CHANNELS} channels are open already")]
    TooManyChannels,
    #[error("this account has {0} channels open already, its share")]
    AccountShare(usize),
}

/// The history queue and the channels.
#[derive(Debug)]
pub struct EventLog {
    records: VecDeque<EventRecord>,
    next_id: u32,
    channels: HashMap<u32, Channel>,
    /// The firmware whose event types are recorded: an event type newer than it does not
    /// exist on the device (erratum `newer-function`); `None` records every type.
    firmware: Option<Version>,
}

impl Default for EventLog {
    fn default() -> Self {
        Self::new()
    }
}

impl EventLog {
    pub fn new() -> Self {
        Self {
            records: VecDeque::with_capacity(64),
            next_id: 1,
            channels: HashMap::new(),
            firmware: None,
        }
    }

    /// The log of a device running `firmware`, which records only the event types it has.
    pub fn for_firmware(firmware: Version) -> Self {
        Self {
            firmware: Some(firmware),
            ..Self::new()
        }
    }

    /// Records an event and returns its id; 0, recording nothing, for an event type newer than
    /// the device's firmware (a 2.13 device has no `SwitchStateChanged`, added in 2.14).
    pub fn raise(&mut self, event: Event, stamp: Stamp) -> u32 {
        if let Some(firmware) = self.firmware
            && helios_spec::event(event.name()).is_some_and(|e| !e.origin.present_in(firmware))
        {
            return 0;
        }
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1).max(1);
        if self.records.len() == HISTORY_LEN {
            self.records.pop_front();
        }
        let hash = stamp.hash.then(|| record_hash(id, stamp.utc_time, &event));
        self.records.push_back(EventRecord {
            id,
            utc_time: stamp.utc_time,
            up_time: stamp.up_time,
            tz_shift: stamp.tz_shift,
            hash,
            event,
        });
        id
    }

    /// Every record kept, oldest first.
    pub fn records(&self) -> impl Iterator<Item = &EventRecord> {
        self.records.iter()
    }

    /// The id of the newest event, 0 when there is none.
    pub fn last_id(&self) -> u32 {
        self.records.back().map_or(0, |record| record.id)
    }

    pub fn channels(&self) -> impl Iterator<Item = &Channel> {
        self.channels.values()
    }

    /// Opens a channel with id `id` (chosen by the caller, unpredictable and unused), unless
    /// every channel is taken or the account holds `share` of them already (erratum
    /// `channel-share`: no account can take the channels of the others).
    #[allow(clippy::too_many_arguments)]
    pub fn subscribe(
        &mut self,
        id: u32,
        viewer: Viewer,
        filter: Vec<&'static str>,
        include: Include,
        duration: Duration,
        now: Duration,
        share: usize,
    ) -> Result<u32, LogError> {
        if self.channels.len() >= MAX_CHANNELS {
            return Err(LogError::TooManyChannels);
        }
        if let Viewer::Account { user, .. } = &viewer {
            let held = self
                .channels
                .values()
                .filter(|c| c.owned_by(Some(user)) && matches!(c.viewer, Viewer::Account { .. }))
                .count();
            if held >= share {
                return Err(LogError::AccountShare(held));
            }
        }
        let cursor = match include {
            Include::New => self.last_id(),
            Include::All => self.records.front().map_or(0, |r| r.id.saturating_sub(1)),
            Include::Last(seconds) => {
                let since = now.saturating_sub(Duration::from_secs(u64::from(seconds)));
                let since = u32::try_from(since.as_secs()).unwrap_or(u32::MAX);
                self.records
                    .iter()
                    .find(|r| r.up_time >= since)
                    .map_or(self.last_id(), |r| r.id.saturating_sub(1))
            }
        };
        self.channels.insert(
            id,
            Channel {
                id,
                viewer,
                filter,
                cursor,
                duration,
                expires_at: now + duration,
                waiting: 0,
                lost: 0,
            },
        );
        Ok(id)
    }

    pub fn is_open(&self, id: u32) -> bool {
        self.channels.contains_key(&id)
    }

    /// Closes channel `id` for `caller`: another account's channel is as unknown as one that
    /// does not exist.
    pub fn unsubscribe(&mut self, id: u32, caller: Option<&str>) -> Result<(), LogError> {
        if !self.channels.get(&id).is_some_and(|c| c.owned_by(caller)) {
            return Err(LogError::UnknownChannel(id));
        }
        self.channels
            .remove(&id)
            .map(|_| ())
            .ok_or(LogError::UnknownChannel(id))
    }

    /// Takes the channel's next events for `caller`, at most 128, in order; the pull extends
    /// its life. Another account's channel is as unknown as one that does not exist.
    pub fn pull(
        &mut self,
        id: u32,
        now: Duration,
        caller: Option<&str>,
    ) -> Result<Vec<EventRecord>, LogError> {
        let channel = self
            .channels
            .get_mut(&id)
            .filter(|c| c.owned_by(caller))
            .ok_or(LogError::UnknownChannel(id))?;
        channel.expires_at = now + channel.duration;
        if let Some(oldest) = self.records.front()
            && oldest.id > channel.cursor.saturating_add(1)
        {
            let lost = u64::from(oldest.id - channel.cursor - 1);
            channel.lost += lost;
            tracing::warn!(
                channel = id,
                lost,
                "a channel fell behind the history and lost its oldest events"
            );
            channel.cursor = oldest.id - 1;
        }
        let start = self.records.partition_point(|r| r.id <= channel.cursor);
        let mut taken = Vec::new();
        for record in self.records.iter().skip(start) {
            channel.cursor = record.id;
            if channel.carries(record) {
                taken.push(record.clone());
                if taken.len() == PULL_BATCH {
                    break;
                }
            }
        }
        Ok(taken)
    }

    /// Marks a pull as waiting on the channel (it does not expire meanwhile) or as done.
    pub fn set_waiting(&mut self, id: u32, waiting: bool, now: Duration) {
        if let Some(channel) = self.channels.get_mut(&id) {
            if waiting {
                channel.waiting += 1;
            } else {
                channel.waiting = channel.waiting.saturating_sub(1);
                channel.expires_at = now + channel.duration;
            }
        }
    }

    /// Closes the channels nobody pulled for their duration.
    pub fn expire(&mut self, now: Duration) {
        self.channels
            .retain(|_, channel| channel.waiting > 0 || channel.expires_at > now);
    }
}
