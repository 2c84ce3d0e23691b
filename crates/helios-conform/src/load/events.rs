//! Event latency: a switch is toggled with `switch/ctrl` while a `log/pull` waits on a channel
//! subscribed to `SwitchStateChanged`; the latency runs from when the `switch/ctrl` was due to
//! the arrival of the pull reply carrying that switch's record with the new state.
//!
//! Samples are paced open-loop like every request of load mode, one at a time (two toggles of
//! one switch at once could not be told apart), each due at a fixed time: a sample that starts
//! late because the one before it was slow counts its lateness. The switch is put back as it
//! was at the end.

use std::sync::Arc;
use std::time::Duration;

use helios_client::{Call, Client};
use helios_spec::functions::{log, switch};
use helios_spec::{Group, Method, Privilege};
use helios_wire::event::{Event, read_pull};
use serde_json::Value;
use tokio::time::Instant;

use super::pacing::{Latencies, Schedule};
use super::report::{EventFigures, LoadReport};
use super::{Clients, LoadError, result};
use crate::discovery::Discovered;
use crate::profile::Checked;

/// The most samples a second: each is a status, a pull or two and a control.
const MAX_SAMPLES_PER_SECOND: f64 = 2.0;
/// How long before a sample's `switch/ctrl` is due its status is read and its pull sent.
const LEAD: Duration = Duration::from_millis(100);
/// How long a sample waits for its event.
const PATIENCE: Duration = Duration::from_secs(5);

/// The three clients of the phase.
struct Phase {
    control: Arc<Client>,
    status: Arc<Client>,
    log: Arc<Client>,
    switch: u8,
}

/// The name of the event waited for, as the typed event spells it.
fn event_name() -> String {
    Event::SwitchStateChanged {
        switch: 0,
        state: false,
    }
    .name()
    .to_owned()
}

pub(crate) async fn measure(
    clients: &Clients<'_>,
    profile: &Checked,
    found: &Discovered,
    rate: u32,
    duration: Duration,
    report: &mut LoadReport,
) {
    let phase = match Phase::new(clients, profile, found) {
        Ok(phase) => phase,
        Err(note) => {
            report.notes.push(note);
            return;
        }
    };
    let subscribed = result(
        &phase.log,
        Call::new(&log::subscribe::FUNCTION).param("filter", event_name()),
    )
    .await
    .and_then(|r| {
        r["id"]
            .as_u64()
            .ok_or_else(|| LoadError::Answer(format!("no channel id in {r}")))
    });
    let channel = match subscribed {
        Ok(id) => id,
        Err(why) => {
            report.notes.push(format!("events: log/subscribe: {why}"));
            return;
        }
    };
    let original = phase.active().await;
    let samples_per_second = (f64::from(rate) / 4.0).min(MAX_SAMPLES_PER_SECOND);
    let mut schedule = Schedule::new(samples_per_second, duration);
    let mut latencies = Latencies::default();
    let mut missed = 0;
    while let Some(due) = schedule.next().await {
        let ctrl_due = due + LEAD;
        match phase.sample(channel, ctrl_due).await {
            Ok(latency) => latencies.record(latency),
            Err(why) => {
                missed += 1;
                if missed == 1 {
                    report.notes.push(format!("events: a sample missed: {why}"));
                }
            }
        }
    }
    // Put the switch back, and close the channel.
    if let (Ok(before), Ok(now)) = (original, phase.active().await)
        && before != now
    {
        let _ = phase.control.send(phase.ctrl_call(before)).await;
    }
    let _ = phase
        .log
        .send(Call::new(&log::unsubscribe::FUNCTION).param("id", channel))
        .await;
    report.events = Some(EventFigures {
        switch: phase.switch,
        samples: schedule.sent(),
        missed,
        latency: latencies.percentiles(),
    });
}

