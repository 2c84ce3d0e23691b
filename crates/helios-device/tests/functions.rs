//! The functions of this part (system, switch, I/O) behave as chapter 5 says, with their
//! replies snapshotted under `snapshots/`.

mod common;

use common::{ADMIN, get, snapshot};

use common::{Request, TestDevice};
use helios_wire::event::Event;
use serde_json::{Value, json};

fn active(device: &TestDevice, switch: u8) -> bool {
    get(device, &format!("/api/switch/status?switch={switch}")).result()["switches"][0]["active"]
        .as_bool()
        .expect("a boolean")
}

/// The switch events raised so far, as (switch, state, upTime).
fn switch_events(device: &TestDevice) -> Vec<(u32, bool, u32)> {
    device
        .device
        .events()
        .into_iter()
        .filter_map(|r| match r.event {
            Event::SwitchStateChanged { switch, state } => Some((switch, state, r.up_time)),
            _ => None,
        })
        .collect()
}

#[test]
fn system_info_and_status() {
    let device = TestDevice::default_profile();
    let info = device.send(&Request::get("/api/system/info"));
    snapshot!("device__system_info", info.json());
    device.advance(42);
    snapshot!(
        "device__system_status",
        get(&device, "/api/system/status").json()
    );
    let status = get(&device, "/api/system/status").result();
    assert_eq!(status["upTime"], json!(42));
    assert_eq!(status["systemTime"], json!(common::START.as_secs() + 42));
}

#[test]
fn switch_caps_and_status_follow_the_profile() {
    let device = TestDevice::default_profile();
    snapshot!(
        "device__switch_caps",
        get(&device, "/api/switch/caps").json()
    );
    snapshot!(
        "device__switch_caps_2",
        get(&device, "/api/switch/caps?switch=2").json()
    );
    snapshot!(
        "device__switch_status",
        get(&device, "/api/switch/status").json()
    );
    let caps = get(&device, "/api/switch/caps?switch=4").result();
    assert_eq!(caps, json!({"switches": [{"switch": 4, "enabled": false}]}));
}

#[test]
fn a_monostable_switch_goes_off_after_its_duration() {
    let device = TestDevice::default_profile();
    let reply = get(&device, "/api/switch/ctrl?switch=1&action=on");
    snapshot!("device__switch_ctrl", reply.json());
    assert!(active(&device, 1));
    device.advance(4);
    assert!(active(&device, 1));
    // Switching on again restarts the duration.
    get(&device, "/api/switch/ctrl?switch=1&action=on");
    device.advance(4);
    assert!(active(&device, 1));
    device.advance(1);
    assert!(!active(&device, 1));
    assert_eq!(switch_events(&device), [(1, true, 0), (1, false, 9)]);
}

#[test]
fn a_bistable_switch_holds_and_trigger_toggles() {
    let device = TestDevice::default_profile();
    get(&device, "/api/switch/ctrl?switch=2&action=trigger");
    device.advance(3600);
    assert!(active(&device, 2));
    get(&device, "/api/switch/ctrl?switch=2&action=trigger");
    assert!(!active(&device, 2));
    // off on an inactive switch changes nothing and raises nothing.
    get(&device, "/api/switch/ctrl?switch=2&action=off");
    assert_eq!(switch_events(&device), [(2, true, 0), (2, false, 3600)]);
}

#[test]
fn a_disabled_switch_answers_14_and_stays_off() {
    let device = TestDevice::default_profile();
    let reply = get(&device, "/api/switch/ctrl?switch=4&action=on");
    assert_eq!(reply.error_code(), Some(14));
    assert!(!active(&device, 4));
    assert!(switch_events(&device).is_empty());
}

#[test]
fn the_response_parameter_replaces_the_json_with_its_text() {
    let device = TestDevice::default_profile();
    let reply = get(&device, "/api/switch/ctrl?switch=2&action=on&response=text");
    assert_eq!(reply.content_type(), "text/plain");
    assert_eq!(reply.body, b"text");
    let reply = get(&device, "/api/switch/ctrl?switch=2&action=off&response=");
    assert_eq!(reply.content_type(), "text/plain");
    assert!(reply.body.is_empty());
    let reply = get(
        &device,
        "/api/io/ctrl?port=relay1&action=on&response=%C4%8Dau%20x",
    );
    assert_eq!(reply.body, "čau x".as_bytes());
}

