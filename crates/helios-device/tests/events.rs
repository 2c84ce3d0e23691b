//! The event log, subscriptions and long-poll against every sentence of manual 5.23 to 5.26,
//! on a manual clock.

mod common;

use common::{ADMIN, get};

use std::collections::BTreeSet;
use std::time::Duration;

use common::{Request, TestDevice};
use helios_device::Profile;
use helios_device::profile::{AuthName, GroupName, ServiceName, ServiceSecurity, TransportName};
use helios_device::stimulus;
use helios_spec::{Group, Service};
use serde_json::{Map, Value, json};

/// The default profile without SIP registrations at start, so that the only event before a
/// test acts is `DeviceState` startup.
fn quiet() -> Profile {
    let mut profile = Profile::default_profile();
    for account in &mut profile.sip_accounts {
        account.registered = false;
    }
    profile
}

fn subscribe(device: &TestDevice, query: &str) -> u64 {
    get(device, &format!("/api/log/subscribe?{query}")).result()["id"]
        .as_u64()
        .expect("an id")
}

fn pull(device: &TestDevice, id: u64) -> Vec<Value> {
    get(device, &format!("/api/log/pull?id={id}")).result()["events"]
        .as_array()
        .expect("an events array")
        .clone()
}

fn names(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["event"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn card(device: &TestDevice, uid: &str) -> u32 {
    let params: Map<String, Value> =
        json!({"direction": "any", "reader": "ext7", "uid": uid, "valid": false})
            .as_object()
            .cloned()
            .unwrap_or_default();
    stimulus::raise(&device.device, "CardEntered", params).expect("a card tap")
}

fn key(device: &TestDevice, key: &str) -> u32 {
    let params = json!({"key": key}).as_object().cloned().unwrap_or_default();
    stimulus::raise(&device.device, "KeyPressed", params).expect("a key press")
}

#[test]
fn log_caps_lists_what_the_model_can_raise() {
    let verso = TestDevice::new(quiet());
    let events: BTreeSet<String> = get(&verso, "/api/log/caps").result()["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e.as_str().map(str::to_owned))
        .collect();
    for name in [
        "DeviceState",
        "AudioLoopTest",
        "CardEntered",
        "CodeEntered",
        "MotionDetected",
        "TamperSwitchActivated",
        "SwitchStateChanged",
        "SilentAlarm",
    ] {
        assert!(events.contains(name), "{name}");
    }
    assert_eq!(events.len(), helios_spec::EVENTS.len());

    let mut vario = quiet();
    vario.hardware.card_reader = false;
    vario.hardware.tamper_switch = false;
    vario
        .licences
        .retain(|l| l.0 != helios_spec::Licence::EnhancedAudio);
    let vario = TestDevice::new(vario);
    let events = get(&vario, "/api/log/caps").result()["events"].clone();
    let events: Vec<&str> = events
        .as_array()
        .expect("events")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for absent in ["CardEntered", "TamperSwitchActivated", "AudioLoopTest"] {
        assert!(!events.contains(&absent), "{absent}");
    }
    assert!(stimulus::raise(&vario.device, "CardEntered", Map::new()).is_err());
}

#[test]
fn the_first_event_is_startup_and_ids_count_from_one() {
    let device = TestDevice::new(quiet());
    let id = subscribe(&device, "include=all");
    let events = pull(&device, id);
    assert_eq!(events[0]["id"], 1);
    assert_eq!(events[0]["event"], "DeviceState");
    assert_eq!(events[0]["params"], json!({"state": "startup"}));
    assert_eq!(events[0]["tzShift"], 60);
    assert_eq!(events[0]["utcTime"], common::START.as_secs());
    assert_eq!(events[0]["upTime"], 0);
    device.advance(7);
    key(&device, "5");
    let events = pull(&device, id);
    assert_eq!(events[0]["id"], 2);
    assert_eq!(events[0]["upTime"], 7);
    assert_eq!(events[0]["utcTime"], common::START.as_secs() + 7);
}

#[test]
fn include_new_all_and_last_seconds() {
    let device = TestDevice::new(quiet());
    device.advance(10);
    card(&device, "01045E31BB");
    device.advance(10);
    key(&device, "1");
    let new = subscribe(&device, "");
    let all = subscribe(&device, "include=all");
    let last = subscribe(&device, "include=-5");
    assert!(pull(&device, new).is_empty());
    assert_eq!(
        names(&pull(&device, all)),
        ["DeviceState", "CardEntered", "KeyPressed"]
    );
    assert_eq!(names(&pull(&device, last)), ["KeyPressed"]);
    key(&device, "2");
    for id in [new, all, last] {
        assert_eq!(names(&pull(&device, id)), ["KeyPressed"], "{id}");
    }
}

#[test]
fn each_channel_has_its_own_queue_and_filter() {
    let device = TestDevice::new(quiet());
    let keys = subscribe(&device, "filter=KeyPressed,InputChanged");
    let everything = subscribe(&device, "");
    assert_ne!(keys, everything);
    key(&device, "5");
    card(&device, "01045E31BB");
    device.device.set_input("input1", true).expect("an input");
    assert_eq!(names(&pull(&device, keys)), ["KeyPressed", "InputChanged"]);
    assert_eq!(
        names(&pull(&device, everything)),
        ["KeyPressed", "CardEntered", "InputChanged"]
    );
    // Each event exactly once.
    assert!(pull(&device, keys).is_empty());
    assert!(pull(&device, everything).is_empty());
    let reply = get(&device, "/api/log/subscribe?filter=KeyPressed,Nothing");
    assert_eq!(reply.error_code(), Some(12));
    assert_eq!(reply.error_param().as_deref(), Some("filter"));
}

#[test]
fn channels_carry_only_the_events_their_account_may_see() {
    let mut profile = quiet();
    // The manual's chapter 4 account: Switch Control and Camera Monitoring only.
    profile.accounts.0[1].monitoring = vec![GroupName(Group::Camera)];
    profile.accounts.0[1].control = vec![GroupName(Group::Switch)];
    let device = TestDevice::new(profile);
    let reply = device.send_digest(&Request::get("/api/log/subscribe"), "viewer", "viewer");
    let limited = reply.result()["id"].as_u64().expect("an id");
    let full = subscribe(&device, "");
    key(&device, "5");
    card(&device, "01045E31BB");
    device.send_digest(
        &Request::get("/api/switch/ctrl?switch=2&action=on"),
        "viewer",
        "viewer",
    );
    let params = json!({"state": "in"})
        .as_object()
        .cloned()
        .unwrap_or_default();
    stimulus::raise(&device.device, "MotionDetected", params).expect("motion");
    assert_eq!(
        names(&pull(&device, full)),
        [
            "KeyPressed",
            "CardEntered",
            "SwitchStateChanged",
            "MotionDetected"
        ]
    );
    let reply = device.send_digest(
        &Request::get(&format!("/api/log/pull?id={limited}")),
        "viewer",
        "viewer",
    );
    // Keypad, UID and I/O monitoring are missing: only the event that needs no privilege.
    assert_eq!(
        names(reply.result()["events"].as_array().expect("events")),
        ["MotionDetected"]
    );
}

#[test]
fn a_channel_is_its_account_s_alone() {
    let device = TestDevice::new(quiet());
    let admins = subscribe(&device, "");
    for uri in [
        format!("/api/log/pull?id={admins}"),
        format!("/api/log/unsubscribe?id={admins}"),
    ] {
        // Another account that learns the id: as if the channel did not exist (erratum
        // channel-owner).
        let reply = device.send_digest(&Request::get(&uri), "viewer", "viewer");
        assert_eq!(reply.error_code(), Some(12), "{uri}");
        assert_eq!(reply.error_param().as_deref(), Some("id"), "{uri}");
    }
    key(&device, "5");
    assert_eq!(names(&pull(&device, admins)), ["KeyPressed"]);
}

#[test]
fn an_account_holds_at_most_its_share_of_the_channels() {
    let mut profile = quiet();
    profile.system.channels_per_account = 3;
    let device = TestDevice::new(profile);
    let viewer = |device: &TestDevice| {
        device.send_digest(
            &Request::get("/api/log/subscribe?duration=3600"),
            "viewer",
            "viewer",
        )
    };
    for _ in 0..3 {
        assert!(viewer(&device).result()["id"].as_u64().is_some());
    }
    // Beyond its share: 14 (erratum channel-share); the other accounts' share is untouched.
    assert_eq!(viewer(&device).error_code(), Some(14));
    assert!(subscribe(&device, "") > 0);
}

#[test]
fn a_channel_nobody_pulls_closes_after_its_duration_and_each_pull_extends_it() {
    let device = TestDevice::new(quiet());
    let id = subscribe(&device, "duration=10");
    device.advance(9);
    assert!(pull(&device, id).is_empty());
    device.advance(9);
    assert!(pull(&device, id).is_empty());
    device.advance(11);
    let reply = get(&device, &format!("/api/log/pull?id={id}"));
    assert_eq!(reply.error_code(), Some(12));
    assert_eq!(reply.error_param().as_deref(), Some("id"));
    let default = subscribe(&device, "");
    device.advance(89);
    assert!(pull(&device, default).is_empty());
    device.advance(91);
    assert_eq!(
        get(&device, &format!("/api/log/pull?id={default}")).error_code(),
        Some(12)
    );
    assert_eq!(
        get(&device, "/api/log/subscribe?duration=3601").error_code(),
        Some(12)
    );
}

#[test]
fn an_unsubscribed_id_cannot_be_used_again() {
    let device = TestDevice::new(quiet());
    let id = subscribe(&device, "");
    assert_eq!(
        get(&device, &format!("/api/log/unsubscribe?id={id}")).json(),
        json!({"success": true})
    );
    for uri in [
        format!("/api/log/pull?id={id}"),
        format!("/api/log/unsubscribe?id={id}"),
    ] {
        let reply = get(&device, &uri);
        assert_eq!(reply.error_code(), Some(12), "{uri}");
        assert_eq!(reply.error_param().as_deref(), Some("id"));
    }
    assert_eq!(get(&device, "/api/log/pull").error_code(), Some(11));
}

#[test]
fn pulls_come_in_batches_of_128_and_the_history_keeps_10000() {
    let device = TestDevice::new(quiet());
    let id = subscribe(&device, "");
    for n in 0..300 {
        key(&device, &(n % 10).to_string());
    }
    let sizes: Vec<usize> = (0..4).map(|_| pull(&device, id).len()).collect();
    assert_eq!(sizes, [128, 128, 44, 0]);

    for n in 0..10_050 {
        key(&device, &(n % 10).to_string());
    }
    let all = subscribe(&device, "include=all");
    let first = pull(&device, all);
    // 1 startup + 300 + 10050 raised; the oldest 351 are gone.
    assert_eq!(first[0]["id"], 10_351 - 10_000 + 1);
    // The channel opened before fell behind: it loses the oldest and says so.
    let lost = pull(&device, id);
    assert_eq!(lost[0]["id"], 352);
    let channels = device.device.with_state(|state, _| {
        state
            .events
            .channels()
            .find(|c| u64::from(c.id) == id)
            .map(|c| c.lost)
    });
    assert_eq!(channels, Some(50));
}

/// Pulls in a thread; returns its reply when it finishes.
fn pull_in_background(device: &TestDevice, uri: String) -> std::thread::JoinHandle<common::Reply> {
    let first = device.send(&Request::get(&uri));
    let authorization =
        common::digest_authorization(&first, &Request::get(&uri), ADMIN.0, ADMIN.1, 1);
    let device = TestDevice {
        device: device.device.clone(),
        clock: device.clock.clone(),
    };
    std::thread::spawn(move || {
        device.send(&Request::get(&uri).header("authorization", &authorization))
    })
}

fn wait_until_waiting(device: &TestDevice, id: u64) {
    for _ in 0..500 {
        let waiting = device.device.with_state(|state, _| {
            state
                .events
                .channels()
                .find(|c| u64::from(c.id) == id)
                .map(|c| c.waiting)
        });
        if waiting == Some(1) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the pull never started waiting");
}

#[test]
fn a_pull_on_an_empty_channel_waits_for_its_timeout() {
    let device = TestDevice::new(quiet());
    let id = subscribe(&device, "");
    let waiting = pull_in_background(&device, format!("/api/log/pull?id={id}&timeout=2"));
    wait_until_waiting(&device, id);
    device.advance(1);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!waiting.is_finished(), "answered before its timeout");
    device.advance(1);
    let reply = waiting.join().expect("the pull returns");
    assert_eq!(reply.result(), json!({"events": []}));
}

#[test]
fn a_waiting_pull_answers_at_once_when_an_event_arrives() {
    let device = TestDevice::new(quiet());
    let id = subscribe(&device, "");
    let waiting = pull_in_background(&device, format!("/api/log/pull?id={id}&timeout=40"));
    wait_until_waiting(&device, id);
    card(&device, "01045E31BB");
    let reply = waiting.join().expect("the pull returns");
    assert_eq!(
        names(reply.result()["events"].as_array().expect("events")),
        ["CardEntered"]
    );
    // A pull in progress keeps its channel open: at the end of a wait as long as the duration,
    // the channel is still there, and its life starts again from the end of the pull.
    let id = subscribe(&device, "duration=5");
    let waiting = pull_in_background(&device, format!("/api/log/pull?id={id}&timeout=5"));
    wait_until_waiting(&device, id);
    device.advance(5);
    let reply = waiting.join().expect("the pull returns");
    assert_eq!(reply.result(), json!({"events": []}));
    device.advance(4);
    assert!(pull(&device, id).is_empty());
    // A longer timeout waits at most the channel's duration (erratum pull-timeout-max).
    let waiting = pull_in_background(&device, format!("/api/log/pull?id={id}&timeout=60"));
    wait_until_waiting(&device, id);
    device.advance(5);
    assert_eq!(
        waiting.join().expect("the pull returns").result(),
        json!({"events": []})
    );
}

#[test]
fn a_timeout_of_zero_answers_at_once() {
    let device = TestDevice::new(quiet());
    let id = subscribe(&device, "");
    assert_eq!(
        get(&device, &format!("/api/log/pull?id={id}&timeout=0")).result(),
        json!({"events": []})
    );
}

#[test]
fn channel_ids_are_unpredictable() {
    let device = TestDevice::new(quiet());
    let ids: Vec<u64> = (0..20).map(|_| subscribe(&device, "")).collect();
    let distinct: BTreeSet<&u64> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len());
    let sequential = ids.windows(2).filter(|w| w[1] == w[0] + 1).count();
    assert!(sequential < 2, "{ids:?}");
    assert!(ids.iter().any(|id| *id > 1 << 24), "{ids:?}");
}

#[test]
fn hundreds_of_channels_long_polling_lose_and_duplicate_nothing() {
    let mut profile = quiet();
    profile.services.insert(
        ServiceName(Service::Logging),
        ServiceSecurity {
            enabled: true,
            transport: TransportName::Http,
            auth: AuthName::None,
        },
    );
    let device = helios_device::Device::new(
        profile,
        std::sync::Arc::new(helios_device::clock::SystemClock::new()),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    const CHANNELS: usize = 200;
    const EVENTS: usize = 300;
    let received = runtime.block_on(async {
        let mut ids = Vec::new();
        for _ in 0..CHANNELS {
            ids.push(
                call(device.clone(), "/api/log/subscribe".into()).await["result"]["id"]
                    .as_u64()
                    .expect("an id"),
            );
        }
        let pullers: Vec<_> = ids
            .iter()
            .map(|&id| {
                let device = device.clone();
                tokio::spawn(async move {
                    let mut seen = Vec::new();
                    while seen.len() < EVENTS {
                        let reply =
                            call(device.clone(), format!("/api/log/pull?id={id}&timeout=5")).await;
                        for event in reply["result"]["events"].as_array().expect("events") {
                            seen.push(event["params"]["key"].as_str().expect("a key").to_owned());
                        }
                    }
                    seen
                })
            })
            .collect();
        let raiser = {
            let device = device.clone();
            tokio::task::spawn_blocking(move || {
                for n in 0..EVENTS {
                    let params = json!({"key": format!("%{}", n % 150 + 1)})
                        .as_object()
                        .cloned()
                        .unwrap_or_default();
                    stimulus::raise(&device, "KeyPressed", params).expect("raised");
                    if n % 50 == 0 {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                }
            })
        };
        raiser.await.expect("the raiser finishes");
        let mut all = Vec::new();
        for puller in pullers {
            all.push(
                tokio::time::timeout(Duration::from_secs(30), puller)
                    .await
                    .expect("in time")
                    .expect("a puller"),
            );
        }
        all
    });
    let expected: Vec<String> = (0..EVENTS).map(|n| format!("%{}", n % 150 + 1)).collect();
    for seen in received {
        assert_eq!(seen, expected);
    }
}

/// One request through the pipeline on the current runtime, without sockets or credentials.
async fn call(device: std::sync::Arc<helios_device::Device>, uri: String) -> Value {
    let uri: axum::http::Uri = uri.parse().expect("a URI");
    let response = helios_device::pipeline::process(
        &device,
        &axum::http::Method::GET,
        &uri,
        &axum::http::HeaderMap::new(),
        b"",
        helios_device::pipeline::Connection::default(),
    )
    .await;
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("a body")
        .to_bytes();
    serde_json::from_slice::<Value>(&body).expect("JSON")
}
