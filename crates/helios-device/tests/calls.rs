//! Phone and calls (manual 5.14 to 5.18): SIP registration at start, outgoing calls whose far
//! end answers, is busy, rejects or never answers, incoming calls from the simulation, and the
//! `RegistrationStateChanged` and `CallStateChanged` events, all under a manual clock.

mod common;

use common::{get, snapshot};

use common::{Request, TestDevice};
use helios_device::Profile;
use helios_wire::event::Event;
use serde_json::json;

/// A call event as (session, direction, state, peer, reason, upTime).
type CallEvent = (u32, String, String, String, Option<String>, u32);

fn call_events(device: &TestDevice) -> Vec<CallEvent> {
    device
        .device
        .events()
        .into_iter()
        .filter_map(|record| match record.event {
            Event::CallStateChanged {
                direction,
                state,
                peer,
                reason,
                session,
                call: _,
            } => Some((session, direction, state, peer, reason, record.up_time)),
            _ => None,
        })
        .collect()
}

/// The states a session went through, with their upTime and reason.
fn states_of(device: &TestDevice, session: u32) -> Vec<(String, Option<String>, u32)> {
    call_events(device)
        .into_iter()
        .filter(|event| event.0 == session)
        .map(|(_, _, state, _, reason, at)| (state, reason, at))
        .collect()
}

fn state(name: &str, reason: Option<&str>, at: u32) -> (String, Option<String>, u32) {
    (name.to_owned(), reason.map(str::to_owned), at)
}

fn dial(device: &TestDevice, number: &str) -> u32 {
    let reply = get(device, &format!("/api/call/dial?number={number}"));
    let session = reply.result()["session"].as_u64().expect("a session");
    u32::try_from(session).expect("a u32 session")
}

#[test]
fn sip_accounts_register_at_start() {
    let device = TestDevice::default_profile();
    snapshot!(
        "device__phone_status_registering",
        get(&device, "/api/phone/status").json()
    );
    device.advance(5);
    snapshot!(
        "device__phone_status",
        get(&device, "/api/phone/status").json()
    );
    let first = get(&device, "/api/phone/status?account=1").result();
    let registered_at = common::START.as_secs() + 1;
    assert_eq!(
        first,
        json!({"accounts": [{"account": 1, "sipNumber": "5046", "registered": true, "registerTime": registered_at}]})
    );
    let second = get(&device, "/api/phone/status?account=2").result();
    assert_eq!(
        second,
        json!({"accounts": [{"account": 2, "sipNumber": "", "registered": false}]})
    );
    let events: Vec<(u32, String, u32, u32)> = device
        .device
        .events()
        .into_iter()
        .filter_map(|r| match r.event {
            Event::RegistrationStateChanged { sip_account, state } => {
                Some((sip_account, state, r.id, r.up_time))
            }
            _ => None,
        })
        .collect();
    // DeviceState startup is event 1; account 2 is not meant to register and raises nothing.
    assert_eq!(
        events,
        [
            (1, "registering".into(), 2, 0),
            (1, "registered".into(), 3, 1)
        ]
    );
}

#[test]
fn an_account_the_device_lacks_answers_12() {
    let text = helios_device::profile::DEFAULT_PROFILE.replace(
        "[[sip_accounts]]\naccount = 2\nnumber = \"\"\nregistered = false\ndomain = \"pbx.example.com\"\n",
        "",
    );
    let profile = Profile::parse(&text, "one-account.toml").expect("a valid profile");
    assert_eq!(profile.sip_accounts.len(), 1);
    let device = TestDevice::new(profile);
    let reply = get(&device, "/api/phone/status?account=2");
    snapshot!("device__phone_status_absent_account", reply.json());
    assert_eq!(
        (reply.error_code(), reply.error_param()),
        (Some(12), Some("account".into()))
    );
    assert_eq!(
        get(&device, "/api/phone/status?account=3").error_code(),
        Some(12)
    );
}

