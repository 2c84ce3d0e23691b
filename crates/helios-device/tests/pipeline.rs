//! Every error of the pipeline, reached through the router without sockets, checked by code and
//! HTTP status; and the authentication rules of chapter 3.

mod common;

use common::ADMIN;

use std::net::{IpAddr, Ipv4Addr};

use axum::http::StatusCode;
use common::{Request, TestDevice, digest_authorization};
use helios_device::Profile;
use helios_device::profile::{AuthName, ServiceName, ServiceSecurity, TransportName};
use helios_spec::Service;
use helios_wire::auth::{Algorithm, Challenge};
use helios_wire::event::Event;

fn with_service(
    service: Service,
    enabled: bool,
    transport: TransportName,
    auth: AuthName,
) -> Profile {
    let mut profile = Profile::default_profile();
    profile.services.insert(
        ServiceName(service),
        ServiceSecurity {
            enabled,
            transport,
            auth,
        },
    );
    profile
}

#[test]
fn unknown_paths_answer_2_and_wrong_methods_3() {
    let device = TestDevice::default_profile();
    for uri in [
        "/api/nothing",
        "/pcap",
        "/api/switch/ctrl/",
        "/API/system/info",
        "/",
    ] {
        let reply = device.send(&Request::get(uri));
        assert_eq!(reply.error_code(), Some(2), "{uri}");
        assert_eq!(reply.status, StatusCode::OK);
    }
    for method in ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"] {
        let reply = device.send(&Request::get("/api/switch/caps").method(method));
        assert_eq!(reply.error_code(), Some(3), "{method}");
    }
    let reply = device.send(&Request::get("/api/firmware"));
    assert_eq!(reply.error_code(), Some(3));
}

#[test]
fn a_disabled_service_answers_4_and_plain_http_where_https_is_required_7() {
    let device = TestDevice::new(with_service(
        Service::Switch,
        false,
        TransportName::Https,
        AuthName::Digest,
    ));
    let reply = device.send_digest(&Request::get("/api/switch/caps"), ADMIN.0, ADMIN.1);
    assert_eq!(reply.error_code(), Some(4));

    let device = TestDevice::default_profile();
    let reply = device.send(&Request::get("/api/switch/caps").http());
    assert_eq!(reply.error_code(), Some(7));
    // Camera is on plain HTTP in the manual's screenshot: both transports work.
    let reply = device.send(&Request::get("/api/camera/caps").http());
    assert_ne!(reply.error_code(), Some(7));
}

#[test]
fn missing_credentials_answer_9_with_401_and_a_challenge_per_scheme() {
    let device = TestDevice::default_profile();
    let reply = device.send(&Request::get("/api/switch/caps"));
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), Some(9));
    let challenges = reply.challenges();
    assert_eq!(challenges.len(), 1, "{challenges:?}");
    assert!(
        matches!(&challenges[0], Challenge::Digest(d) if d.algorithm == Algorithm::Md5 && !d.stale)
    );

    let device = TestDevice::new(with_service(
        Service::Switch,
        true,
        TransportName::Http,
        AuthName::Basic,
    ));
    let reply = device.send(&Request::get("/api/switch/caps").http());
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let challenges = reply.challenges();
    assert_eq!(challenges.len(), 2, "{challenges:?}");
    assert!(matches!(challenges[0], Challenge::Basic { .. }));
    assert!(matches!(challenges[1], Challenge::Digest(_)));
    // A Basic service takes Basic and Digest alike (erratum basic-accepts-digest).
    let basic = device.send(
        &Request::get("/api/switch/caps")
            .http()
            .basic(ADMIN.0, ADMIN.1),
    );
    assert_eq!(basic.error_code(), None);
    let digest = device.send_digest(&Request::get("/api/switch/caps").http(), ADMIN.0, ADMIN.1);
    assert_eq!(digest.error_code(), None);
    let wrong = device.send(
        &Request::get("/api/switch/caps")
            .http()
            .basic("admin", "nope"),
    );
    assert_eq!(wrong.error_code(), Some(9));
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
}

#[test]
fn basic_credentials_where_only_digest_is_allowed_answer_8() {
    let device = TestDevice::default_profile();
    let reply = device.send(&Request::get("/api/switch/caps").basic(ADMIN.0, ADMIN.1));
    assert_eq!(reply.error_code(), Some(8));
    assert_eq!(reply.status, StatusCode::OK);
}

