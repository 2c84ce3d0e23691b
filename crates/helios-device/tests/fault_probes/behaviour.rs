//! Probes of the faults a sequence shows: switches and I/O, calls, event channels, the camera,
//! configuration, firmware and restarts.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, Method, Uri};
use helios_device::pipeline::{Connection, process};
use helios_device::system::firmware;
use helios_spec::Transport;
use helios_wire::mjpeg::{MjpegReader, boundary_from_content_type};
use http_body_util::BodyExt;
use serde_json::Value;

use super::outcome;
use crate::common::{TestDevice, get};
use crate::system_support::{config, put_blob, upload};

fn on_off(active: &Value) -> &'static str {
    match active {
        Value::Bool(true) => "on",
        Value::Bool(false) => "off",
        _ => "neither on nor off",
    }
}

fn switch_state(device: &TestDevice, switch: u8) -> &'static str {
    let result = get(device, &format!("/api/switch/status?switch={switch}")).result();
    on_off(&result["switches"][0]["active"])
}

pub fn disabled_switch(device: &TestDevice) -> String {
    let reply = get(device, "/api/switch/ctrl?switch=4&action=on");
    format!("{}, {}", outcome(&reply), switch_state(device, 4))
}

pub fn monostable(device: &TestDevice) -> String {
    get(device, "/api/switch/ctrl?switch=1&action=on");
    device.advance(6);
    format!("{} after 6 s", switch_state(device, 1))
}

pub fn bistable_on(device: &TestDevice) -> String {
    get(device, "/api/switch/ctrl?switch=2&action=on");
    format!("switch 2 {}", switch_state(device, 2))
}

pub fn relay1_on(device: &TestDevice) -> String {
    get(device, "/api/io/ctrl?port=relay1&action=on");
    let result = get(device, "/api/io/status").result();
    let state = |port: &str| {
        let ports = result["ports"].as_array().cloned().unwrap_or_default();
        let item = ports.iter().find(|p| p["port"] == port).cloned();
        match item.map(|item| item["state"].as_u64()) {
            Some(Some(1)) => "on",
            Some(Some(0)) => "off",
            _ => "unknown",
        }
    };
    format!("relay1 {}, relay2 {}", state("relay1"), state("relay2"))
}

fn active_sessions(device: &TestDevice) -> Vec<u64> {
    let result = get(device, "/api/call/status").result();
    let sessions = result["sessions"].as_array().cloned().unwrap_or_default();
    sessions
        .iter()
        .filter_map(|s| s["session"].as_u64())
        .collect()
}

fn dialled(device: &TestDevice) -> u64 {
    let result = get(device, "/api/call/dial?number=100").result();
    result["session"].as_u64().expect("a session")
}

pub fn dial(device: &TestDevice) -> String {
    let session = dialled(device);
    format!("dialled {session}, active {:?}", active_sessions(device))
}

pub fn dial_and_hang_up(device: &TestDevice) -> String {
    let session = dialled(device);
    get(device, &format!("/api/call/hangup?session={session}")).result();
    format!("active {:?}", active_sessions(device))
}

fn subscribe(device: &TestDevice, query: &str) -> u64 {
    let result = get(device, &format!("/api/log/subscribe?{query}")).result();
    result["id"].as_u64().expect("an id")
}

/// The events of a pull, as `Name` or `Name state` for the switch events.
fn pulled(device: &TestDevice, id: u64) -> String {
    let result = get(device, &format!("/api/log/pull?id={id}")).result();
    let events = result["events"].as_array().cloned().unwrap_or_default();
    let names: Vec<String> = events
        .iter()
        .map(|event| {
            let name = event["event"].as_str().unwrap_or_default();
            match name {
                "SwitchStateChanged" => format!("{name} {}", event["params"]["state"]),
                _ => name.to_owned(),
            }
        })
        .collect();
    names.join(",")
}

pub fn filtered(device: &TestDevice) -> String {
    let id = subscribe(device, "filter=OutputChanged");
    get(device, "/api/switch/ctrl?switch=2&action=on");
    get(device, "/api/io/ctrl?port=relay1&action=on");
    pulled(device, id)
}

pub fn expired_channel(device: &TestDevice) -> String {
    let id = subscribe(device, "duration=5");
    device.advance(10);
    outcome(&get(device, &format!("/api/log/pull?id={id}")))
}

pub fn pulled_once(device: &TestDevice) -> String {
    let id = subscribe(device, "");
    get(device, "/api/io/ctrl?port=relay1&action=on");
    pulled(device, id)
}

pub fn switch_event(device: &TestDevice) -> String {
    let id = subscribe(device, "filter=SwitchStateChanged");
    get(device, "/api/switch/ctrl?switch=2&action=on");
    pulled(device, id)
}

pub fn unsubscribe_unknown(device: &TestDevice) -> String {
    outcome(&get(device, "/api/log/unsubscribe?id=12345"))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
}

fn https() -> Connection {
    Connection {
        transport: Transport::Https,
        peer: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 40000),
    }
}