#[test]
fn an_answered_call_connects_and_hangs_up() {
    let device = TestDevice::default_profile();
    let reply = get(&device, "/api/call/dial?number=sip:1234@10.0.23.194");
    snapshot!("device__call_dial", reply.json());
    assert_eq!(reply.result(), json!({"session": 1}));
    snapshot!(
        "device__call_status_connecting",
        get(&device, "/api/call/status").json()
    );
    device.advance(1);
    snapshot!(
        "device__call_status_ringing",
        get(&device, "/api/call/status?session=1").json()
    );
    device.advance(2);
    let status = get(&device, "/api/call/status").result();
    assert_eq!(
        status,
        json!({"sessions": [{"session": 1, "direction": "outgoing", "state": "connected"}]})
    );
    device.advance(10);
    let hangup = get(&device, "/api/call/hangup?session=1");
    snapshot!("device__call_hangup", hangup.json());
    snapshot!(
        "device__call_status_idle",
        get(&device, "/api/call/status").json()
    );
    assert_eq!(
        states_of(&device, 1),
        [
            state("connecting", None, 0),
            state("ringing", None, 1),
            state("connected", None, 3),
            state("terminated", Some("normal"), 13),
        ]
    );
    let peers: Vec<String> = call_events(&device).into_iter().map(|e| e.3).collect();
    assert!(
        peers.iter().all(|p| p == "sip:1234@10.0.23.194"),
        "{peers:?}"
    );
    let status = get(&device, "/api/call/status?session=1");
    assert_eq!(
        (status.error_code(), status.error_param()),
        (Some(12), Some("session".into()))
    );
}

#[test]
fn far_ends_are_busy_reject_or_never_answer_by_number() {
    let device = TestDevice::default_profile();
    let busy = dial(&device, "5486");
    let rejects = dial(&device, "sip:603@pbx.example.com");
    let silent = dial(&device, "408");
    assert_eq!((busy, rejects, silent), (1, 2, 3));
    device.advance(1);
    let status = get(&device, "/api/call/status").result();
    assert_eq!(
        status,
        json!({"sessions": [
            {"session": 2, "direction": "outgoing", "state": "ringing"},
            {"session": 3, "direction": "outgoing", "state": "ringing"},
        ]})
    );
    device.advance(40);
    assert_eq!(
        states_of(&device, busy),
        [
            state("connecting", None, 0),
            state("terminated", Some("busy"), 1)
        ]
    );
    assert_eq!(
        states_of(&device, rejects),
        [
            state("connecting", None, 0),
            state("ringing", None, 1),
            state("terminated", Some("rejected"), 3),
        ]
    );
    assert_eq!(
        states_of(&device, silent),
        [
            state("connecting", None, 0),
            state("ringing", None, 1),
            state("terminated", Some("noanswer"), 31),
        ]
    );
    assert_eq!(
        get(&device, "/api/call/status").result(),
        json!({"sessions": []})
    );
    // A plain number is called at the domain of SIP account 1.
    let peer = &call_events(&device)[0].3;
    assert_eq!(peer, "sip:5486@pbx.example.com");
    // Events come in time order even when several calls settle at once.
    let times: Vec<u32> = call_events(&device).iter().map(|e| e.5).collect();
    assert!(times.is_sorted(), "{times:?}");
}

#[test]
fn incoming_calls_ring_until_answered() {
    let device = TestDevice::default_profile();
    let peer = "sip:2229@10.0.97.150:5062;user=phone";
    let session = device.device.incoming_call(peer).expect("a call");
    assert_eq!(session, 1);
    snapshot!(
        "device__call_status_incoming",
        get(&device, "/api/call/status").json()
    );
    device.advance(4);
    let answer = get(&device, &format!("/api/call/answer?session={session}"));
    snapshot!("device__call_answer", answer.json());
    let again = get(&device, &format!("/api/call/answer?session={session}"));
    snapshot!("device__call_answer_not_ringing", again.json());
    assert_eq!(
        (again.error_code(), again.error_param()),
        (Some(12), Some("session".into()))
    );
    device.advance(60);
    let status = get(&device, "/api/call/status").result();
    assert_eq!(
        status,
        json!({"sessions": [{"session": 1, "direction": "incoming", "state": "connected"}]})
    );
    let hangup = get(&device, "/api/call/hangup?session=1&reason=busy");
    assert_eq!(hangup.error_code(), None);
    assert_eq!(
        states_of(&device, 1),
        [
            state("ringing", None, 0),
            state("connected", None, 4),
            state("terminated", Some("busy"), 64),
        ]
    );
    let directions: Vec<String> = call_events(&device).into_iter().map(|e| e.1).collect();
    assert!(directions.iter().all(|d| d == "incoming"));
    assert!(call_events(&device).iter().all(|e| e.3 == peer));

    // Nobody answers the next one: the caller gives up after 30 s.
    let unanswered = device.device.incoming_call("2230").expect("a call");
    assert_eq!(unanswered, 2);
    device.advance(30);
    assert_eq!(
        states_of(&device, 2),
        [
            state("ringing", None, 64),
            state("terminated", Some("noanswer"), 94),
        ]
    );
    assert_eq!(call_events(&device)[3].3, "sip:2230@pbx.example.com");
    assert!(device.device.incoming_call("not a number").is_err());
}

