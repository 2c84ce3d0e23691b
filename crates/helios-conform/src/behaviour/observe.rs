//! Watching for one event type: a channel per account of the profile (each sees what its
//! privileges allow, 5.24), opened before an action and pulled after it, and the judgement of
//! what each delivered against what the action must have raised.

use helios_client::Call;
use helios_spec::functions::log;
use serde_json::Value;

use crate::case::Login;
use crate::model::events::{Record, may_see};
use crate::model::{Departure, Log};
use crate::session::Session;

/// One channel per account, all filtered to one event type.
#[derive(Debug)]
pub(super) struct Watch {
    pub event: &'static str,
    channels: Vec<(usize, u32)>,
}

impl Watch {
    /// Opens the channels (include=new, so that only what happens next counts).
    pub(super) async fn open(
        session: &mut Session<'_>,
        event: &'static str,
        log: &mut Log,
    ) -> Result<Self, Departure> {
        let mut channels = Vec::new();
        for account in 0..session.profile.accounts.len() {
            let call = Call::new(&log::subscribe::FUNCTION)
                .param("filter", event)
                .param("duration", 120);
            let answer = log.send_as(session, Login::Account(account), call).await?;
            let result = answer.success()?;
            let id = result["id"]
                .as_u64()
                .and_then(|id| u32::try_from(id).ok())
                .ok_or_else(|| Departure::Fail(format!("log/subscribe gave no id: {result}")))?;
            channels.push((account, id));
        }
        Ok(Self { event, channels })
    }

    /// Pulls each channel: those whose account may see the event wait up to `wait` seconds
    /// for `count` events; the rest are read after them, at once.
    pub(super) async fn collect(
        &self,
        session: &mut Session<'_>,
        count: usize,
        wait: u64,
        log: &mut Log,
    ) -> Result<Vec<(usize, Vec<Record>)>, Departure> {
        let mut seeing: Vec<(usize, u32)> = Vec::new();
        let mut blind = Vec::new();
        for (account, id) in &self.channels {
            let holder = session.profile.accounts.get(*account);
            if may_see(holder, self.event) {
                seeing.push((*account, *id));
            } else {
                blind.push((*account, *id));
            }
        }
        let mut found = Vec::new();
        for (account, id) in seeing.into_iter().chain(blind) {
            let holder = session.profile.accounts.get(account);
            let timeout = if may_see(holder, self.event) { wait } else { 0 };
            let mut got = Vec::new();
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(timeout);
            loop {
                let left = deadline
                    .saturating_duration_since(tokio::time::Instant::now())
                    .as_secs();
                let call = Call::new(&log::pull::FUNCTION)
                    .param("id", id)
                    .param("timeout", left);
                let answer = log.send_as(session, Login::Account(account), call).await?;
                let batch = log.records(answer.success()?)?;
                let empty = batch.is_empty();
                got.extend(batch);
                if got.len() >= count || empty || left == 0 {
                    break;
                }
            }
            found.push((account, got));
        }
        Ok(found)
    }

    pub(super) async fn close(self, session: &mut Session<'_>, log: &mut Log) {
        for (account, id) in self.channels {
            let call = Call::new(&log::unsubscribe::FUNCTION).param("id", id);
            let _ = log.send_as(session, Login::Account(account), call).await;
        }
    }
}

/// Judges what each account's channel delivered: the events `expected` (name and the params
/// given, in order, once each) where the account may see them, nothing where it may not.
pub(super) fn judge(
    session: &Session<'_>,
    event: &str,
    found: &[(usize, Vec<Record>)],
    expected: &[Value],
) -> Result<String, String> {
    let mut seen = Vec::new();
    for (account, records) in found {
        let holder = session.profile.accounts.get(*account);
        let user = holder.map_or("anonymous", |a| a.user.as_str());
        let owed: &[Value] = if may_see(holder, event) {
            expected
        } else {
            &[]
        };
        let got: Vec<String> = records
            .iter()
            .map(|r| format!("{} {}", r.name, r.params))
            .collect();
        if records.len() != owed.len()
            || !records
                .iter()
                .zip(owed)
                .all(|(record, params)| record.is(event, params))
        {
            let wanted: Vec<String> = owed.iter().map(|p| format!("{event} {p}")).collect();
            return Err(format!(
                "{user}'s channel delivered {got:?}; the manual wants {wanted:?}"
            ));
        }
        seen.push(format!("{user}: {}", records.len()));
    }
    Ok(seen.join(", "))
}