/// A pull with `timeout=5` on an empty channel, given 300 ms of real time: the device clock
/// does not move, so a device that waits is still waiting.
pub fn waiting_pull(device: &TestDevice) -> String {
    let id = subscribe(device, "");
    let uri: Uri = format!("/api/log/pull?id={id}&timeout=5")
        .parse()
        .expect("a URI");
    let headers = HeaderMap::new();
    let pull = process(&device.device, &Method::GET, &uri, &headers, b"", https());
    let limited = async { tokio::time::timeout(Duration::from_millis(300), pull).await };
    match runtime().block_on(limited) {
        Ok(_) => "answered at once".to_owned(),
        Err(_) => "still waiting".to_owned(),
    }
}

pub fn resolution(device: &TestDevice) -> String {
    outcome(&get(device, "/api/camera/snapshot?width=160&height=120"))
}

/// How long the first three frames of an fps=5 push take: 400 ms at the rate asked.
pub fn mjpeg_rate(device: &TestDevice) -> String {
    let uri: Uri = "/api/camera/snapshot?width=160&height=120&fps=5"
        .parse()
        .expect("a URI");
    let runtime = runtime();
    let started = Instant::now();
    let response = runtime.block_on(process(
        &device.device,
        &Method::GET,
        &uri,
        &HeaderMap::new(),
        b"",
        Connection::default(),
    ));
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let boundary = boundary_from_content_type(&content_type).expect("a push stream");
    let mut reader = MjpegReader::new(&boundary).expect("a reader");
    let mut body = response.into_body();
    let mut frames = 0;
    while frames < 3 {
        let frame = runtime.block_on(body.frame());
        let chunk = frame.expect("the stream goes on").expect("no error");
        let data = chunk.into_data().expect("data");
        frames += reader.push(&data).expect("a well-formed stream").len();
    }
    if started.elapsed() < Duration::from_millis(600) {
        "3 frames within 600 ms".to_owned()
    } else {
        format!("3 frames in {} ms", started.elapsed().as_millis())
    }
}

pub fn time_before_start(device: &TestDevice) -> String {
    device.advance(4);
    outcome(&get(
        device,
        "/api/camera/snapshot?width=160&height=120&time=-5",
    ))
}

pub fn renamed(device: &TestDevice) -> String {
    let mut document = config(device);
    document.set("Device/Name", "Front door").expect("set");
    upload(device, &document).result();
    device.advance(16);
    let info = get(device, "/api/system/info").result();
    info["deviceName"].as_str().unwrap_or_default().to_owned()
}

pub fn corrupt_image(device: &TestDevice) -> String {
    let variant = device.device.profile.device.variant.clone();
    let mut image = firmware::build(&variant, "2.22.0.1.7", b"a payload").expect("an image");
    if let Some(last) = image.last_mut() {
        *last ^= 0xFF;
    }
    outcome(&put_blob(device, "/api/firmware", "blob-fw", &image))
}

pub fn apply(device: &TestDevice) -> String {
    outcome(&get(device, "/api/firmware/apply"))
}

pub fn uptime_after_25_s(device: &TestDevice) -> String {
    device.advance(25);
    let result = get(device, "/api/system/status").result();
    format!("upTime {}", result["upTime"])
}

pub fn output_event(device: &TestDevice) -> String {
    let id = subscribe(device, "filter=OutputChanged");
    get(device, "/api/io/ctrl?port=relay1&action=on");
    let result = get(device, &format!("/api/log/pull?id={id}")).result();
    let event = &result["events"][0];
    let name = event["event"].as_str().unwrap_or_default();
    format!("{name} {}", event["params"]["state"])
}

/// Whether a pull's reply is RFC 8259 JSON.
pub fn pull_text(device: &TestDevice) -> String {
    let id = subscribe(device, "");
    get(device, "/api/io/ctrl?port=relay1&action=on");
    super::requests::strict_json(&get(device, &format!("/api/log/pull?id={id}")))
}

/// The departures from RFC 2046 the reader tolerated in the first three frames of a push.
pub fn mjpeg_framing(device: &TestDevice) -> String {
    let uri: Uri = "/api/camera/snapshot?width=160&height=120&fps=5"
        .parse()
        .expect("a URI");
    let runtime = runtime();
    let response = runtime.block_on(process(
        &device.device,
        &Method::GET,
        &uri,
        &HeaderMap::new(),
        b"",
        Connection::default(),
    ));
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let boundary = boundary_from_content_type(&content_type).expect("a push stream");
    let mut reader = MjpegReader::new(&boundary).expect("a reader");
    let mut body = response.into_body();
    let mut frames = 0;
    while frames < 3 {
        let frame = runtime.block_on(body.frame());
        let chunk = frame.expect("the stream goes on").expect("no error");
        let data = chunk.into_data().expect("data");
        frames += reader.push(&data).expect("a readable stream").len();
    }
    let tolerated: Vec<String> = reader
        .tolerances()
        .map(|(tolerance, _)| format!("{tolerance:?}"))
        .collect();
    if tolerated.is_empty() {
        "RFC 2046 framing".to_owned()
    } else {
        tolerated.join(", ")
    }
}
