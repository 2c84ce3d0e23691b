//! The times a device states against the runner's clock: the `Date` header of each reply
//! (`coherence.clock.date`) and `system/status` (`coherence.clock.status`).

use helios_spec::functions::system;

use super::{Judged, Reading, Seen, Wall, outcome};
use crate::model::Log;
use crate::profile::Tolerances;
use crate::run::Outcome;

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
    read: Result<Reading, Judged>,
) -> Outcome {
    let tolerance = tolerances.clock_ms as f64 / 1000.0;
    let judged = match read {
        Ok(_) => judge_status(&seen.readings, wall, tolerance),
        Err(judged) => judged,
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
