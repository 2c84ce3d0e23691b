//! `log/caps`, `log/subscribe`, `log/unsubscribe` and `log/pull` (manual 5.23 to 5.26).

use std::time::Duration;

use helios_spec::functions::log;
use helios_spec::{Condition, EVENTS, ErrorCode, Privilege};
use helios_wire::ApiError;
use helios_wire::envelope::write_success;
use helios_wire::event::{Event, EventRecord};
use helios_wire::params::{Include, Typed};
use serde_json::json;

use super::Call;
use crate::auth::Caller;
use crate::device::Device;
use crate::events::{LogError, Viewer};
use crate::faults::{Fault, Faults, quirks};
use crate::reply::Reply;

/// The event types this device can raise: the model's hardware and licences decide, and the
/// firmware generation (5.23: "a subset of the full event type list").
pub fn supported_events(device: &Device) -> Vec<&'static str> {
    let config = device.config();
    let profile = &*config;
    EVENTS
        .iter()
        .filter(|event| event.origin.present_in(profile.firmware()))
        .filter(|event| match event.condition {
            Condition::Always => true,
            Condition::Hardware(hardware) => profile.has_hardware(hardware),
            Condition::Licence(licence) => profile.has_licence(licence),
        })
        .map(|event| event.name)
        .collect()
}

pub(super) fn caps(device: &Device, _: &Call) -> Result<Reply, ApiError> {
    let mut events = supported_events(device);
    if device.faults().has(Fault::UncappedEvent) {
        events.retain(|name| *name != "SwitchStateChanged");
    }
    let result = json!({ "events": events });
    if device.faults().has(Fault::JsonAsHtml) {
        return Ok(Reply::Raw {
            content_type: "text/html",
            body: write_success(Some(&result)).into(),
        });
    }
    Ok(Reply::Json(Some(result)))
}

fn log_error(error: LogError) -> ApiError {
    match error {
        // Erratum unknown-subscription: 12 naming id.
        LogError::UnknownChannel(_) => {
            ApiError::with_param(ErrorCode::InvalidParameter, log::ID, error.to_string())
        }
        // Errata channel-limit and channel-share.
        LogError::TooManyChannels | LogError::AccountShare(_) => {
            ApiError::new(ErrorCode::ProcessingError, error.to_string())
        }
    }
}

/// The account that sent the call, if any: a channel is its opener's.
fn user(call: &Call) -> Option<&str> {
    match &call.caller {
        Caller::Anonymous => None,
        Caller::Account(user) => Some(user),
    }
}

fn channel_id(call: &Call) -> u32 {
    call.params
        .int(log::ID)
        .and_then(|id| u32::try_from(id).ok())
        .unwrap_or_default()
}

pub(super) fn subscribe(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let viewer = match &call.caller {
        Caller::Anonymous => Viewer::Anyone,
        Caller::Account(user) => Viewer::Account {
            user: user.clone(),
            privileges: device
                .config()
                .account(user)
                .map(|account| Privilege::all().filter(|p| account.holds(*p)).collect())
                .unwrap_or_default(),
        },
    };
    let filter = match call.params.get(log::subscribe::FILTER) {
        Some(Typed::Events(_)) if device.faults().has(Fault::FilterIgnored) => Vec::new(),
        Some(Typed::Events(names)) => names.clone(),
        _ => Vec::new(),
    };
    let include = match call.params.get(log::subscribe::INCLUDE) {
        Some(Typed::Include(include)) => *include,
        _ => Include::New,
    };
    let seconds = call
        .params
        .int(log::subscribe::DURATION)
        .unwrap_or(log::subscribe::DEFAULT_DURATION);
    let duration = if device.faults().has(Fault::ChannelNeverExpires) {
        Duration::from_secs(u64::from(u32::MAX))
    } else {
        Duration::from_secs(u64::try_from(seconds).unwrap_or(90))
    };
    let now = device.now();
    let share = device.profile.system.channels_per_account as usize;
    let id = device.with_state(|state, _| {
        // Unpredictable 32-bit ids, never 0 and never one that is open.
        let id = loop {
            let candidate: u32 = rand::random();
            if candidate != 0 && !state.events.is_open(candidate) {
                break candidate;
            }
        };
        state
            .events
            .subscribe(id, viewer, filter, include, duration, now, share)
            .map_err(log_error)
    })?;
    Ok(Reply::Json(Some(json!({ "id": id }))))
}

pub(super) fn unsubscribe(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let id = channel_id(call);
    let caller = user(call);
    match device.with_state(|state, _| state.events.unsubscribe(id, caller)) {
        Err(LogError::UnknownChannel(_)) if device.faults().has(Fault::UnsubscribeUnknown) => {}
        result => result.map_err(log_error)?,
    }
    Ok(Reply::Json(None))
}

