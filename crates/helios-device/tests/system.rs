//! `system/restart`, `firmware` and `firmware/apply` (manual 5.3 to 5.5): a restart replies
//! first, then starts the device again (uptime, event ids, hardware, subscriptions); firmware
//! images are checked on upload and installed by apply, which restarts on the new version.

mod common;
mod system_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Request, TestDevice};
use helios_device::Profile;
use helios_device::system::firmware;
use helios_wire::event::Event;
use serde_json::json;
use system_support::*;

const VERSO: &str = "2N Helios IP Verso";

fn image(model: &str, version: &str) -> Vec<u8> {
    firmware::build(model, version, b"a simulated firmware payload").expect("an image")
}

fn startup() -> Event {
    Event::DeviceState {
        state: "startup".into(),
    }
}

#[test]
fn restart_replies_first_then_starts_the_device_again() {
    // Without SIP registrations, so that the events counted are the test's own.
    let mut profile = helios_device::Profile::default_profile();
    for account in &mut profile.sip_accounts {
        account.registered = false;
    }
    let device = TestDevice::new(profile);
    device.advance(100);
    assert_eq!(
        get(&device, "/api/switch/ctrl?switch=2&action=on").json(),
        json!({"success": true})
    );
    assert_eq!(
        get(&device, "/api/io/ctrl?port=relay1&action=on").json(),
        json!({"success": true})
    );
    assert!(device.device.events().len() >= 3);

    let reply = get(&device, "/api/system/restart");
    snapshot!("device__system_restart", reply.json());
    // The reply comes first: the device restarts restart_delay (2 s) later.
    device.advance(1);
    assert_eq!(uptime(&device), 101);
    assert_eq!(device.device.events().len(), 3);
    device.advance(1);

    assert_eq!(uptime(&device), 0);
    let events = device.device.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!((events[0].id, events[0].up_time), (1, 0));
    assert_eq!(events[0].event, startup());
    assert_eq!(u64::from(events[0].utc_time), common::START.as_secs() + 102);
    let switch = get(&device, "/api/switch/status?switch=2").result();
    assert_eq!(switch["switches"][0]["active"], false);
    let relay = get(&device, "/api/io/status?port=relay1").result();
    assert_eq!(relay["ports"][0]["state"], 0);

    device.advance(5);
    assert_eq!(uptime(&device), 5);
    let status = get(&device, "/api/system/status").result();
    assert_eq!(status["systemTime"], json!(common::START.as_secs() + 107));
    // The next event is number 2.
    assert_eq!(
        get(&device, "/api/switch/ctrl?switch=1&action=on").json(),
        json!({"success": true})
    );
    let ids: Vec<u32> = device.device.events().iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 2]);
}

#[test]
fn a_restart_forgets_what_was_pending() {
    let device = TestDevice::default_profile();
    let before = config_text(&device);
    let mut document = config(&device);
    document.set("Device/Name", "Never").expect("set");
    assert_eq!(upload(&device, &document).json(), json!({"success": true}));
    assert_eq!(
        get(&device, "/api/system/restart").json(),
        json!({"success": true})
    );
    device.advance(2);
    assert_eq!(uptime(&device), 0);
    device.advance(30);
    assert_eq!(config_text(&device), before);
}

#[test]
fn device_restart_can_be_called_directly() {
    let device = TestDevice::default_profile();
    device.advance(10);
    device.device.restart();
    assert_eq!(uptime(&device), 0);
    assert_eq!(device.device.events()[0].event, startup());
}

#[test]
fn firmware_upload_reports_the_version_and_whether_it_is_a_downgrade() {
    let device = TestDevice::default_profile();
    let reply = put_blob(
        &device,
        "/api/firmware",
        "blob-fw",
        &image(VERSO, "2.22.0.1.7"),
    );
    snapshot!("device__firmware", reply.json());
    assert_eq!(
        reply.result(),
        json!({"version": "2.22.0.1.7", "downgrade": false})
    );
    let reply = put_blob(
        &device,
        "/api/firmware",
        "blob-fw",
        &image(VERSO, "2.10.0.19.2"),
    );
    snapshot!("device__firmware_downgrade", reply.json());
    assert_eq!(reply.result()["downgrade"], true);
    let same = put_blob(
        &device,
        "/api/firmware",
        "blob-fw",
        &image(VERSO, "2.21.0.0.1"),
    );
    assert_eq!(same.result()["downgrade"], false);
}

#[test]
fn corrupted_truncated_and_foreign_images_answer_12_naming_blob_fw() {
    let device = TestDevice::default_profile();
    let good = image(VERSO, "2.22.0.1.7");
    let mut corrupted = good.clone();
    let last = corrupted.len() - 1;
    corrupted[last] ^= 0xFF;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("corrupted", corrupted),
        ("truncated", good[..good.len() - 5].to_vec()),
        ("header only", good[..firmware::HEADER_LEN - 1].to_vec()),
        ("foreign", image("2N Helios IP Vario", "2.22.0.1.7")),
        ("not an image", b"MZ\x90\x00 an executable".to_vec()),
    ];
    for (case, data) in &cases {
        let reply = put_blob(&device, "/api/firmware", "blob-fw", data);
        assert_eq!(reply.error_code(), Some(12), "{case}: {}", reply.json());
        assert_eq!(reply.error_param().as_deref(), Some("blob-fw"), "{case}");
    }
    let reply = put_blob(&device, "/api/firmware", "blob-fw", &cases[0].1);
    snapshot!("device__firmware_corrupted", reply.json());
}

