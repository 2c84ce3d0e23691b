//! `timing`: time as conformance. A pull with `timeout` on an empty channel answers after its
//! timeout and at once when an event arrives (5.26); a channel closes `duration` after its last
//! pull, and a pull extends it (5.24); a monostable switch turns off after its
//! `switchOnDuration` (5.8); an MJPEG stream with `fps` delivers that rate, and `time=-5` gives
//! the frame of five seconds ago (5.20, `timing/camera.rs`). The checks run side by side, each with
//! clients of its own, so that the group takes as long as its longest check (about 6 s).
//!
//! Tolerances are the lab profile's `[tolerances]`; the defaults and why:
//! - `pull_ms`, `switch_ms`, `channel_ms` = 500: the manual counts these in whole seconds, so
//!   half a second catches a device that rounds the wrong way, ignores the number or counts
//!   from the wrong moment, while scheduling and a LAN's latency stay far below it.
//! - `event_ms` = 1000: a device may log an action's event just after replying to it.
//! - `fps_percent` = 20: the rate is measured over 3 s at 5 fps (5 divides the 15, 25 and 30 Hz
//!   of common sensors, so a device need not alternate frame spacing); one frame more or less
//!   is 7 %, encoding and TCP jitter a few more; a device that ignores `fps` (sends its sensor
//!   rate, or one frame a second) is off by 66 % or more.
//! - `snapshot_ms` = 1500: the memory holds one frame per whole second (erratum
//!   `snapshot-time-before-start`), so the frame may be up to 1 s older than exactly N s, plus
//!   the spacing of the runner's reference frames and the requests' latency.
//!
//! A check whose own requests were too late to decide (a loaded machine) is inconclusive,
//! never a failure: each judgement uses the instants the requests actually left and returned.

use std::time::Duration;

use helios_client::{Call, Client};
use helios_spec::functions::{io, log, switch};
use helios_spec::{ErrorCode, Function, Tier};
use tokio::time::{sleep, sleep_until};

use super::{Group, Outcomes};
use crate::model::{Answer, Departure, Log};
use crate::run::Outcome;
use crate::session::Session;
use crate::verdict::Verdict;

mod camera;
mod deadline;

pub(super) const GROUP: Group = Group {
    id: "timing",
    tier: Tier::Reversible,
    restarts: false,
    run,
};

/// What a timing check found.
#[derive(Debug)]
pub(super) enum Found {
    Pass(String),
    Fail(String),
    NotApplicable(String),
    /// The runner could not decide (too late, the scene did not change...).
    Undecided(String),
}

impl From<Departure> for Found {
    fn from(departure: Departure) -> Self {
        match departure {
            Departure::Fail(why) => Self::Fail(why),
            Departure::Harness(why) => Self::Undecided(why),
        }
    }
}

pub(super) fn outcome(
    id: &str,
    function: &Function,
    expected: &str,
    log: Log,
    found: Found,
) -> Outcome {
    let mut outcome = Outcome::new(id, function, "timing");
    outcome.expected = expected.into();
    outcome.verdict = match found {
        Found::Pass(observed) => {
            outcome.observed = observed;
            Verdict::Pass
        }
        Found::Fail(why) => Verdict::Fail(why),
        Found::NotApplicable(why) => Verdict::NotApplicable(why),
        Found::Undecided(why) => Verdict::undecided(why),
    };
    outcome.exchanges = log.exchanges;
    outcome.findings = log.findings;
    outcome
}

fn run<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(async move {
        let session: &Session<'_> = session;
        let (a, b, c, d, e, f) = tokio::join!(
            pull_timeout(session),
            pull_event(session),
            deadline::channel_duration(session),
            deadline::monostable(session),
            camera::fps(session),
            camera::memory(session),
        );
        vec![a, b, c, d, e, f]
    })
}

/// A client of the full account for `function`'s service.
pub(super) fn client(session: &Session<'_>, function: &Function) -> Result<Client, Found> {
    session
        .fresh_client(session.transport_for(function), session.full_login())
        .map_err(Found::Undecided)
}

fn ms(duration: Duration) -> u128 {
    duration.as_millis()
}

