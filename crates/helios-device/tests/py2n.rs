//! A real client written against later firmware, py2n (the Python library behind Home Assistant
//! integrations), against the reference intercom over HTTPS with Digest: everything it does
//! works on the later-firmware profile, and on the 2.21 profile it fails on the missing
//! `macAddr`, so that the difference between generations shows.

mod common;

use helios_device::Profile;
use serde_json::Value;

const SCRIPT: &str = r#"
import asyncio, json, sys
import aiohttp
from py2n import Py2NDevice, Py2NConnectionData

async def main(host):
    options = Py2NConnectionData(host=host, username="admin", password="2n",
                                 auth_method="digest", protocol="https", ssl_verify=False)
    out = {}
    async with aiohttp.ClientSession() as session:
        try:
            device = await Py2NDevice.create(session, options)
        except Exception as error:
            print(json.dumps({"create": "failed", "error": repr(error)}))
            return
        out["create"] = "ok"
        out["mac"] = device.data.mac
        out["firmware"] = device.data.firmware
        out["switches"] = len(device.data.switches)
        await device.set_switch(2, True)
        await device.update_switch_status()
        out["switch2_on"] = device.get_switch(2)
        await device.set_switch(2, False)
        await device.update_switch_status()
        out["switch2_off"] = device.get_switch(2)
        await device.set_port("relay1", True)
        await device.update_port_status()
        out["ports"] = [[p.id, p.state] for p in device.data.ports]
        channel = await device.log_subscribe(include="all")
        events = await device.log_pull(channel)
        out["events"] = [e["event"] for e in events]
        out["hash"] = all(len(e.get("hash", "")) == 16 for e in events)
        await device.log_unsubscribe(channel)
        await device.audio_test()
        out["audio_test"] = "ok"
    print(json.dumps(out))

asyncio.run(main(sys.argv[1]))
"#;

fn py2n_against(profile: Profile) -> Value {
    let served = common::Served::start(profile, true);
    let host = served.running.https.expect("HTTPS").to_string();
    let output = common::python(SCRIPT, &[&host], "py2n");
    served.stop();
    serde_json::from_slice(&output)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output)))
}

fn later_profile() -> Profile {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/later.toml");
    Profile::load(&path).expect("the later-firmware profile")
}

#[test]
fn py2n_works_against_the_later_firmware_profile() {
    let result = py2n_against(later_profile());
    assert_eq!(result["create"], "ok", "{result}");
    assert_eq!(result["firmware"], "2.50.0.76.2-release");
    assert!(
        result["mac"].as_str().is_some_and(|mac| mac.len() == 17),
        "{result}"
    );
    assert_eq!(result["switch2_on"], true);
    assert_eq!(result["switch2_off"], false);
    assert!(
        result["ports"]
            .as_array()
            .expect("ports")
            .iter()
            .any(|p| p[0] == "relay1" && p[1] == 1),
        "{result}"
    );
    let events: Vec<&str> = result["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(events.first(), Some(&"DeviceState"));
    assert!(events.contains(&"SwitchStateChanged"), "{events:?}");
    assert_eq!(result["hash"], true);
    assert_eq!(result["audio_test"], "ok");
}

#[test]
fn py2n_fails_on_the_2_21_profile_for_want_of_mac_addr() {
    let result = py2n_against(Profile::default_profile());
    assert_eq!(result["create"], "failed", "{result}");
    assert!(
        result["error"]
            .as_str()
            .is_some_and(|e| e.contains("macAddr")),
        "{result}"
    );
}