#[test]
fn privileges_are_checked_per_function_and_control_does_not_imply_monitoring() {
    let device = TestDevice::default_profile();
    let ctrl = Request::get("/api/switch/ctrl?switch=1&action=on");
    let reply = device.send_digest(&ctrl, "viewer", "viewer");
    assert_eq!(reply.error_code(), Some(10));
    let reply = device.send_digest(&Request::get("/api/switch/status"), "viewer", "viewer");
    assert_eq!(reply.error_code(), None);

    let mut profile = Profile::default_profile();
    profile.accounts.0[1].monitoring.clear();
    profile.accounts.0[1].control = vec![helios_device::profile::GroupName(
        helios_spec::Group::Switch,
    )];
    let device = TestDevice::new(profile);
    let reply = device.send_digest(&Request::get("/api/switch/status"), "viewer", "viewer");
    assert_eq!(reply.error_code(), Some(10));
    let reply = device.send_digest(&ctrl, "viewer", "viewer");
    assert_eq!(reply.error_code(), None);
}

#[test]
fn a_missing_licence_answers_5_and_missing_hardware_1() {
    let mut profile = Profile::default_profile();
    profile.licences.clear();
    let device = TestDevice::new(profile);
    let reply = device.send_digest(&Request::get("/api/switch/caps"), ADMIN.0, ADMIN.1);
    assert_eq!(reply.error_code(), Some(5));
    // system/info and the camera need no licence.
    let reply = device.send(&Request::get("/api/system/info"));
    assert_eq!(reply.error_code(), None);

    let mut profile = Profile::default_profile();
    profile.camera = None;
    let device = TestDevice::new(profile);
    let reply = device.send(&Request::get("/api/camera/caps").http());
    assert_eq!(reply.error_code(), Some(1));
}

#[test]
fn parameters_answer_11_12_and_13_naming_the_parameter() {
    let device = TestDevice::default_profile();
    let cases = [
        ("/api/switch/ctrl?switch=1", 11, "action"),
        ("/api/switch/ctrl?action=on", 11, "switch"),
        ("/api/switch/ctrl?switch=1&action=open", 12, "action"),
        ("/api/switch/ctrl?switch=9&action=on", 12, "switch"),
        ("/api/switch/caps?switch=0", 12, "switch"),
        ("/api/io/ctrl?port=input1&action=on", 12, "port"),
        ("/api/io/ctrl?port=nothing&action=on", 12, "port"),
        ("/api/io/status?port=nothing", 12, "port"),
        ("/api/io/ctrl?port=relay1&action=trigger", 12, "action"),
        ("/api/switch/ctrl?switch=1&action=%ZZ", 12, "action"),
    ];
    for (uri, code, param) in cases {
        let reply = device.send_digest(&Request::get(uri), ADMIN.0, ADMIN.1);
        assert_eq!(reply.error_code(), Some(code), "{uri}");
        assert_eq!(reply.error_param().as_deref(), Some(param), "{uri}");
    }
    let long = format!(
        "/api/switch/ctrl?switch=1&action=on&response={}",
        "x".repeat(1025)
    );
    let reply = device.send_digest(&Request::get(&long), ADMIN.0, ADMIN.1);
    assert_eq!(reply.error_code(), Some(13));
    assert_eq!(reply.error_param().as_deref(), Some("response"));
}

#[test]
fn system_info_answers_without_credentials_but_not_over_the_wrong_transport() {
    let device = TestDevice::default_profile();
    let reply = device.send(&Request::get("/api/system/info"));
    assert_eq!(reply.result()["variant"], "2N Helios IP Verso");
    let reply = device.send(&Request::get("/api/system/info").http());
    assert_eq!(reply.error_code(), Some(7));
}

#[test]
fn digest_nonces_expire_with_stale_and_counts_cannot_be_replayed() {
    let device = TestDevice::default_profile();
    let request = Request::get("/api/switch/status");
    let first = device.send(&request);
    let authorization = digest_authorization(&first, &request, ADMIN.0, ADMIN.1, 1);
    let signed = request.clone().header("authorization", &authorization);
    assert_eq!(device.send(&signed).error_code(), None);
    // The same nonce count again is a replay: refused, with stale=true and a fresh nonce
    // (erratum digest-used-count), which a client sharing the nonce then uses.
    let replay = device.send(&signed);
    assert_eq!(replay.error_code(), Some(9));
    assert!(replay.digest_challenge().is_some_and(|c| c.stale));
    let retried = digest_authorization(&replay, &request, ADMIN.0, ADMIN.1, 1);
    assert_eq!(
        device
            .send(&request.clone().header("authorization", &retried))
            .error_code(),
        None
    );
    // The next count on the same nonce is fine.
    let next = digest_authorization(&first, &request, ADMIN.0, ADMIN.1, 2);
    assert_eq!(
        device
            .send(&request.clone().header("authorization", &next))
            .error_code(),
        None
    );
    // After the nonce's lifetime, the device answers stale=true and a new nonce works.
    device.advance(helios_device::auth::NONCE_LIFETIME.as_secs() + 1);
    let late = digest_authorization(&first, &request, ADMIN.0, ADMIN.1, 3);
    let stale = device.send(&request.clone().header("authorization", &late));
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
    assert!(stale.digest_challenge().is_some_and(|c| c.stale));
    let fresh = digest_authorization(&stale, &request, ADMIN.0, ADMIN.1, 1);
    assert_eq!(
        device
            .send(&request.clone().header("authorization", &fresh))
            .error_code(),
        None
    );
}

