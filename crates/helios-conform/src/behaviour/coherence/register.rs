//! `coherence.phone.register`: the `registerTime` of `phone/status` against the device's own
//! clock: no registration in the future, none from before the device started.

use helios_client::Call;
use helios_spec::functions::{phone, system};

use super::{Judged, Seen, available, outcome};
use crate::model::Log;
use crate::run::Outcome;
use crate::session::Session;

pub(super) async fn register(session: &mut Session<'_>, seen: &mut Seen) -> Outcome {
    let mut log = Log::default();
    let judged = match judge(session, seen, &mut log).await {
        Ok(judged) | Err(judged) => judged,
    };
    outcome(
        "coherence.phone.register",
        &phone::status::FUNCTION,
        "the registerTime of each registered account is no later than systemTime read after it \
         and no earlier than the device's start, within boot_ms",
        log,
        judged,
    )
}

async fn judge(
    session: &mut Session<'_>,
    seen: &mut Seen,
    log: &mut Log,
) -> Result<Judged, Judged> {
    available(
        session,
        &[&phone::status::FUNCTION, &system::status::FUNCTION],
    )?;
    let answer = seen
        .send(session, log, Call::new(&phone::status::FUNCTION))
        .await?;
    let result = answer.success()?.clone();
    // Read after phone/status: every registration it reports happened before this.
    let reading = seen.status(session, log).await?;
    let registered: Vec<(String, i64)> = result["accounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|account| account["registered"] == true)
        .filter_map(|account| {
            let time = account["registerTime"].as_i64()?;
            Some((account["account"].to_string(), time))
        })
        .collect();
    if registered.is_empty() {
        return Ok(Judged::NotApplicable(
            "no SIP account is registered: no registerTime to judge".into(),
        ));
    }
    for (account, time) in &registered {
        // A second of rounding between two readings of the same clock.
        if *time > reading.system_time + 1 {
            return Ok(Judged::Fail(format!(
                "account {account}'s registerTime {time} is {} s after the systemTime {} read \
                 after it: a registration in the future",
                time - reading.system_time,
                reading.system_time
            )));
        }
    }
    let tolerance = i64::try_from(session.profile.tolerances.boot_ms.div_ceil(1000)).unwrap_or(0);
    for (account, time) in &registered {
        if *time < reading.boot() - tolerance {
            return Ok(Judged::NonStrict(
                "register-time",
                format!(
                    "account {account}'s registerTime {time} is {} s before the device started \
                     ({}, systemTime - upTime)",
                    reading.boot() - time,
                    reading.boot()
                ),
            ));
        }
    }
    Ok(Judged::Pass(format!(
        "{} registered account(s), registered after the start and before systemTime {}",
        registered.len(),
        reading.system_time
    )))
}