#[test]
fn firmware_apply_without_an_upload_answers_15_and_does_not_restart() {
    let device = TestDevice::default_profile();
    device.advance(10);
    let reply = get(&device, "/api/firmware/apply");
    snapshot!("device__firmware_apply_without_upload", reply.json());
    assert_eq!(reply.error_code(), Some(15));
    device.advance(10);
    assert_eq!(uptime(&device), 20);
}

#[test]
fn firmware_apply_installs_the_image_and_restarts_on_it() {
    let device = TestDevice::default_profile();
    device.advance(60);
    let upload = put_blob(
        &device,
        "/api/firmware",
        "blob-fw",
        &image(VERSO, "2.22.0.1.7"),
    );
    assert_eq!(upload.result()["version"], "2.22.0.1.7");
    let reply = device.send_digest(
        &Request::get("/api/firmware/apply").method("POST"),
        ADMIN.0,
        ADMIN.1,
    );
    snapshot!("device__firmware_apply", reply.json());
    let info = device.send(&Request::get("/api/system/info"));
    assert_eq!(info.result()["swVersion"], "2.21.0.0.1");
    device.advance(2);
    let info = device.send(&Request::get("/api/system/info"));
    assert_eq!(info.result()["swVersion"], "2.22.0.1.7");
    assert_eq!(uptime(&device), 0);
    assert_eq!(device.device.events()[0].event, startup());
    // The upload was used up.
    assert_eq!(get(&device, "/api/firmware/apply").error_code(), Some(15));
    // Going back is a downgrade now.
    let back = put_blob(
        &device,
        "/api/firmware",
        "blob-fw",
        &image(VERSO, "2.21.0.0.1"),
    );
    assert_eq!(back.result()["downgrade"], true);
}

#[test]
fn a_restart_forgets_an_uploaded_image_and_the_installed_firmware_is_kept() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut profile = Profile::default_profile();
    profile.system.state_dir = Some(dir.path().to_owned());
    let device = TestDevice::new(profile.clone());
    let upload = put_blob(
        &device,
        "/api/firmware",
        "blob-fw",
        &image(VERSO, "2.23.0.0.2"),
    );
    assert_eq!(upload.result()["downgrade"], false);
    assert_eq!(
        get(&device, "/api/system/restart").json(),
        json!({"success": true})
    );
    device.advance(2);
    assert_eq!(get(&device, "/api/firmware/apply").error_code(), Some(15));

    let upload = put_blob(
        &device,
        "/api/firmware",
        "blob-fw",
        &image(VERSO, "2.23.0.0.2"),
    );
    assert_eq!(upload.result()["version"], "2.23.0.0.2");
    assert_eq!(
        get(&device, "/api/firmware/apply").json(),
        json!({"success": true})
    );
    device.advance(2);
    let reborn = TestDevice::new(profile);
    let info = reborn.send(&Request::get("/api/system/info")).result();
    assert_eq!(info["swVersion"], "2.23.0.0.2");
    let header = config_text(&reborn);
    assert!(
        header.contains("    Software version: 2.23.0.0.2\n"),
        "{header}"
    );
    assert!(
        header.contains("  Bootloader version: 2.21.0.0.1\n"),
        "{header}"
    );
}

#[test]
fn the_viewer_may_not_restart_or_download_the_configuration() {
    let device = TestDevice::default_profile();
    for uri in [
        "/api/system/restart",
        "/api/config",
        "/api/pcap",
        "/api/firmware/apply",
    ] {
        let reply = device.send_digest(&Request::get(uri), "viewer", "viewer");
        assert_eq!(reply.error_code(), Some(10), "{uri}");
    }
}

#[test]
fn over_loopback_the_reply_arrives_then_the_device_restarts_and_drops_its_connections() {
    let served = served::Served::start(quick_profile());
    std::thread::sleep(Duration::from_millis(1100));
    let status = |served: &served::Served| -> serde_json::Value {
        serde_json::from_slice(&served.curl("/api/system/status", None)).expect("JSON")
    };
    assert!(status(&served)["result"]["upTime"].as_u64() >= Some(1));

    // A keep-alive connection opened before the restart.
    let mut kept = TcpStream::connect(("127.0.0.1", served.http_port())).expect("a connection");
    kept.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a timeout");
    kept.write_all(b"GET /api/system/info HTTP/1.1\r\nHost: device\r\n\r\n")
        .expect("a request");
    let mut buffer = [0; 4096];
    let read = kept.read(&mut buffer).expect("a reply");
    assert!(buffer[..read].starts_with(b"HTTP/1.1 200"));

    // restart_delay is 0: the device restarts on the next tick, after its reply.
    let reply = served.curl("/api/system/restart", None);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&reply).ok(),
        Some(json!({"success": true}))
    );
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(status(&served)["result"]["upTime"], 0);
    // The old connection is closed by the device.
    let read = kept.read(&mut buffer).expect("the end of the connection");
    assert_eq!(read, 0, "{}", String::from_utf8_lossy(&buffer[..read]));
    served.0.stop();
}