/// An event type the runner never raises while timing, for channels that must stay empty.
fn quiet_filter(session: &Session<'_>) -> Option<&'static str> {
    ["DeviceState", "RegistrationStateChanged"]
        .into_iter()
        .find(|e| session.discovered.events.iter().any(|s| s == e))
}

async fn subscribe(
    client: &Client,
    filter: &str,
    duration: u64,
    log: &mut Log,
) -> Result<(u32, Answer), Departure> {
    let call = Call::new(&log::subscribe::FUNCTION)
        .param("filter", filter)
        .param("duration", duration);
    let answer = log.send_with(client, call).await?;
    let id = answer.success()?["id"]
        .as_u64()
        .and_then(|id| u32::try_from(id).ok())
        .ok_or_else(|| Departure::Fail("log/subscribe gave no id".into()))?;
    Ok((id, answer))
}

fn pull(id: u32, timeout: u64) -> Call {
    Call::new(&log::pull::FUNCTION)
        .param("id", id)
        .param("timeout", timeout)
}

async fn unsubscribe(client: &Client, id: u32, log: &mut Log) {
    let _ = log
        .send_with(
            client,
            Call::new(&log::unsubscribe::FUNCTION).param("id", id),
        )
        .await;
}

async fn pull_timeout(session: &Session<'_>) -> Outcome {
    let mut log = Log::default();
    let found = pull_timeout_found(session, &mut log)
        .await
        .unwrap_or_else(Found::from);
    let expected = "a pull with timeout=2 on an empty channel answers an empty list after 2 s";
    outcome(
        "timing.pull.timeout",
        &log::pull::FUNCTION,
        expected,
        log,
        found,
    )
}

async fn pull_timeout_found(session: &Session<'_>, log: &mut Log) -> Result<Found, Departure> {
    let Some(filter) = quiet_filter(session) else {
        return Ok(Found::NotApplicable(
            "log/caps lists no event that stays quiet".into(),
        ));
    };
    let client = match client(session, &log::pull::FUNCTION) {
        Ok(client) => client,
        Err(found) => return Ok(found),
    };
    let tolerance = Duration::from_millis(session.profile.tolerances.pull_ms);
    let (id, _) = subscribe(&client, filter, 30, log).await?;
    let answer = log.send_with(&client, pull(id, 2)).await?;
    unsubscribe(&client, id, log).await;
    let events = log.records(answer.success()?)?.len();
    let took = answer.received - answer.sent;
    let wanted = Duration::from_secs(2);
    Ok(if events > 0 {
        Found::Undecided(format!("{events} {filter} events arrived during the wait"))
    } else if took + tolerance < wanted {
        Found::Fail(format!(
            "answered after {} ms, before its 2 s timeout",
            ms(took)
        ))
    } else if took > wanted + tolerance {
        Found::Fail(format!(
            "answered after {} ms, {} ms late",
            ms(took),
            ms(took - wanted)
        ))
    } else {
        Found::Pass(format!(
            "answered after {} ms (± {} ms)",
            ms(took),
            ms(tolerance)
        ))
    })
}

async fn pull_event(session: &Session<'_>) -> Outcome {
    let mut log = Log::default();
    let found = pull_event_found(session, &mut log)
        .await
        .unwrap_or_else(Found::from);
    let expected = "a waiting pull answers as soon as an event arrives";
    outcome(
        "timing.pull.event",
        &log::pull::FUNCTION,
        expected,
        log,
        found,
    )
}

async fn pull_event_found(session: &Session<'_>, log: &mut Log) -> Result<Found, Departure> {
    let Some(port) = session.discovered.outputs.first().cloned() else {
        return Ok(Found::NotApplicable(
            "no output to raise an event with".into(),
        ));
    };
    let (waiter, actor) = match (
        client(session, &log::pull::FUNCTION),
        client(session, &io::ctrl::FUNCTION),
    ) {
        (Ok(waiter), Ok(actor)) => (waiter, actor),
        (Err(found), _) | (_, Err(found)) => return Ok(found),
    };
    let tolerance = Duration::from_millis(session.profile.tolerances.pull_ms);
    let ctrl = |action: &str| {
        Call::new(&io::ctrl::FUNCTION)
            .param("port", port.as_str())
            .param("action", action)
    };
    log.send_with(&actor, ctrl("off")).await?.success()?;
    let (id, _) = subscribe(&waiter, "OutputChanged", 30, log).await?;
    let mut actor_log = Log::default();
    let (waited, acted) = tokio::join!(log.send_with(&waiter, pull(id, 5)), async {
        sleep(Duration::from_secs(1)).await;
        actor_log.send_with(&actor, ctrl("on")).await
    });
    let _ = actor_log.send_with(&actor, ctrl("off")).await;
    log.exchanges.append(&mut actor_log.exchanges);
    unsubscribe(&waiter, id, log).await;
    let (waited, acted) = (waited?, acted?);
    acted.success()?;
    let events = log.records(waited.success()?)?.len();
    let after = waited.received.saturating_duration_since(acted.received);
    Ok(if waited.received < acted.sent {
        Found::Fail(format!(
            "the pull answered {} ms after it was sent, before its timeout and before any event",
            ms(waited.received - waited.sent)
        ))
    } else if events == 0 {
        Found::Fail("the pull answered without the OutputChanged event".into())
    } else if after > tolerance {
        Found::Fail(format!(
            "the pull answered {} ms after the event's action",
            ms(after)
        ))
    } else {
        Found::Pass(format!(
            "answered {} ms after the event's action",
            ms(after)
        ))
    })
}
