//! Which events a channel owes, and the judgement of what one pull delivered.

use super::known::Opened;
use super::*;

/// Whether a channel must, may or must not carry an event, by when it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    Must,
    May,
    Never,
}

/// When the channel must carry an event.
fn due(channel: &Opened, seen: &Seen) -> Due {
    let after_open = seen.lo.is_some_and(|lo| lo > channel.received);
    let before_open = seen.hi < channel.sent;
    match channel.include {
        Include::All => Due::Must,
        Include::New if after_open => Due::Must,
        Include::New if before_open => Due::Never,
        Include::New => Due::May,
        Include::Last(_) if after_open => Due::Must,
        Include::Last(seconds) => {
            // The device counts whole seconds: a second either way is uncertain.
            let window = Duration::from_secs(u64::from(seconds));
            let second = Duration::from_secs(1);
            let recent = seen
                .lo
                .is_some_and(|lo| channel.received.saturating_duration_since(lo) + second < window);
            let old = channel.sent.saturating_duration_since(seen.hi) > window + second;
            if recent {
                Due::Must
            } else if old {
                Due::Never
            } else {
                Due::May
            }
        }
    }
}

/// Judges what one pull delivered.
pub(super) fn judge_pull(
    session: &Session<'_>,
    recorder: &Recorder,
    channel: &mut Opened,
    delivered: &[crate::model::events::Record],
    pull_sent: Instant,
) -> Result<(), Stop> {
    let account = session.profile.accounts.get(channel.account);
    let user = account.map_or("anonymous", |a| a.user.as_str());
    let carries = |name: &str| {
        (channel.filter.is_empty() || channel.filter.iter().any(|f| f == name))
            && may_see(account, name)
    };
    let label = format!(
        "channel {} ({user}, include={}, filter={:?})",
        channel.id,
        channel.include.word(),
        channel.filter
    );
    for record in delivered {
        if record.id <= channel.last {
            return Err(Stop::Fail(format!(
                "{label} delivered event {} after event {}: twice, or out of order",
                record.id, channel.last
            )));
        }
        let Some(seen) = recorder.find(record.id) else {
            if Login::Account(channel.account) != session.full_login() {
                // An event the recorder's account may not see: nothing to compare it with.
                channel.last = record.id;
                continue;
            }
            return Err(Stop::Fail(format!(
                "{label} delivered event {} ({}), which the device's history does not hold",
                record.id, record.name
            )));
        };
        if seen.record.name != record.name || seen.record.params != record.params {
            return Err(Stop::Fail(format!(
                "{label} delivered event {} as {} {}, the history has {} {}",
                record.id, record.name, record.params, seen.record.name, seen.record.params
            )));
        }
        if !carries(&record.name) {
            return Err(Stop::Fail(format!(
                "{label} delivered {} {}, which its filter or {user}'s privileges exclude",
                record.name, record.params
            )));
        }
        if due(channel, seen) == Due::Never {
            return Err(Stop::Fail(format!(
                "{label} delivered {} {} (event {}), raised before its include allows",
                record.name, record.params, record.id
            )));
        }
        // Nothing due may be skipped on the way.
        if let Some(skipped) = owed(recorder, channel, &carries, record.id, None) {
            return Err(Stop::Fail(format!(
                "{label} skipped {} {} (event {}) before delivering event {}",
                skipped.record.name, skipped.record.params, skipped.record.id, record.id
            )));
        }
        channel.last = record.id;
    }
    // A pull short of a full batch delivers everything due that happened before it was sent.
    if delivered.len() < helios_spec::functions::log::PULL_BATCH
        && let Some(missing) = owed(recorder, channel, &carries, u32::MAX, Some(pull_sent))
    {
        return Err(Stop::Fail(format!(
            "{label} did not deliver {} {} (event {})",
            missing.record.name, missing.record.params, missing.record.id
        )));
    }
    Ok(())
}

/// The first event the channel owes below `below`, raised before `by` when given.
fn owed<'r>(
    recorder: &'r Recorder,
    channel: &Opened,
    carries: &dyn Fn(&str) -> bool,
    below: u32,
    by: Option<Instant>,
) -> Option<&'r Seen> {
    recorder.seen.iter().find(|seen| {
        seen.record.id > channel.last
            && seen.record.id < below
            && by.is_none_or(|by| seen.hi < by)
            && carries(&seen.record.name)
            && due(channel, seen) == Due::Must
    })
}