#[test]
fn only_ringing_incoming_calls_can_be_answered_and_only_known_ones_hung_up() {
    let device = TestDevice::default_profile();
    let outgoing = dial(&device, "5046");
    let answer = get(&device, &format!("/api/call/answer?session={outgoing}"));
    assert_eq!(
        (answer.error_code(), answer.error_param()),
        (Some(12), Some("session".into()))
    );
    let unknown = get(&device, "/api/call/answer?session=99");
    snapshot!("device__call_answer_unknown", unknown.json());
    assert_eq!(
        (unknown.error_code(), unknown.error_param()),
        (Some(12), Some("session".into()))
    );
    let hangup = get(&device, "/api/call/hangup?session=99");
    snapshot!("device__call_hangup_unknown", hangup.json());
    assert_eq!(
        (hangup.error_code(), hangup.error_param()),
        (Some(12), Some("session".into()))
    );
    let missing = get(&device, "/api/call/hangup");
    assert_eq!(
        (missing.error_code(), missing.error_param()),
        (Some(11), Some("session".into()))
    );
    let status = get(&device, "/api/call/status?session=99");
    snapshot!("device__call_status_unknown", status.json());
    // Rejecting a ringing incoming call.
    let incoming = device
        .device
        .incoming_call("sip:2229@10.0.97.150")
        .expect("a call");
    let reject = get(
        &device,
        &format!("/api/call/hangup?session={incoming}&reason=rejected"),
    );
    assert_eq!(reject.error_code(), None);
    assert_eq!(
        states_of(&device, incoming),
        [
            state("ringing", None, 0),
            state("terminated", Some("rejected"), 0)
        ]
    );
    // The outgoing call goes on undisturbed.
    device.advance(3);
    assert_eq!(
        states_of(&device, outgoing).last(),
        Some(&state("connected", None, 3))
    );
}

#[test]
fn session_ids_grow_and_calls_are_limited() {
    let device = TestDevice::default_profile();
    let first = dial(&device, "5046");
    get(&device, &format!("/api/call/hangup?session={first}"));
    let ids: Vec<u32> = (0..4).map(|_| dial(&device, "5046")).collect();
    assert_eq!(ids, [2, 3, 4, 5]);
    let fifth = get(&device, "/api/call/dial?number=5046");
    snapshot!("device__call_dial_limit", fifth.json());
    assert_eq!(fifth.error_code(), Some(14));
    assert_eq!(
        device
            .device
            .incoming_call("2229")
            .map_err(|e| e.to_string()),
        Err("4 calls are active already".into())
    );
    get(&device, "/api/call/hangup?session=3");
    assert_eq!(dial(&device, "5046"), 6);
}

#[test]
fn call_functions_need_their_privileges() {
    let device = TestDevice::default_profile();
    let viewer = |uri: &str| device.send_digest(&Request::get(uri), "viewer", "viewer");
    assert_eq!(viewer("/api/call/status").error_code(), None);
    assert_eq!(viewer("/api/phone/status").error_code(), None);
    assert_eq!(viewer("/api/call/dial?number=5046").error_code(), Some(10));
    assert_eq!(call_events(&device), []);
}
