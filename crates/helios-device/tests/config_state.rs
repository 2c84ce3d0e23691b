//! `config` and `config/factoryreset` (manual 5.6, 5.7) across restarts: the configuration
//! kept in the state directory, written atomically, and the factory configuration back.

mod common;
mod system_support;

use common::{Request, TestDevice};
use helios_wire::event::Event;
use serde_json::json;
use system_support::*;

#[test]
fn the_configuration_persists_in_the_state_directory_and_writes_are_atomic() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut profile = quick_profile();
    profile.system.state_dir = Some(dir.path().to_owned());
    let device = TestDevice::new(profile.clone());
    assert!(
        !dir.path().join("config.xml").exists(),
        "nothing kept before a change"
    );

    let mut document = config(&device);
    document.set("Device/Name", "Kept").expect("set");
    assert_eq!(upload(&device, &document).json(), json!({"success": true}));
    let applied = config_text(&device);
    let kept = std::fs::read(dir.path().join("config.xml")).expect("the kept configuration");
    assert_eq!(String::from_utf8_lossy(&kept), applied);

    // A refused upload leaves the kept file as it was, and no temporary file behind.
    let bad = put_blob(&device, "/api/config", "blob-cfg", b"<DeviceDatabase Version=\"4\"><Device><TimeZoneShift>x</TimeZoneShift></Device></DeviceDatabase>");
    assert_eq!(bad.error_code(), Some(12));
    assert_eq!(
        std::fs::read(dir.path().join("config.xml")).ok(),
        Some(kept.clone())
    );
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .expect("the directory")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["config.xml"]);

    // A restart, and a new process on the same directory, start with the kept configuration.
    assert_eq!(
        get(&device, "/api/system/restart").json(),
        json!({"success": true})
    );
    assert_eq!(uptime(&device), 0);
    assert_eq!(config_text(&device), applied);
    let reborn = TestDevice::new(profile.clone());
    assert_eq!(config_text(&reborn), applied);
    let info = reborn.send(&Request::get("/api/system/info")).result();
    assert_eq!(info["deviceName"], "Kept");

    // A factory reset forgets it.
    assert_eq!(
        get(&reborn, "/api/config/factoryreset").json(),
        json!({"success": true})
    );
    reborn.advance(1);
    assert!(!dir.path().join("config.xml").exists());
    let fresh = TestDevice::new(profile);
    let info = fresh.send(&Request::get("/api/system/info")).result();
    assert_eq!(info["deviceName"], "2N Helios IP Verso");
}

#[test]
fn a_factory_reset_restores_the_profile_after_its_delay_and_restarts() {
    let mut profile = quick_profile();
    profile.system.config_delay = 15;
    let device = TestDevice::new(profile);
    let factory = config_text(&device);
    let mut document = config(&device);
    document.set("Device/Name", "Changed").expect("set");
    assert_eq!(upload(&device, &document).json(), json!({"success": true}));
    device.advance(15);
    assert_ne!(config_text(&device), factory);
    device.advance(85);

    let reply = get(&device, "/api/config/factoryreset");
    snapshot!("device__config_factoryreset", reply.json());
    device.advance(14);
    assert_eq!(config(&device).get("Device/Name").as_deref(), Ok("Changed"));
    assert_eq!(uptime(&device), 114);
    device.advance(1);
    assert_eq!(config_text(&device), factory);
    assert_eq!(uptime(&device), 0);
    let first = &device.device.events()[0];
    assert_eq!(first.id, 1);
    assert_eq!(
        first.event,
        Event::DeviceState {
            state: "startup".into()
        }
    );
}
