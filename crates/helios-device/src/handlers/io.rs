//! `io/caps`, `io/status` and `io/ctrl`.

use helios_spec::ErrorCode;
use helios_spec::functions::io;
use helios_wire::ApiError;
use helios_wire::event::Event;
use serde_json::{Value, json};

use super::{Call, done};
use crate::device::Device;
use crate::faults::Fault;
use crate::hardware::{PortError, Ports};
use crate::profile::PortType;
use crate::reply::Reply;

fn invalid_port(detail: String) -> ApiError {
    ApiError::with_param(ErrorCode::InvalidParameter, io::PORT, detail)
}

/// The ports a request names, with their states: the one of its `port`, or all.
fn selected(device: &Device, call: &Call) -> Result<Vec<(String, &'static str, bool)>, ApiError> {
    let wanted = call.params.text(io::PORT);
    device.with_state(|state, _| {
        let ports: Vec<(String, &'static str, bool)> = state
            .ports
            .ports()
            .into_iter()
            .filter(|(port, _)| wanted.is_none_or(|w| w == port.port))
            .map(|(port, on)| (port.port.clone(), port.kind.name(), on))
            .collect();
        match (wanted, ports.is_empty()) {
            (Some(name), true) => Err(invalid_port(format!("port {name} does not exist"))),
            _ => Ok(ports),
        }
    })
}

/// 5.11.
pub(super) fn caps(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let ports: Vec<Value> = selected(device, call)?
        .into_iter()
        .map(|(port, kind, _)| json!({"port": port, "type": kind}))
        .collect();
    Ok(Reply::Json(Some(json!({ "ports": ports }))))
}

/// 5.12: `state` is 0 or 1 here (erratum `io-state-type`).
pub(super) fn status(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let omit_inputs =
        device.faults().has(Fault::StatusOmitsInputs) && call.params.text(io::PORT).is_none();
    let ports: Vec<Value> = selected(device, call)?
        .into_iter()
        .filter(|(_, kind, _)| !(omit_inputs && *kind == PortType::Input.name()))
        .map(|(port, _, on)| json!({"port": port, "state": u8::from(on)}))
        .collect();
    Ok(Reply::Json(Some(json!({ "ports": ports }))))
}

/// 5.13: outputs only (erratum `io-ctrl-input`); a change raises `OutputChanged`.
pub(super) fn ctrl(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let port = call.params.text(io::PORT).unwrap_or_default().to_owned();
    let on = call.params.word(io::ctrl::ACTION) == Some("on");
    let faults = device.faults();
    device.with_state(|state, stamp| {
        let port = if faults.has(Fault::WrongOutput) {
            output_after(state.ports.as_ref(), &port)
        } else {
            port.clone()
        };
        match state.ports.set_output(&port, on) {
            Ok(changed) => {
                if changed {
                    state
                        .events
                        .raise(Event::OutputChanged { port, state: on }, stamp);
                }
                Ok(())
            }
            Err(error @ (PortError::Unknown(_) | PortError::Input(_) | PortError::Output(_))) => {
                Err(invalid_port(error.to_string()))
            }
        }
    })?;
    if faults.has(Fault::ResponseIgnored) {
        return Ok(Reply::Json(None));
    }
    Ok(done(call))
}

/// The output after `name` in io/caps order, wrapping round (the `wrong-output` fault's
/// off-by-one); `name` itself when it is no output, so that errors stay as they are.
fn output_after(ports: &dyn Ports, name: &str) -> String {
    let outputs: Vec<&str> = ports
        .ports()
        .into_iter()
        .filter(|(port, _)| port.kind == PortType::Output)
        .map(|(port, _)| port.port.as_str())
        .collect();
    match outputs.iter().position(|output| *output == name) {
        Some(index) => outputs[(index + 1) % outputs.len()].to_owned(),
        None => name.to_owned(),
    }
}