impl Phase {
    /// The clients of the phase and the first enabled switch; or the note that says why the
    /// phase cannot run.
    fn new(clients: &Clients<'_>, profile: &Checked, found: &Discovered) -> Result<Self, String> {
        let ctrl = &switch::ctrl::FUNCTION;
        let tier = ctrl.tier(Method::Get);
        if !tier.is_some_and(|tier| tier.allowed_by_default() || profile.tiers.contains(&tier)) {
            return Err("events: the profile's tiers do not allow switch/ctrl".into());
        }
        let Some(&(switch, _)) = found.switches.iter().find(|(_, enabled)| *enabled) else {
            return Err("events: no switch is enabled".into());
        };
        // The privilege the event needs, from the spec (erratum `switch-event-privilege`).
        let seen_with = helios_spec::event(&event_name()).and_then(|e| e.privilege);
        let phase = (|| {
            Ok::<_, LoadError>(Phase {
                control: clients.for_function(ctrl, Some(Privilege::control(Group::Switch)))?,
                status: clients.for_function(
                    &switch::status::FUNCTION,
                    Some(Privilege::monitoring(Group::Switch)),
                )?,
                log: clients.for_function(&log::pull::FUNCTION, seen_with)?,
                switch,
            })
        })();
        phase.map_err(|why| format!("events: {why}"))
    }

    /// Whether the switch is active now (`switch/status`).
    async fn active(&self) -> Result<bool, LoadError> {
        let status = result(
            &self.status,
            Call::new(&switch::status::FUNCTION).param("switch", self.switch),
        )
        .await?;
        status["switches"]
            .as_array()
            .and_then(|items| {
                items
                    .iter()
                    .find(|item| item["switch"].as_u64() == Some(u64::from(self.switch)))
            })
            .and_then(|item| item["active"].as_bool())
            .ok_or_else(|| {
                LoadError::Answer(format!(
                    "switch/status says nothing of switch {}: {status}",
                    self.switch
                ))
            })
    }

    fn ctrl_call(&self, on: bool) -> Call {
        Call::new(&switch::ctrl::FUNCTION)
            .param("switch", self.switch)
            .param("action", if on { "on" } else { "off" })
    }

    /// One sample: the switch changed at `ctrl_due`; the time until its event arrived.
    async fn sample(&self, channel: u64, ctrl_due: Instant) -> Result<Duration, LoadError> {
        let expected = !self.active().await?;
        let waiting = tokio::spawn(wait_for(
            self.log.clone(),
            channel,
            self.switch,
            expected,
            ctrl_due + PATIENCE,
        ));
        tokio::time::sleep_until(ctrl_due).await;
        let controlled = result(&self.control, self.ctrl_call(expected)).await;
        if let Err(why) = controlled {
            waiting.abort();
            return Err(LoadError::Answer(format!("switch/ctrl: {why}")));
        }
        match waiting.await {
            Ok(Ok(arrived)) => Ok(arrived.saturating_duration_since(ctrl_due)),
            Ok(Err(why)) => Err(why),
            Err(error) => Err(LoadError::Answer(error.to_string())),
        }
    }
}

/// Pulls `channel` until the record of `switch` going to `state` arrives; returns when it did.
async fn wait_for(
    log: Arc<Client>,
    channel: u64,
    switch: u8,
    state: bool,
    deadline: Instant,
) -> Result<Instant, LoadError> {
    while Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now()).as_secs();
        let call = Call::new(&log::pull::FUNCTION)
            .param("id", channel)
            .param("timeout", left.clamp(1, 5));
        let pulled: Value = result(&log, call).await?;
        let arrived = Instant::now();
        let records = read_pull(&pulled)?;
        let found = records.into_iter().flatten().any(|(record, _)| {
            matches!(record.event, Event::SwitchStateChanged { switch: s, state: st }
                if s == u32::from(switch) && st == state)
        });
        if found {
            return Ok(arrived);
        }
    }
    Err(LoadError::Answer(format!(
        "no SwitchStateChanged of switch {switch} to {state} within {} s",
        PATIENCE.as_secs()
    )))
}