#[test]
fn outputs_are_set_and_reported_as_0_or_1() {
    let device = TestDevice::default_profile();
    snapshot!("device__io_caps", get(&device, "/api/io/caps").json());
    assert_eq!(
        get(&device, "/api/io/ctrl?port=relay1&action=on").error_code(),
        None
    );
    snapshot!("device__io_status", get(&device, "/api/io/status").json());
    let one = get(&device, "/api/io/status?port=relay1").result();
    assert_eq!(one, json!({"ports": [{"port": "relay1", "state": 1}]}));
    let caps = get(&device, "/api/io/caps?port=input1").result();
    assert_eq!(
        caps,
        json!({"ports": [{"port": "input1", "type": "input"}]})
    );
    get(&device, "/api/io/ctrl?port=relay1&action=on");
    get(&device, "/api/io/ctrl?port=relay1&action=off");
    let changes: Vec<(String, bool)> = device
        .device
        .events()
        .into_iter()
        .filter_map(|r| match r.event {
            Event::OutputChanged { port, state } => Some((port, state)),
            _ => None,
        })
        .collect();
    assert_eq!(changes, [("relay1".into(), true), ("relay1".into(), false)]);
}

#[test]
fn parameters_arrive_by_every_transfer_method() {
    let device = TestDevice::default_profile();
    let form = Request::get("/api/switch/ctrl?switch=1&action=off")
        .method("POST")
        .body("application/x-www-form-urlencoded", b"switch=2&action=on");
    assert_eq!(
        device.send_digest(&form, ADMIN.0, ADMIN.1).error_code(),
        None
    );
    assert!(active(&device, 2));
    assert!(!active(&device, 1));
    let body = b"--b\r\nContent-Disposition: form-data; name=\"switch\"\r\n\r\n3\r\n--b\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\ntrigger\r\n--b--\r\n";
    let multipart = Request::get("/api/switch/ctrl")
        .method("POST")
        .body("multipart/form-data; boundary=b", body);
    assert_eq!(
        device
            .send_digest(&multipart, ADMIN.0, ADMIN.1)
            .error_code(),
        None
    );
    assert!(active(&device, 3));
}

#[test]
fn the_first_event_is_device_startup() {
    let device = TestDevice::default_profile();
    let events = device.device.events();
    assert_eq!(events[0].id, 1);
    assert_eq!(
        events[0].event,
        Event::DeviceState {
            state: "startup".into()
        }
    );
    assert_eq!(events[0].tz_shift, Some(60));
    assert_eq!(
        events[0].to_json()["utcTime"],
        Value::from(common::START.as_secs())
    );
}

#[test]
fn error_replies_have_the_manuals_shape() {
    let device = TestDevice::default_profile();
    snapshot!(
        "device__error_missing_parameter",
        get(&device, "/api/switch/ctrl?switch=1").json()
    );
    snapshot!(
        "device__error_unknown_path",
        device.send(&Request::get("/api/nothing")).json()
    );
    snapshot!(
        "device__error_auth_required",
        device.send(&Request::get("/api/io/caps")).json()
    );
}

#[test]
fn inputs_follow_the_outside_world_and_cannot_be_controlled() {
    let device = TestDevice::default_profile();
    assert_eq!(device.device.set_input("input1", true), Ok(true));
    assert_eq!(device.device.set_input("input1", true), Ok(false));
    assert!(device.device.set_input("relay1", true).is_err());
    let status = get(&device, "/api/io/status?port=input1").result();
    assert_eq!(status, json!({"ports": [{"port": "input1", "state": 1}]}));
    let reply = get(&device, "/api/io/ctrl?port=input1&action=off");
    assert_eq!(reply.error_code(), Some(12));
    let inputs = device
        .device
        .events()
        .into_iter()
        .filter(
            |r| matches!(&r.event, Event::InputChanged { port, state: true } if port == "input1"),
        )
        .count();
    assert_eq!(inputs, 1);
}
