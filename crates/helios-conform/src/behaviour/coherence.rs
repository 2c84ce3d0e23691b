//! `coherence`: every fact a device states in one reply against what it states elsewhere,
//! against what it then does, and against time. A runner that judges each reply alone passes a
//! device whose replies are each well formed but disagree; these cases set them side by side,
//! one oracle each:
//!
//! - `coherence.caps.events` (5.23, 5.26, erratum `log-caps-complete`): every event a channel
//!   delivers is of a type `log/caps` lists, and names a switch `switch/caps` lists or a port
//!   of its direction `io/caps` lists.
//! - `coherence.caps.ports` (5.11, 5.12): `io/status` lists exactly the ports `io/caps` lists;
//!   with `port` each answers that one port.
//! - `coherence.clock.date` (2, erratum `date-header`): each reply's `Date` header against the
//!   runner's clock.
//! - `coherence.clock.status` (5.2, erratum `system-time`): `systemTime` against the runner's
//!   clock; `upTime` never going back, and advancing as the runner's clock does.
//! - `coherence.clock.boot` (5.2, 5.26, erratum `boot-time`): `utcTime - upTime` of every event
//!   since the start against `systemTime - upTime`.
//! - `coherence.clock.cause` (5.26, erratum `event-stamp-cause`): the event of the runner's own
//!   `switch/ctrl` (`io/ctrl` on a device without a switch) stamped between the `upTime`s read
//!   before and after it, two quiet seconds after the last event the runner caused
//!   (`coherence/action.rs`).
//! - `coherence.clock.order` (5.26, erratum `event-stamp-order`): in id order, no event stamped
//!   before the one logged ahead of it.
//! - `coherence.phone.register` (5.14, erratum `register-time`): `registerTime` neither in the
//!   future nor before the device started.
//! - `coherence.effect.display` (5.22, erratum `display-effect`): an uploaded image is shown and
//!   a deleted one gone, as the lab's stimulus interface or the operator (`--interactive`) sees
//!   it; with neither, not applicable.
//!
//! (`switch/status` against `switch/caps`, `switch=N` answering one switch and control of a
//! disabled switch are the switch model's; a snapshot's size against `camera/caps`, the request
//! cases'; ids in delivery order, the channel model's recorder.)
//!
//! Tolerances are the lab profile's `[tolerances]`; the defaults and why:
//! - `clock_ms` = 2000: a lab keeps the device and the runner on NTP, within milliseconds of
//!   each other; the device states whole seconds (up to 1 s short); another second covers a
//!   clock that rounds rather than truncates. A device that keeps local time, or was never set,
//!   is off by minutes or hours.
//! - `boot_ms` = 5000: `utcTime - upTime` from two whole-second readings is exact within 2 s,
//!   and devices in the field jitter by a few seconds (clients ignore changes under 5 s).
//! - `event_ms` (`behaviour/timing.rs`): how long after its reply an action's event may be
//!   stamped.
//!
//! Time here is the device's own where it can be: an event's stamp is set against `upTime`s
//! read before and after its cause, so the runner's lateness only widens the window. Against
//! the runner's clock, a reading counts for the window between its request and its reply; a
//! stated time outside that window (plus the tolerance) is a finding whatever the load, and a
//! window wider than the tolerance cannot show a skew within it: such a check is inconclusive,
//! never a failure.

mod action;
mod caps;
mod clock;
mod effect;
mod history;
mod register;
mod stamps;

use std::time::{SystemTime, UNIX_EPOCH};

use helios_client::{Call, Exchange};
use helios_spec::functions::system;
use helios_spec::{Function, Tier};
use serde_json::Value;
use tokio::time::Instant;

use super::{Group, Outcomes};
use crate::model::{Answer, Departure, Log};
use crate::run::Outcome;
use crate::session::Session;
use crate::verdict::Verdict;

pub(super) const GROUP: Group = Group {
    id: "coherence",
    tier: Tier::Reversible,
    restarts: false,
    run,
};

/// What one oracle found.
#[derive(Clone, Debug)]
enum Judged {
    Pass(String),
    Fail(String),
    NonStrict(&'static str, String),
    NotApplicable(String),
    /// The runner could not decide (its requests too late, the harness failed).
    Undecided(String),
}

impl From<Departure> for Judged {
    fn from(departure: Departure) -> Self {
        match departure {
            Departure::Fail(why) => Self::Fail(why),
            Departure::Harness(why) => Self::Undecided(why),
        }
    }
}

/// The runner's wall clock, read once, so that the instants of answers can be set against the
/// Unix times a device states.
#[derive(Clone, Copy, Debug)]
struct Wall {
    at: Instant,
    unix: f64,
}

impl Wall {
    fn now() -> Self {
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        Self {
            at: Instant::now(),
            unix,
        }
    }

