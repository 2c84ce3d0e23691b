//! The faults of event stamps as `log/pull` reports them. The history keeps the true stamps, so
//! that what the device itself does with them (`include=-t`) is untouched and only what it says
//! departs: local time sent as UTC (`event-time-local`), a switch event carrying the stamp of
//! the event before it (`switch-event-stale-stamp`), an output event three seconds early
//! (`output-event-early-stamp`).

use helios_wire::event::{Event, EventRecord};

use super::{Fault, Faults};
use crate::events::EventLog;

/// How far behind `output-event-early-stamp` stamps an output's change.
const OUTPUT_LAG: u32 = 3;

/// The records a pull took from `history`, stamped as the faulty firmware reports them.
pub fn reported(faults: Faults, history: &EventLog, records: Vec<EventRecord>) -> Vec<EventRecord> {
    if faults.is_empty() {
        return records;
    }
    records
        .into_iter()
        .map(|mut record| {
            if faults.has(Fault::SwitchEventStaleStamp)
                && matches!(record.event, Event::SwitchStateChanged { .. })
                && let Some(before) = history.records().take_while(|r| r.id < record.id).last()
            {
                record.utc_time = before.utc_time;
                record.up_time = before.up_time;
            }
            if faults.has(Fault::OutputEventEarlyStamp)
                && matches!(record.event, Event::OutputChanged { .. })
            {
                record.utc_time = record.utc_time.saturating_sub(OUTPUT_LAG);
                record.up_time = record.up_time.saturating_sub(OUTPUT_LAG);
            }
            if faults.has(Fault::EventTimeLocal) {
                let local =
                    i64::from(record.utc_time) + i64::from(record.tz_shift.unwrap_or(0)) * 60;
                record.utc_time = u32::try_from(local.max(0)).unwrap_or(u32::MAX);
            }
            record
        })
        .collect()
}
