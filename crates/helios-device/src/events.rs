//! The event history queue (manual 5.24): the last 10,000 events, numbered from 1 after a start,
//! stamped with the clock. Subscriptions read it; the hardware simulators write it.

use std::collections::VecDeque;

use helios_spec::functions::log::HISTORY_LEN;
use helios_wire::event::{Event, EventRecord};

/// The history queue.
#[derive(Debug, Default)]
pub struct EventLog {
    records: VecDeque<EventRecord>,
    next_id: u32,
}

/// When an event happened, from the device clock.
#[derive(Clone, Copy, Debug)]
pub struct Stamp {
    pub utc_time: u32,
    pub up_time: u32,
    pub tz_shift: Option<i32>,
}

impl EventLog {
    pub fn new() -> Self {
        Self {
            records: VecDeque::new(),
            next_id: 1,
        }
    }

    /// Records an event and returns its id.
    pub fn raise(&mut self, event: Event, stamp: Stamp) -> u32 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1).max(1);
        if self.records.len() == HISTORY_LEN {
            self.records.pop_front();
        }
        self.records.push_back(EventRecord {
            id,
            utc_time: stamp.utc_time,
            up_time: stamp.up_time,
            tz_shift: stamp.tz_shift,
            hash: None,
            event,
        });
        id
    }

    /// Every record kept, oldest first.
    pub fn records(&self) -> impl Iterator<Item = &EventRecord> {
        self.records.iter()
    }

    /// The records with an id above `after`.
    pub fn since(&self, after: u32) -> impl Iterator<Item = &EventRecord> {
        self.records.iter().filter(move |record| record.id > after)
    }
}
