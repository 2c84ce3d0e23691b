//! The times a device states against the runner's clock: the `Date` header of each reply and
//! `system/status` (`coherence.clock.date`, `coherence.clock.status`); and the action whose
//! event the stamp oracles (`stamps.rs`) judge.

use std::time::Duration;

use helios_client::Call;
use helios_spec::functions::{io, switch, system};
use serde_json::{Value, json};
use tokio::time::{Instant, sleep_until};

use super::{Judged, Reading, Seen, Wall, outcome};
use crate::model::{Departure, Log};
use crate::profile::Tolerances;
use crate::run::Outcome;
use crate::session::Session;

/// The quiet before the action: a stamp taken from an earlier event (the setup's, or older)
/// is then more than the second of rounding before the action.
const QUIET: Duration = Duration::from_millis(2100);

/// What the action will switch, and when the setup ended.
#[derive(Debug)]
pub(super) struct Prepared {
    switch: Option<u8>,
    output: Option<String>,
    ready_at: Instant,
}

/// The runner's action and the `upTime`s read around it.
#[derive(Clone, Debug)]
pub(super) struct Acted {
    pub(super) before: Reading,
    pub(super) after: Reading,
    /// The event it raised, and (some of) its params.
    pub(super) event: &'static str,
    pub(super) params: Value,
    pub(super) what: String,
}

fn switch_ctrl(id: u8, action: &str) -> Call {
    Call::new(&switch::ctrl::FUNCTION)
        .param("switch", id)
        .param("action", action)
}

fn io_ctrl(port: &str, action: &str) -> Call {
    Call::new(&io::ctrl::FUNCTION)
        .param("port", port)
        .param("action", action)
}

/// Switches what the action will switch off: an enabled switch (a bistable one where there is
/// one, so that no time-out adds an event) where the firmware has its event, and an output.
pub(super) async fn prepare(
    session: &mut Session<'_>,
    seen: &mut Seen,
    log: &mut Log,
) -> Result<Prepared, Judged> {
    let switch_events = helios_spec::event("SwitchStateChanged")
        .is_some_and(|e| e.origin.present_in(session.firmware));
    let switch = (switch_events && session.unavailable(&switch::ctrl::FUNCTION).is_none())
        .then(|| {
            session
                .discovered
                .switch_caps
                .iter()
                .filter(|c| c.enabled)
                .min_by_key(|c| c.monostable.is_some())
                .map(|c| c.switch)
        })
        .flatten();
    let output = session
        .unavailable(&io::ctrl::FUNCTION)
        .is_none()
        .then(|| session.discovered.outputs.first().cloned())
        .flatten();
    if switch.is_none() && output.is_none() {
        return Err(Judged::NotApplicable(
            "no enabled switch and no output for the runner to act on".into(),
        ));
    }
    if let Some(id) = switch {
        let answer = seen.send(session, log, switch_ctrl(id, "off")).await?;
        answer.success("switch/ctrl action=off")?;
    }
    if let Some(port) = &output {
        let answer = seen.send(session, log, io_ctrl(port, "off")).await?;
        answer.success("io/ctrl action=off")?;
    }
    Ok(Prepared {
        switch,
        output,
        ready_at: Instant::now(),
    })
}

/// After the quiet: `system/status`, the switch (or else the output) on, the output on at once
/// after it (two events raised together, for the order oracle), `system/status`; then both
/// off again.
pub(super) async fn act(
    session: &mut Session<'_>,
    seen: &mut Seen,
    log: &mut Log,
    prepared: Result<Prepared, Judged>,
) -> Result<Acted, Judged> {
    let prepared = prepared?;
    sleep_until(prepared.ready_at + QUIET).await;
    let acted = act_on(session, seen, log, &prepared).await;
    if let Some(port) = &prepared.output {
        let _ = seen.send(session, log, io_ctrl(port, "off")).await;
    }
    if let Some(id) = prepared.switch {
        let _ = seen.send(session, log, switch_ctrl(id, "off")).await;
    }
    Ok(acted?)
}

async fn act_on(
    session: &mut Session<'_>,
    seen: &mut Seen,
    log: &mut Log,
    prepared: &Prepared,
) -> Result<Acted, Departure> {
    let before = seen.status(session, log).await?;
    let (event, params, what) = match (prepared.switch, &prepared.output) {
        (Some(id), _) => {
            let what = format!("switch/ctrl switch={id} action=on");
            seen.send(session, log, switch_ctrl(id, "on"))
                .await?
                .success(&what)?;
            let params = json!({"switch": id, "state": true});
            ("SwitchStateChanged", params, what)
        }
        (None, Some(port)) => {
            let what = format!("io/ctrl port={port} action=on");
            seen.send(session, log, io_ctrl(port, "on"))
                .await?
                .success(&what)?;
            ("OutputChanged", json!({"port": port, "state": true}), what)
        }
        (None, None) => return Err(Departure::Harness("nothing to act on".into())),
    };
    if let (Some(_), Some(port)) = (prepared.switch, &prepared.output) {
        seen.send(session, log, io_ctrl(port, "on"))
            .await?
            .success("io/ctrl action=on")?;
    }
    let after = seen.status(session, log).await?;
    Ok(Acted {
        before,
        after,
        event,
        params,
        what,
    })
}

/// How far a whole-second time the device stated while the runner's clock ran from `lo` to `hi`
/// lies outside them: negative behind, positive ahead, zero within.
fn skew(stated: f64, lo: f64, hi: f64) -> f64 {
    if stated < lo.floor() {
        stated - lo.floor()
    } else if stated > hi {
        stated - hi
    } else {
        0.0
    }
}

