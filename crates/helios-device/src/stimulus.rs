//! The stimulus interface: a small HTTP API of the simulation, on its own listener (off unless
//! `--stimulus ADDR` is given), through which a test, the runner or a person plays the world
//! outside the intercom: a card tapped on a reader, a key pressed, an input wired high.
//!
//! The endpoints are listed in `stimulus_help.txt`, which `GET /` serves.
//!
//! Events with a cause inside the device (switches, outputs, calls, registration, the audio
//! test, login blocking, start-up) cannot be injected here: they happen when their cause does.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use helios_spec::Condition;
use helios_wire::event::{Event, EventRecord};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::device::Device;
use crate::server::{BindError, bind};

/// The events this interface may raise.
pub const OUTSIDE_WORLD: &[&str] = &[
    "KeyPressed",
    "KeyReleased",
    "CodeEntered",
    "CardEntered",
    "MotionDetected",
    "NoiseDetected",
    "TamperSwitchActivated",
    "UnauthorizedDoorOpen",
    "DoorOpenTooLong",
    "UserAuthenticated",
    "SilentAlarm",
    "AccessLimited",
];

type Answer = (StatusCode, Json<Value>);

fn refuse(status: StatusCode, message: impl Into<String>) -> Answer {
    (status, Json(json!({ "error": message.into() })))
}

/// The router of the interface.
pub fn app(device: Arc<Device>) -> Router {
    Router::new()
        .route("/", get(help))
        .route("/event", post(event))
        .route("/input", post(input))
        .route("/call", post(call))
        .route("/display", get(display))
        .route("/events", get(events))
        .route("/channels", get(channels))
        .with_state(device)
}

/// Serves the interface on `address` until the runtime ends; returns the bound address.
pub async fn serve(device: Arc<Device>, address: SocketAddr) -> Result<SocketAddr, BindError> {
    let (listener, bound) = bind("the stimulus interface", address).await?;
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app(device)).await {
            tracing::warn!(%error, "the stimulus interface stopped");
        }
    });
    Ok(bound)
}

async fn help() -> &'static str {
    include_str!("stimulus_help.txt")
}

#[derive(Debug, Deserialize)]
struct Injected {
    event: String,
    #[serde(default)]
    params: serde_json::Map<String, Value>,
}

async fn event(State(device): State<Arc<Device>>, Json(injected): Json<Injected>) -> Answer {
    match raise(&device, &injected.event, injected.params) {
        Ok(id) => (StatusCode::OK, Json(json!({ "id": id }))),
        Err(answer) => answer,
    }
}

/// Checks an outside-world event against the manual and the model, then raises it.
pub fn raise(
    device: &Device,
    name: &str,
    params: serde_json::Map<String, Value>,
) -> Result<u32, Answer> {
    if !OUTSIDE_WORLD.contains(&name) {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            format!("{name} is not an event of the outside world; see GET /"),
        ));
    }
    let spec = helios_spec::event(name)
        .ok_or_else(|| refuse(StatusCode::BAD_REQUEST, format!("unknown event {name}")))?;
    let config = device.config();
    let able = match spec.condition {
        Condition::Always => true,
        Condition::Hardware(hardware) => config.has_hardware(hardware),
        Condition::Licence(licence) => config.has_licence(licence),
    };
    if !able || !spec.origin.present_in(config.firmware()) {
        return Err(refuse(
            StatusCode::CONFLICT,
            format!("this model cannot raise {name}"),
        ));
    }
    let record = json!({"id": 1, "utcTime": 0, "upTime": 0, "event": name, "params": params});
    let event = match EventRecord::read(&record) {
        Ok((record, findings)) if findings.is_empty() => record.event,
        Ok((_, findings)) => {
            let found: Vec<String> = findings.iter().map(ToString::to_string).collect();
            return Err(refuse(StatusCode::BAD_REQUEST, found.join("; ")));
        }
        Err(error) => return Err(refuse(StatusCode::BAD_REQUEST, error.to_string())),
    };
    if matches!(event, Event::Other { .. }) {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "the params do not fit the manual",
        ));
    }
    Ok(device.with_state(|state, stamp| state.events.raise(event, stamp)))
}

#[derive(Debug, Deserialize)]
struct Input {
    port: String,
    state: bool,
}

async fn input(State(device): State<Arc<Device>>, Json(input): Json<Input>) -> Answer {
    match device.set_input(&input.port, input.state) {
        Ok(changed) => (StatusCode::OK, Json(json!({ "changed": changed }))),
        Err(error) => refuse(StatusCode::BAD_REQUEST, error.to_string()),
    }
}

#[derive(Debug, Deserialize)]
struct IncomingCall {
    peer: String,
}

/// A call arrives from the outside: it rings as an incoming session.
async fn call(State(device): State<Arc<Device>>, Json(incoming): Json<IncomingCall>) -> Answer {
    match device.incoming_call(&incoming.peer) {
        Ok(session) => (StatusCode::OK, Json(json!({ "session": session }))),
        Err(error) => refuse(StatusCode::CONFLICT, error.to_string()),
    }
}

/// What each display shows now.
async fn display(State(device): State<Arc<Device>>) -> Json<Value> {
    let displays: Vec<Value> = device
        .config()
        .displays
        .iter()
        .map(|display| {
            let content = device.display_content(&display.display).map(|content| {
                json!({
                    "kind": format!("{:?}", content.kind).to_lowercase(),
                    "format": content.format.name(),
                    "size": content.size.map(|(w, h)| json!({"width": w, "height": h})),
                    "bytes": content.bytes,
                    "durationMs": content.duration_ms,
                    "repeat": content.repeat,
                    "setAtUptime": content.set_at.as_secs(),
                })
            });
            json!({ "display": display.display, "content": content })
        })
        .collect();
    Json(json!({ "displays": displays }))
}

async fn events(State(device): State<Arc<Device>>) -> Json<Value> {
    let records: Vec<Value> = device.events().iter().map(EventRecord::to_json).collect();
    Json(json!({ "events": records }))
}

async fn channels(State(device): State<Arc<Device>>) -> Json<Value> {
    let now = device.now();
    let channels: Vec<Value> = device.with_state(|state, _| {
        let mut channels: Vec<Value> = state
            .events
            .channels()
            .map(|channel| {
                let account = match &channel.viewer {
                    crate::events::Viewer::Anyone => Value::Null,
                    crate::events::Viewer::Account { user, .. } => json!(user),
                };
                json!({
                    "id": channel.id,
                    "account": account,
                    "filter": channel.filter,
                    "cursor": channel.cursor,
                    "waiting": channel.waiting,
                    "expiresIn": channel.expires_at.saturating_sub(now).as_secs(),
                    "lost": channel.lost,
                })
            })
            .collect();
        channels.sort_by_key(|c| c["id"].as_u64());
        channels
    });
    Json(json!({ "channels": channels }))
}
