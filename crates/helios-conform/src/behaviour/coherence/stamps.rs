//! The stamps of events against `system/status` and against each other: when the device
//! started (`coherence.clock.boot`), the event of the runner's own action between the `upTime`s
//! read around it (`coherence.clock.cause`), and the history in id order
//! (`coherence.clock.order`).

use helios_client::Exchange;
use helios_spec::functions::log;

use super::action::Acted;
use super::history::{History, Stamped};
use super::{Judged, Seen, outcome};
use crate::model::Log;
use crate::profile::Tolerances;
use crate::run::Outcome;

/// The three outcomes, each with the exchanges that read the history.
pub(super) fn outcomes(
    seen: &Seen,
    history: &History,
    acted: &Result<Acted, Judged>,
    tolerances: &Tolerances,
    evidence: &[Exchange],
) -> Vec<Outcome> {
    let log = || Log {
        exchanges: evidence.to_vec(),
        ..Log::default()
    };
    let pull = &log::pull::FUNCTION;
    vec![
        outcome(
            "coherence.clock.boot",
            pull,
            "every event since the start and system/status agree on when the device started \
             (utcTime - upTime, systemTime - upTime), within boot_ms",
            log(),
            boot(seen, history, tolerances),
        ),
        outcome(
            "coherence.clock.cause",
            pull,
            "the event of the runner's action is stamped between the upTimes read before and \
             after it",
            log(),
            cause(history, acted, tolerances),
        ),
        outcome(
            "coherence.clock.order",
            pull,
            "in id order, no event is stamped before the event logged ahead of it",
            log(),
            order(history),
        ),
    ]
}

fn boot(seen: &Seen, history: &History, tolerances: &Tolerances) -> Judged {
    let records = match history {
        Ok(records) => records,
        Err(judged) => return judged.clone(),
    };
    let start = records.iter().rposition(Stamped::is_startup).unwrap_or(0);
    let current = &records[start..];
    if current.is_empty() {
        return Judged::NotApplicable("the history holds no event".into());
    }
    let boots = seen.readings.iter().map(super::Reading::boot);
    let (Some(lo), Some(hi)) = (boots.clone().min(), boots.max()) else {
        return seen
            .unread
            .clone()
            .unwrap_or_else(|| Judged::Undecided("system/status did not answer".into()));
    };
    let tolerance = tolerances.boot_ms as f64 / 1000.0;
    let worst = current
        .iter()
        .map(|record| {
            let started = record.utc_time - record.up_time;
            let apart = if started < lo {
                started - lo
            } else if started > hi {
                started - hi
            } else {
                0
            };
            (apart, record, started)
        })
        .max_by_key(|(apart, ..)| apart.abs());
    match worst {
        Some((apart, record, started)) if apart.abs() as f64 > tolerance => Judged::NonStrict(
            "boot-time",
            format!(
                "{} puts the start at {started} (utcTime - upTime), system/status at {lo}: {} s \
                 apart",
                record.describe(),
                apart.abs()
            ),
        ),
        _ => Judged::Pass(format!(
            "{} events since the start agree with system/status that it was at {lo}",
            current.len()
        )),
    }
}

fn cause(history: &History, acted: &Result<Acted, Judged>, tolerances: &Tolerances) -> Judged {
    let acted = match acted {
        Ok(acted) => acted,
        Err(judged) => return judged.clone(),
    };
    let records = match history {
        Ok(records) => records,
        Err(judged) => return judged.clone(),
    };
    let Some(event) = records
        .iter()
        .rev()
        .find(|r| r.is(acted.event, &acted.params))
    else {
        return Judged::Fail(format!(
            "{} raised no {} {} (5.26)",
            acted.what, acted.event, acted.params
        ));
    };
    let (before, after) = (acted.before.up_time, acted.after.up_time);
    // A second of rounding either way; the device may log the event a little after its reply.
    let late = 1 + i64::try_from(tolerances.event_ms.div_ceil(1000)).unwrap_or(i64::MAX);
    if event.up_time < before - 1 {
        return Judged::Fail(format!(
            "{} is stamped upTime {} s, but system/status read {before} s before {} raised it: \
             an event stamped before its cause",
            event.describe(),
            event.up_time,
            acted.what
        ));
    }
    if event.up_time > after + late {
        return Judged::NonStrict(
            "event-stamp-cause",
            format!(
                "{} is stamped upTime {} s, but system/status read {after} s after {} answered",
                event.describe(),
                event.up_time,
                acted.what
            ),
        );
    }
    Judged::Pass(format!(
        "{} of {} stamped upTime {} s, between {before} and {after} s",
        event.describe(),
        acted.what,
        event.up_time
    ))
}

fn order(history: &History) -> Judged {
    let records = match history {
        Ok(records) => records,
        Err(judged) => return judged.clone(),
    };
    if records.len() < 2 {
        return Judged::NotApplicable("the history holds fewer than two events".into());
    }
    let mut stepped = None;
    for pair in records.windows(2) {
        let (ahead, next) = (&pair[0], &pair[1]);
        // A start numbers and stamps afresh.
        if next.is_startup() {
            continue;
        }
        if next.id <= ahead.id {
            return Judged::Fail(format!(
                "{} was delivered after {}: ids grow with every new event",
                next.describe(),
                ahead.describe()
            ));
        }
        if next.up_time < ahead.up_time {
            return Judged::Fail(format!(
                "{} is stamped upTime {} s, before {} logged ahead of it at {} s",
                next.describe(),
                next.up_time,
                ahead.describe(),
                ahead.up_time
            ));
        }
        if next.utc_time < ahead.utc_time && stepped.is_none() {
            stepped = Some(format!(
                "utcTime steps back {} s from {} to {} while upTime goes on",
                ahead.utc_time - next.utc_time,
                ahead.describe(),
                next.describe()
            ));
        }
    }
    match stepped {
        Some(why) => Judged::NonStrict("event-stamp-order", why),
        None => Judged::Pass(format!(
            "{} events in id order, none stamped before the one ahead of it",
            records.len()
        )),
    }
}