/// The reply of a pull: `{"events":[...]}`, each record written straight to text (the same
/// bytes as the value), or what the faulty firmware writes (`pull-duplicates`,
/// `switch-event-inverted`, `pull-trailing-comma` and the event quirks).
fn events_reply(faults: Faults, records: &[EventRecord]) -> Reply {
    if faults.has(Fault::PullDuplicates)
        || faults.has(Fault::SwitchEventInverted)
        || faults.has(Fault::PullTrailingComma)
        || quirks::rewrites_events(faults)
    {
        return faulty_events_reply(faults, records);
    }
    let mut text = Vec::with_capacity(16 + records.len() * 160);
    text.extend_from_slice(br#"{"events":["#);
    for (index, record) in records.iter().enumerate() {
        if index > 0 {
            text.push(b',');
        }
        record.write_json(&mut text);
    }
    text.extend_from_slice(b"]}");
    Reply::JsonText(text)
}

/// The records as the faulty firmware writes them.
fn faulty_events_reply(faults: Faults, records: &[EventRecord]) -> Reply {
    let times = if faults.has(Fault::PullDuplicates) {
        2
    } else {
        1
    };
    let events: Vec<serde_json::Value> = records
        .iter()
        .flat_map(|record| std::iter::repeat_n(record, times))
        .map(|record| match &record.event {
            Event::SwitchStateChanged { switch, state }
                if faults.has(Fault::SwitchEventInverted) =>
            {
                EventRecord {
                    event: Event::SwitchStateChanged {
                        switch: *switch,
                        state: !state,
                    },
                    ..record.clone()
                }
                .to_json()
            }
            _ => record.to_json(),
        })
        .map(|mut record| {
            quirks::rewrite_event(faults, &mut record);
            record
        })
        .collect();
    let result = json!({ "events": events });
    if faults.has(Fault::PullTrailingComma) {
        return quirks::trailing_comma(write_success(Some(&result)));
    }
    Reply::Json(Some(result))
}

/// What a pull takes from the channel, stamped as the device reports it.
fn take(
    device: &Device,
    state: &mut crate::device::State,
    id: u32,
    now: Duration,
    caller: Option<&str>,
) -> Result<Vec<EventRecord>, LogError> {
    let records = state.events.pull(id, now, caller)?;
    Ok(crate::faults::stamps::reported(
        device.faults(),
        &state.events,
        records,
    ))
}

/// At once when the channel holds events; otherwise the reply waits until an event arrives or
/// `timeout` seconds of device time pass. The wait is capped at the channel's duration
/// (erratum `pull-timeout-max`).
pub(super) fn pull(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let id = channel_id(call);
    let timeout = u64::try_from(call.params.int(log::pull::TIMEOUT).unwrap_or(0)).unwrap_or(0);
    let now = device.now();
    let (records, duration) = device
        .with_state(|state, _| {
            let records = take(device, state, id, now, user(call))?;
            let duration = state
                .events
                .channels()
                .find(|c| c.id == id)
                .map(|c| c.duration)
                .unwrap_or_default();
            Ok((records, duration))
        })
        .map_err(log_error)?;
    let faults = device.faults();
    if !records.is_empty() || timeout == 0 || faults.has(Fault::PullTimeoutIgnored) {
        return Ok(events_reply(faults, &records));
    }
    let Some(device) = device.arc() else {
        return Ok(events_reply(faults, &records));
    };
    let deadline = now + Duration::from_secs(timeout).min(duration);
    let caller = user(call).map(str::to_owned);
    Ok(Reply::Later(Box::pin(wait(device, id, deadline, caller))))
}

/// Waits on the device's change signal, looking at the channel whenever something changed,
/// until it holds an event or the device clock passes `deadline`. Reading the device clock
/// (not wall time) keeps tests with a manual clock exact; the periodic look covers a system
/// clock whose time passes without a change signal.
async fn wait(
    device: std::sync::Arc<Device>,
    id: u32,
    deadline: Duration,
    caller: Option<String>,
) -> Result<Reply, ApiError> {
    let mut changes = device.watch_changes();
    device.with_state(|state, _| state.events.set_waiting(id, true, device.now()));
    let outcome = loop {
        let now = device.now();
        let pulled = device.with_state(|state, _| take(&device, state, id, now, caller.as_deref()));
        match pulled {
            Ok(records) if !records.is_empty() || now >= deadline => break Ok(records),
            Ok(_) => {}
            Err(error) => break Err(log_error(error)),
        }
        let left = deadline.saturating_sub(now).min(Duration::from_millis(100));
        tokio::select! {
            _ = changes.changed() => {}
            _ = tokio::time::sleep(left) => {}
        }
    };
    device.with_state(|state, _| state.events.set_waiting(id, false, device.now()));
    outcome.map(|records| events_reply(device.faults(), &records))
}