    /// Unix time at `instant`, in seconds.
    fn unix(&self, instant: Instant) -> f64 {
        if instant >= self.at {
            self.unix + (instant - self.at).as_secs_f64()
        } else {
            self.unix - (self.at - instant).as_secs_f64()
        }
    }
}

/// One reply, when its request left and it came back, and its `Date` header.
#[derive(Debug)]
struct Dated {
    sent: Instant,
    received: Instant,
    date: Option<String>,
    exchange: Exchange,
}

/// One `system/status` reading.
#[derive(Clone, Copy, Debug)]
struct Reading {
    system_time: i64,
    up_time: i64,
    sent: Instant,
    received: Instant,
}

impl Reading {
    /// When the device started, by this reading.
    fn boot(&self) -> i64 {
        self.system_time - self.up_time
    }
}

/// What the group's requests saw, shared by its oracles.
#[derive(Debug, Default)]
struct Seen {
    dates: Vec<Dated>,
    readings: Vec<Reading>,
    /// Why a `system/status` reading failed, the first time one did.
    unread: Option<Judged>,
}

impl Seen {
    /// Sends `call` as the full account, keeping when it went and its `Date`.
    async fn send(
        &mut self,
        session: &mut Session<'_>,
        log: &mut Log,
        call: Call,
    ) -> Result<Answer, Departure> {
        let answer = log.send(session, call).await;
        if let (Ok(answer), Some(exchange)) = (&answer, log.exchanges.last()) {
            self.dates.push(Dated {
                sent: answer.sent,
                received: answer.received,
                date: exchange.response.header("date").map(str::to_owned),
                exchange: exchange.clone(),
            });
        }
        answer
    }

    /// Reads `system/status`; not applicable where the device cannot answer it (no licence).
    async fn status(
        &mut self,
        session: &mut Session<'_>,
        log: &mut Log,
    ) -> Result<Reading, Judged> {
        let reading = self.read_status(session, log).await;
        if let Err(judged) = &reading {
            self.unread.get_or_insert_with(|| judged.clone());
        }
        reading
    }

    async fn read_status(
        &mut self,
        session: &mut Session<'_>,
        log: &mut Log,
    ) -> Result<Reading, Judged> {
        available(session, &[&system::status::FUNCTION])?;
        let answer = self
            .send(session, log, Call::new(&system::status::FUNCTION))
            .await?;
        let result = answer.success()?;
        let field = |name: &str| {
            result.get(name).and_then(Value::as_i64).ok_or_else(|| {
                Departure::Fail(format!("system/status gave no integer {name}: {result}"))
            })
        };
        let reading = Reading {
            system_time: field("systemTime")?,
            up_time: field("upTime")?,
            sent: answer.sent,
            received: answer.received,
        };
        self.readings.push(reading);
        Ok(reading)
    }
}

fn run<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(async move {
        let wall = Wall::now();
        let mut seen = Seen::default();
        let mut status_log = Log::default();
        let first = seen.status(session, &mut status_log).await;
        // The action whose event's stamp is judged waits two seconds after the setup, so that
        // a stamp not taken at the action shows; the port checks fill the wait.
        let mut history_log = Log::default();
        let prepared = action::prepare(session, &mut seen, &mut history_log).await;
        let ports = caps::ports(session, &mut seen).await;
        let acted = action::act(session, &mut seen, &mut history_log, prepared).await;
        let history = history::read(session, &mut seen, &mut history_log, &acted).await;
        let evidence = history_log.exchanges;
        let events = caps::events(session, &mut seen, &history, &evidence).await;
        let register = register::register(session, &mut seen).await;
        let display = effect::display(session, &mut seen).await;
        let last = seen.status(session, &mut status_log).await;
        let tolerances = session.profile.tolerances;
        let mut outcomes = vec![events, ports];
        outcomes.push(clock::date(&seen, &wall, &tolerances));
        outcomes.push(clock::status(
            &seen,
            &wall,
            &tolerances,
            status_log,
            first.and(last),
        ));
        outcomes.extend(stamps::outcomes(
            &seen,
            &history,
            &acted,
            &tolerances,
            &evidence,
        ));
        outcomes.push(register);
        outcomes.push(display);
        outcomes
    })
}

/// The outcome of one oracle.
fn outcome(id: &str, function: &Function, expected: &str, log: Log, judged: Judged) -> Outcome {
    let mut outcome = Outcome::new(id, function, "coherence");
    outcome.expected = expected.into();
    outcome.verdict = match judged {
        Judged::Pass(observed) => {
            outcome.observed = observed;
            Verdict::Pass
        }
        Judged::Fail(why) => Verdict::Fail(why),
        Judged::NonStrict(erratum, why) => Verdict::NonStrict { erratum, why },
        Judged::NotApplicable(why) => Verdict::NotApplicable(why),
        Judged::Undecided(why) => Verdict::undecided(why),
    };
    // What the readers tolerated reaches the verdict when the case is finished.
    outcome.findings = log.findings;
    outcome.exchanges = log.exchanges;
    outcome
}

/// Not applicable unless every one of `functions` can succeed on this device.
fn available(session: &Session<'_>, functions: &[&'static Function]) -> Result<(), Judged> {
    functions
        .iter()
        .find_map(|function| session.unavailable(function))
        .map_or(Ok(()), |why| Err(Judged::NotApplicable(why)))
}
