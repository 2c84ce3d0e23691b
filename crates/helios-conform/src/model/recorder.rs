//! The recorder: a channel of the runner's own (the full account, every event, the whole
//! history) pulled after each action, so that the runner knows every event the device logged,
//! with its id, params and the window of time in which it happened. The channel model judges
//! each model channel's deliveries against it, and checks through it that each action raised
//! its events.

use helios_client::Call;
use helios_spec::functions::log;
use helios_spec::functions::log::PULL_BATCH;
use tokio::time::Instant;

use super::events::Record;
use super::{Departure, Log};
use crate::session::Session;

/// An event the recorder saw, and when it happened: after `lo` (unknown for the history the
/// device held before the recorder opened) and before `hi`.
#[derive(Clone, Debug)]
pub struct Seen {
    pub record: Record,
    pub lo: Option<Instant>,
    pub hi: Instant,
}

/// The recorder channel and everything it saw.
#[derive(Debug)]
pub struct Recorder {
    id: u32,
    pub seen: Vec<Seen>,
    /// When the last pull was sent: events seen by the next one happened after it.
    since: Instant,
}

impl Recorder {
    /// Opens the channel with the whole history and reads it.
    pub async fn open(session: &mut Session<'_>, log: &mut Log) -> Result<Self, Departure> {
        let call = Call::new(&log::subscribe::FUNCTION)
            .param("include", "all")
            .param("duration", 3600);
        let answer = log.send(session, call).await?;
        let result = answer.success()?;
        let id = result["id"]
            .as_u64()
            .and_then(|id| u32::try_from(id).ok())
            .ok_or_else(|| Departure::Fail(format!("log/subscribe gave no id: {result}")))?;
        let mut recorder = Self {
            id,
            seen: Vec::new(),
            since: answer.sent,
        };
        recorder.refresh(session, log, 0).await?;
        for seen in &mut recorder.seen {
            seen.lo = None;
        }
        Ok(recorder)
    }

    /// Pulls until the channel is empty (the first pull waiting up to `timeout` seconds);
    /// returns how many events were new.
    pub async fn refresh(
        &mut self,
        session: &mut Session<'_>,
        log: &mut Log,
        timeout: u64,
    ) -> Result<usize, Departure> {
        let since = Instant::now();
        let mut new = 0;
        let mut wait = timeout;
        loop {
            let call = Call::new(&log::pull::FUNCTION)
                .param("id", self.id)
                .param("timeout", wait);
            wait = 0;
            let answer = log.send(session, call).await?;
            let result = answer.success()?;
            let batch = log.records(result)?;
            let full = batch.len() >= PULL_BATCH;
            for record in batch {
                if let Some(last) = self.seen.last()
                    && record.id <= last.record.id
                {
                    return Err(Departure::Fail(format!(
                        "the recorder channel delivered event {} after event {} (erratum \
                         event-ids: ids increase in delivery order)",
                        record.id, last.record.id
                    )));
                }
                self.seen.push(Seen {
                    record,
                    lo: Some(self.since),
                    hi: answer.received,
                });
                new += 1;
            }
            if !full {
                break;
            }
        }
        self.since = since;
        Ok(new)
    }

    pub fn find(&self, id: u32) -> Option<&Seen> {
        self.seen.iter().find(|s| s.record.id == id)
    }

    pub async fn close(self, session: &mut Session<'_>) {
        let call = Call::new(&log::unsubscribe::FUNCTION).param("id", self.id);
        let _ = Log::default().send(session, call).await;
    }
}
