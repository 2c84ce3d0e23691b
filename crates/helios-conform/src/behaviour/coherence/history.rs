//! The event history as a channel of the runner's own reads it (`include=all`, the full
//! account): every event the device holds, with its stamps, in delivery order.

use helios_client::Call;
use helios_spec::functions::log;
use helios_spec::functions::log::{HISTORY_LEN, PULL_BATCH};
use helios_wire::event::EventRecord;
use serde_json::Value;

use super::action::Acted;
use super::{Judged, Seen, available};
use crate::model::{Departure, Log};
use crate::session::Session;

/// One event as the device reports it.
#[derive(Clone, Debug)]
pub(super) struct Stamped {
    pub(super) id: u32,
    pub(super) name: String,
    pub(super) params: Value,
    pub(super) utc_time: i64,
    pub(super) up_time: i64,
}

impl Stamped {
    /// Whether this is `name` with (at least) these params.
    pub(super) fn is(&self, name: &str, params: &Value) -> bool {
        self.name == name
            && params
                .as_object()
                .into_iter()
                .flatten()
                .all(|(key, value)| self.params.get(key) == Some(value))
    }

    /// `DeviceState` startup: the first event of a start.
    pub(super) fn is_startup(&self) -> bool {
        self.is("DeviceState", &serde_json::json!({"state": "startup"}))
    }

    pub(super) fn describe(&self) -> String {
        format!("event {} ({})", self.id, self.name)
    }
}

/// The history, or why it could not be read.
pub(super) type History = Result<Vec<Stamped>, Judged>;

/// Reads the whole history; when the event of the runner's action is not in it yet, waits for
/// it up to `event_ms`.
pub(super) async fn read(
    session: &mut Session<'_>,
    seen: &mut Seen,
    log: &mut Log,
    acted: &Result<Acted, Judged>,
) -> History {
    available(session, &[&log::subscribe::FUNCTION, &log::pull::FUNCTION])?;
    let call = Call::new(&log::subscribe::FUNCTION)
        .param("include", "all")
        .param("duration", 60);
    let answer = seen.send(session, log, call).await?;
    let id = answer.success()?["id"]
        .as_u64()
        .ok_or_else(|| Judged::Fail("log/subscribe gave no id".into()))?;
    let wait = session.profile.tolerances.event_ms.div_ceil(1000).max(1);
    let mut records: Vec<Stamped> = Vec::new();
    let mut timeout = 0;
    let mut waited = false;
    let result = loop {
        if records.len() > HISTORY_LEN + PULL_BATCH {
            break Err(Departure::Fail(format!(
                "the history channel delivered more than the {HISTORY_LEN} events a device keeps"
            )));
        }
        let call = Call::new(&log::pull::FUNCTION)
            .param("id", id)
            .param("timeout", timeout);
        let batch = match seen.send(session, log, call).await {
            Ok(answer) => answer.success().and_then(stamped),
            Err(departure) => Err(departure),
        };
        let batch = match batch {
            Ok(batch) => batch,
            Err(departure) => break Err(departure),
        };
        let full = batch.len() >= PULL_BATCH;
        records.extend(batch);
        timeout = 0;
        if full {
            continue;
        }
        let owed = matches!(acted, Ok(acted)
            if !records.iter().any(|r| r.is(acted.event, &acted.params)));
        if owed && !waited {
            // The device may log the action's event just after replying to it.
            waited = true;
            timeout = wait;
            continue;
        }
        break Ok(());
    };
    let call = Call::new(&log::unsubscribe::FUNCTION).param("id", id);
    let _ = seen.send(session, log, call).await;
    result?;
    Ok(records)
}

/// The records of one pull.
fn stamped(result: &Value) -> Result<Vec<Stamped>, Departure> {
    let events = result["events"]
        .as_array()
        .ok_or_else(|| Departure::Fail(format!("log/pull gave no events array: {result}")))?;
    events
        .iter()
        .map(|value| {
            let (record, _) = EventRecord::read(value)
                .map_err(|e| Departure::Fail(format!("an event log/pull cannot be read: {e}")))?;
            Ok(Stamped {
                id: record.id,
                name: record.event.name().to_owned(),
                params: Value::Object(record.event.params()),
                utc_time: i64::from(record.utc_time),
                up_time: i64::from(record.up_time),
            })
        })
        .collect()
}
