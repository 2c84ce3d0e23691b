//! `switch/caps`, `switch/status` and `switch/ctrl`.

use helios_spec::ErrorCode;
use helios_spec::functions::switch::{self, status};
use helios_wire::ApiError;
use helios_wire::event::Event;
use serde_json::{Map, Value, json};

use super::{Call, done};
use crate::device::Device;
use crate::faults::Fault;
use crate::hardware::{SwitchAction, SwitchError};
use crate::profile::{Switch, SwitchMode};
use crate::reply::Reply;

/// The switches a request names: the one of its `switch`, or all. A number the profile does not
/// have answers 12 (erratum `switch-domain`).
fn selected(device: &Device, call: &Call) -> Result<Vec<Switch>, ApiError> {
    let config = device.config();
    let all = config.switches.0.iter().cloned();
    match call.params.int(switch::SWITCH) {
        None => {
            let mut all: Vec<Switch> = all.collect();
            all.sort_by_key(|s| s.switch);
            Ok(all)
        }
        Some(number) => all
            .filter(|s| i64::from(s.switch.0) == number)
            .map(|s| Ok(vec![s]))
            .next()
            .unwrap_or_else(|| Err(unknown(number))),
    }
}

fn unknown(number: i64) -> ApiError {
    ApiError::with_param(
        ErrorCode::InvalidParameter,
        switch::SWITCH,
        format!("switch {number} does not exist"),
    )
}

/// 5.8: a disabled switch has `enabled` only; `switchOnDuration` only for monostable ones.
pub(super) fn caps(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let switches: Vec<Value> = selected(device, call)?
        .into_iter()
        .map(|switch| {
            let mut item = Map::new();
            item.insert("switch".into(), json!(switch.switch.0));
            item.insert("enabled".into(), json!(switch.enabled));
            if switch.enabled {
                item.insert("mode".into(), json!(switch.mode.name()));
                if switch.mode == SwitchMode::Monostable {
                    item.insert("switchOnDuration".into(), json!(switch.duration));
                }
                item.insert("type".into(), json!(switch.kind.name()));
            }
            Value::Object(item)
        })
        .collect();
    Ok(Reply::Json(Some(json!({ "switches": switches }))))
}

/// 5.9, with `locked` and `held` when the profile's firmware is late enough to have them.
pub(super) fn status(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let numbers: Vec<u8> = selected(device, call)?.iter().map(|s| s.switch.0).collect();
    let firmware = device.config().firmware();
    let later = |name: &str| {
        status::FUNCTION.replies[0]
            .result
            .and_then(|result| result.first())
            .and_then(|list| match list.ty {
                helios_spec::FieldType::Array(helios_spec::FieldType::Object(item)) => {
                    item.iter().find(|f| f.name == name)
                }
                _ => None,
            })
            .is_some_and(|field| {
                field
                    .origin_in(status::FUNCTION.origin)
                    .present_in(firmware)
            })
    };
    let (locked, held) = (later("locked"), later("held"));
    let faults = device.faults();
    device.with_state(|state, _| {
        let switches: Vec<Value> = numbers
            .iter()
            .map(|&number| {
                let mut item = Map::new();
                item.insert("switch".into(), json!(number));
                let active = state.switches.active(number).unwrap_or(false)
                    != faults.has(Fault::SwitchStatusInverted);
                let active = if faults.has(Fault::ActiveAsNumber) {
                    json!(u8::from(active))
                } else {
                    json!(active)
                };
                item.insert("active".into(), active);
                if locked {
                    item.insert("locked".into(), json!(false));
                }
                if held {
                    item.insert("held".into(), json!(false));
                }
                Value::Object(item)
            })
            .collect();
        Ok(Reply::Json(Some(json!({ "switches": switches }))))
    })
}

/// 5.10: on, off or trigger; a change raises `SwitchStateChanged`. A disabled switch answers 14
/// and does not change (erratum `switch-ctrl-disabled`).
pub(super) fn ctrl(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let number = call.params.int(switch::SWITCH).unwrap_or_default();
    let switch = u8::try_from(number).map_err(|_| unknown(number))?;
    let action = match call.params.word(switch::ctrl::ACTION) {
        Some("on") => SwitchAction::On,
        Some("off") => SwitchAction::Off,
        _ => SwitchAction::Trigger,
    };
    let now = device.now();
    device.with_state(
        |state, stamp| match state.switches.control(switch, action, now) {
            Ok(Some(change)) => {
                state.events.raise(
                    Event::SwitchStateChanged {
                        switch: u32::from(change.switch),
                        state: change.active,
                    },
                    stamp,
                );
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(SwitchError::Unknown(n)) => Err(unknown(i64::from(n))),
            Err(SwitchError::Disabled(n)) => Err(ApiError::new(
                ErrorCode::ProcessingError,
                format!("switch {n} is disabled"),
            )),
        },
    )?;
    Ok(done(call))
}
