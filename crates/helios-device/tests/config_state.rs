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

/// `helios-device --state DIR` with free loopback ports: its exit code and standard error
/// when it stops by itself within a few seconds, or `None` while it still serves.
fn device_with_state(dir: &std::path::Path) -> Option<(i32, String)> {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_helios-device"))
        .args(["--http", "127.0.0.1:0", "--https", "127.0.0.1:0", "--state"])
        .arg(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    for _ in 0..30 {
        if let Ok(Some(status)) = child.try_wait() {
            let mut stderr = String::new();
            let _ =
                std::io::Read::read_to_string(child.stderr.as_mut().expect("stderr"), &mut stderr);
            return Some((status.code().unwrap_or(-1), stderr));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn a_corrupt_state_file_is_refused_at_start_naming_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("config.xml"), b"<DeviceDatabase><Device>").expect("written");
    let (code, stderr) = device_with_state(dir.path()).expect("the device refused to start");
    assert_ne!(code, 0);
    assert!(
        stderr.contains("config.xml") && stderr.contains("factory configuration"),
        "{stderr}"
    );
}

#[test]
fn the_self_signed_certificate_is_kept_in_the_state_directory() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let first = helios_device::tls::Tls::kept_in(dir.path()).expect("made");
    let again = helios_device::tls::Tls::kept_in(dir.path()).expect("read back");
    assert_eq!(
        first.cert_pem, again.cert_pem,
        "a restart presents the same certificate"
    );
    let key = dir.path().join(helios_device::tls::KEPT_KEY);
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&key).expect("the key").permissions(),
    );
    assert_eq!(mode & 0o077, 0, "the key is its owner's alone");
    // And the binary with that directory serves (it does not stop by itself).
    assert!(device_with_state(dir.path()).is_none());
}