#[test]
fn a_flood_of_unauthenticated_challenges_never_evicts_a_working_clients_nonce() {
    let device = TestDevice::default_profile();
    let request = Request::get("/api/switch/status");
    let first = device.send(&request);
    let proven = digest_authorization(&first, &request, ADMIN.0, ADMIN.1, 1);
    assert_eq!(
        device
            .send(&request.clone().header("authorization", &proven))
            .error_code(),
        None
    );
    // An attacker's requests without credentials each earn a fresh nonce: twice the table.
    for _ in 0..2 * helios_device::auth::MAX_NONCES {
        assert_eq!(device.send(&request).error_code(), Some(9));
    }
    let next = digest_authorization(&first, &request, ADMIN.0, ADMIN.1, 2);
    assert_eq!(
        device
            .send(&request.clone().header("authorization", &next))
            .error_code(),
        None,
        "the working client's nonce was evicted"
    );
}

#[test]
fn sha256_digest_works_when_the_profile_asks_for_it() {
    let mut profile = Profile::default_profile();
    profile.device.digest_algorithm = helios_device::profile::DigestAlgorithm::Sha256;
    let device = TestDevice::new(profile);
    let request = Request::get("/api/switch/caps");
    let first = device.send(&request);
    assert_eq!(
        first.digest_challenge().map(|c| c.algorithm),
        Some(Algorithm::Sha256)
    );
    assert_eq!(
        device.send_digest(&request, ADMIN.0, ADMIN.1).error_code(),
        None
    );
}

#[test]
fn repeated_failures_block_the_address_and_raise_login_blocked() {
    let device = TestDevice::default_profile();
    let attacker = IpAddr::V4(Ipv4Addr::new(10, 0, 23, 32));
    let request = Request::get("/api/switch/caps").from(attacker);
    for _ in 0..helios_device::auth::MAX_FAILURES {
        let reply = device.send_digest(&request, "admin", "wrong");
        assert_eq!(reply.error_code(), Some(9));
    }
    let blocked: Vec<_> = device
        .device
        .events()
        .into_iter()
        .filter(|r| matches!(&r.event, Event::LoginBlocked { address } if address == "10.0.23.32"))
        .collect();
    assert_eq!(blocked.len(), 1);
    // Blocked: even the right password fails, from that address only.
    assert_eq!(
        device.send_digest(&request, ADMIN.0, ADMIN.1).error_code(),
        Some(9)
    );
    let other = Request::get("/api/switch/caps");
    assert_eq!(
        device.send_digest(&other, ADMIN.0, ADMIN.1).error_code(),
        None
    );
    device.advance(helios_device::auth::BLOCK_TIME.as_secs() + 1);
    assert_eq!(
        device.send_digest(&request, ADMIN.0, ADMIN.1).error_code(),
        None
    );
}

#[test]
fn the_router_answers_without_sockets() {
    use tower::ServiceExt;
    let device = TestDevice::default_profile();
    let app = helios_device::pipeline::app(device.device.clone());
    let request = axum::http::Request::builder()
        .uri("/api/nothing")
        .body(axum::body::Body::empty())
        .expect("a request");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let response = runtime.block_on(app.oneshot(request)).expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get("server")
            .and_then(|v| v.to_str().ok()),
        Some("HIP2.21.0.0.1")
    );
}

#[test]
fn invalid_profiles_are_refused_naming_the_line() {
    let default = helios_device::profile::DEFAULT_PROFILE;
    let mut six = default.to_owned();
    for n in 0..4 {
        six.push_str(&format!(
            "\n[[accounts]]\nuser = \"extra{n}\"\npassword = \"x\"\n"
        ));
    }
    let cases = [
        (six, "at most 5"),
        (
            default.replace(
                "\"uid\", \"keypad\"]\ncontrol = []",
                "\"uid\", \"garage\"]\ncontrol = []",
            ),
            "unknown privilege `garage`",
        ),
        (
            default.replace("switch = 4\nenabled = false", "switch = 9\nenabled = false"),
            "switch 9 does not exist",
        ),
    ];
    for (text, expected) in cases {
        let error = Profile::parse(&text, "test.toml")
            .expect_err(expected)
            .to_string();
        assert!(error.contains(expected), "{error}");
        assert!(error.contains("line"), "{error}");
    }
    for shipped in ["default.toml", "vario.toml"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("profiles")
            .join(shipped);
        Profile::load(&path).unwrap_or_else(|e| panic!("{shipped}: {e}"));
    }
}