fn ahead_or_behind(skew: f64) -> String {
    if skew > 0.0 {
        format!("{skew:.1} s ahead of")
    } else {
        format!("{:.1} s behind", -skew)
    }
}

pub(super) fn date(seen: &Seen, wall: &Wall, tolerances: &Tolerances) -> Outcome {
    let mut log = Log::default();
    let tolerance = tolerances.clock_ms as f64 / 1000.0;
    let judged = judge_date(seen, wall, tolerance, &mut log);
    let expected = "each reply's Date header is the runner's time, within clock_ms";
    outcome(
        "coherence.clock.date",
        &system::status::FUNCTION,
        expected,
        log,
        judged,
    )
}

fn judge_date(seen: &Seen, wall: &Wall, tolerance: f64, log: &mut Log) -> Judged {
    let dated: Vec<_> = seen.dates.iter().filter(|d| d.date.is_some()).collect();
    let Some(last) = dated.last() else {
        return Judged::NotApplicable(
            "the device sends no Date header (the manual's example reply has none)".into(),
        );
    };
    let mut worst: Option<(f64, usize)> = None;
    let mut punctual = 0;
    for (index, dated) in dated.iter().enumerate() {
        let text = dated.date.as_deref().unwrap_or_default();
        let Ok(time) = httpdate::parse_http_date(text) else {
            log.exchanges.push(dated.exchange.clone());
            return Judged::NonStrict(
                "date-header",
                format!("the Date header {text:?} is no HTTP date"),
            );
        };
        let stated = time
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let skew = skew(stated, wall.unix(dated.sent), wall.unix(dated.received));
        if skew.abs() > tolerance && worst.is_none_or(|(w, _)| skew.abs() > w.abs()) {
            worst = Some((skew, index));
        }
        if (dated.received - dated.sent).as_secs_f64() <= tolerance {
            punctual += 1;
        }
    }
    if let Some((skew, index)) = worst {
        let dated = dated[index];
        log.exchanges.push(dated.exchange.clone());
        return Judged::NonStrict(
            "date-header",
            format!(
                "the Date header of {} ({}) is {} the runner's clock",
                dated.exchange.request.url,
                dated.date.as_deref().unwrap_or_default(),
                ahead_or_behind(skew)
            ),
        );
    }
    log.exchanges.push(last.exchange.clone());
    if punctual == 0 {
        return Judged::Undecided(format!(
            "every reply took longer than the {tolerance} s tolerance: a skew within it cannot show"
        ));
    }
    Judged::Pass(format!(
        "{} Date headers within {tolerance} s of the runner's clock",
        dated.len()
    ))
}

pub(super) fn status(
    seen: &Seen,
    wall: &Wall,
    tolerances: &Tolerances,
    log: Log,
    read: Result<Reading, Departure>,
) -> Outcome {
    let tolerance = tolerances.clock_ms as f64 / 1000.0;
    let judged = match read {
        Ok(_) => judge_status(&seen.readings, wall, tolerance),
        Err(departure) => departure.into(),
    };
    let expected = "systemTime is the runner's time within clock_ms; upTime never goes back \
        and advances as the runner's clock does";
    outcome(
        "coherence.clock.status",
        &system::status::FUNCTION,
        expected,
        log,
        judged,
    )
}

fn judge_status(readings: &[Reading], wall: &Wall, tolerance: f64) -> Judged {
    for pair in readings.windows(2) {
        if pair[1].up_time < pair[0].up_time {
            return Judged::Fail(format!(
                "upTime went from {} s to {} s, and the runner restarted nothing",
                pair[0].up_time, pair[1].up_time
            ));
        }
    }
    let worst = readings
        .iter()
        .map(|r| {
            let stated = r.system_time as f64;
            skew(stated, wall.unix(r.sent), wall.unix(r.received))
        })
        .fold(0.0_f64, |worst, skew| {
            if skew.abs() > worst.abs() {
                skew
            } else {
                worst
            }
        });
    if worst.abs() > tolerance {
        return Judged::NonStrict(
            "system-time",
            format!(
                "systemTime is {} the runner's clock",
                ahead_or_behind(worst)
            ),
        );
    }
    let punctual: Vec<&Reading> = readings
        .iter()
        .filter(|r| (r.received - r.sent).as_secs_f64() <= tolerance)
        .collect();
    let (Some(first), Some(last)) = (punctual.first(), punctual.last()) else {
        return Judged::Undecided(format!(
            "every system/status reply took longer than the {tolerance} s tolerance"
        ));
    };
    let shortest = last
        .sent
        .saturating_duration_since(first.received)
        .as_secs_f64();
    let longest = (last.received - first.sent).as_secs_f64();
    let advanced = (last.up_time - first.up_time) as f64;
    if shortest >= 1.0
        && (advanced < shortest.floor() - 1.0 - tolerance || advanced > longest + 1.0 + tolerance)
    {
        return Judged::NonStrict(
            "system-time",
            format!(
                "upTime advanced {advanced} s while the runner's clock advanced {shortest:.1} to \
                 {longest:.1} s"
            ),
        );
    }
    Judged::Pass(format!(
        "{} readings: systemTime within {tolerance} s of the runner's clock; upTime advanced \
         {advanced} s in {shortest:.1} to {longest:.1} s",
        readings.len()
    ))
}
