//! `config` and `config/factoryreset` (manual 5.6, 5.7): the DeviceDatabase document down and
//! up, checked whole, applied after its delay, kept in the state directory across restarts.

mod common;
mod system_support;

use common::{Request, TestDevice};
use helios_wire::config_xml::{Element, Node};
use serde_json::json;
use system_support::*;

#[test]
fn the_download_is_the_device_database_with_the_manual_s_header() {
    let device = TestDevice::default_profile();
    let text = config_text(&device);
    text_snapshot!("device__config_xml", &text);
}

#[test]
fn the_download_reads_back_with_helios_wire_and_post_downloads_too() {
    let device = TestDevice::default_profile();
    let document = config(&device);
    assert_eq!(document.version(), Ok(4));
    assert_eq!(
        document.get("Device/Name").as_deref(),
        Ok("2N Helios IP Verso")
    );
    assert_eq!(
        document.get("Switches/Switch[1]/Duration").as_deref(),
        Ok("5")
    );
    assert_eq!(
        document.get("HttpApi/Services/Service[5]/Name").as_deref(),
        Ok("camera")
    );
    assert_eq!(
        document
            .get("HttpApi/Services/Service[5]/Authentication")
            .as_deref(),
        Ok("none")
    );
    assert_eq!(
        document
            .get("HttpApi/Accounts/Account[1]/Password")
            .as_deref(),
        Ok("2n")
    );
    let post = device.send_digest(
        &Request::get("/api/config").method("POST"),
        ADMIN.0,
        ADMIN.1,
    );
    assert_eq!(post.content_type(), "application/xml");
    assert_eq!(String::from_utf8_lossy(&post.body), config_text(&device));
}

#[test]
fn an_upload_takes_effect_after_about_15_seconds_and_changes_the_device() {
    let device = TestDevice::default_profile();
    let before = config_text(&device);
    let mut document = config(&device);
    document
        .set("Switches/Switch[1]/Duration", "2")
        .expect("set");
    document.set("Device/Name", "Front door").expect("set");
    // The Switch service on plain HTTP with Basic, as the Vario of the field notes has it.
    document
        .set("HttpApi/Services/Service[2]/Connection", "http")
        .expect("set");
    document
        .set("HttpApi/Services/Service[2]/Authentication", "basic")
        .expect("set");
    let reply = upload(&device, &document);
    snapshot!("device__config_put", reply.json());

    // Nothing changes during the delay.
    device.advance(14);
    assert_eq!(config_text(&device), before);
    let basic = Request::get("/api/switch/caps?switch=1")
        .http()
        .basic(ADMIN.0, ADMIN.1);
    assert_eq!(device.send(&basic).error_code(), Some(7));

    device.advance(1);
    let applied = config(&device);
    assert_eq!(
        applied.get("Switches/Switch[1]/Duration").as_deref(),
        Ok("2")
    );
    let caps = device.send(&basic).result();
    assert_eq!(caps["switches"][0]["switchOnDuration"], 2);
    let info = device.send(&Request::get("/api/system/info")).result();
    assert_eq!(info["deviceName"], "Front door");

    // The new duration rules the switch: on now, off two seconds later.
    let on = Request::get("/api/switch/ctrl?switch=1&action=on")
        .http()
        .basic(ADMIN.0, ADMIN.1);
    assert_eq!(device.send(&on).json(), json!({"success": true}));
    device.advance(2);
    let status = Request::get("/api/switch/status?switch=1")
        .http()
        .basic(ADMIN.0, ADMIN.1);
    assert_eq!(
        device.send(&status).result()["switches"][0]["active"],
        false
    );
}

#[test]
fn accounts_change_with_the_configuration() {
    let device = TestDevice::new(quick_profile());
    let mut document = config(&device);
    document
        .set("HttpApi/Accounts/Account[1]/Password", "s3cret")
        .expect("set");
    // The viewer's password is left out: it keeps the one it has.
    let viewer = document
        .element_mut("HttpApi/Accounts/Account[2]")
        .expect("the viewer");
    viewer
        .children
        .retain(|node| !matches!(node, Node::Element(e) if e.name == "Password"));
    assert_eq!(upload(&device, &document).json(), json!({"success": true}));
    let status = Request::get("/api/system/status");
    assert_eq!(
        device.send_digest(&status, "admin", "2n").error_code(),
        Some(9)
    );
    assert!(device.send_digest(&status, "admin", "s3cret").result()["upTime"].is_number());
    let io = Request::get("/api/io/status");
    assert!(device.send_digest(&io, "viewer", "viewer").result()["ports"].is_array());
    let again = device.send_digest(&Request::get("/api/config"), "admin", "s3cret");
    let again = helios_wire::config_xml::parse(&again.body).expect("a document");
    assert_eq!(
        again.get("HttpApi/Accounts/Account[2]/Password").as_deref(),
        Ok("viewer")
    );
}

#[test]
fn unknown_elements_and_attributes_survive_a_round_trip() {
    let device = TestDevice::new(quick_profile());
    let mut document = config(&device);
    let mut future = Element::new("FutureSection");
    future.set_attribute("Model", "2N IP Style");
    let mut setting = Element::new("Setting");
    setting.children.push(Node::Text("on".into()));
    future.children.push(Node::Element(setting));
    document.root.children.push(Node::Element(future));
    let switch = document
        .element_mut("Switches/Switch[1]")
        .expect("switch 1");
    switch.set_attribute("Extra", "kept");
    let mut hold = Element::new("HoldTimeout");
    hold.children.push(Node::Text("30".into()));
    switch.children.push(Node::Element(hold));
    document.root.set_attribute("Vendor", "2N");
    document
        .set("Switches/Switch[1]/Duration", "7")
        .expect("set");
    assert_eq!(upload(&device, &document).json(), json!({"success": true}));

    let again = config(&device);
    assert_eq!(again.get("FutureSection/Setting").as_deref(), Ok("on"));
    assert_eq!(
        again
            .element("FutureSection")
            .expect("kept")
            .attribute("Model"),
        Some("2N IP Style")
    );
    let switch = again.element("Switches/Switch[1]").expect("switch 1");
    assert_eq!(switch.attribute("Extra"), Some("kept"));
    assert_eq!(
        again.get("Switches/Switch[1]/HoldTimeout").as_deref(),
        Ok("30")
    );
    assert_eq!(again.get("Switches/Switch[1]/Duration").as_deref(), Ok("7"));
    assert_eq!(again.root.attribute("Vendor"), Some("2N"));
    // A second round trip changes nothing.
    assert_eq!(upload(&device, &again).json(), json!({"success": true}));
    assert_eq!(config(&device), again);
}

#[test]
fn a_document_with_only_some_sections_changes_only_those() {
    let device = TestDevice::new(quick_profile());
    let partial = "<DeviceDatabase Version=\"4\"><Switches><Switch><Id>3</Id>\
        <Duration>9</Duration></Switch></Switches></DeviceDatabase>";
    let reply = put_blob(&device, "/api/config", "blob-cfg", partial.as_bytes());
    assert_eq!(reply.json(), json!({"success": true}));
    let document = config(&device);
    // The uploaded switch comes first, as uploaded; the others follow.
    assert_eq!(document.get("Switches/Switch[1]/Id").as_deref(), Ok("3"));
    assert_eq!(
        document.get("Switches/Switch[1]/Duration").as_deref(),
        Ok("9")
    );
    assert_eq!(
        document.get("Switches/Switch[1]/Type").as_deref(),
        Ok("security")
    );
    assert_eq!(document.get("Switches/Switch[2]/Id").as_deref(), Ok("1"));
    assert_eq!(
        document.get("Device/Name").as_deref(),
        Ok("2N Helios IP Verso")
    );
    assert_eq!(
        document.get("HttpApi/Accounts/Account[1]/User").as_deref(),
        Ok("admin")
    );
}

#[test]
fn an_invalid_document_is_refused_whole_naming_blob_cfg() {
    let device = TestDevice::new(quick_profile());
    let original = config_text(&device);
    let with = |path: &str, value: &str| {
        let mut document = config(&device);
        // A valid change beside the bad one, which must not take effect either.
        document.set("Device/Name", "Changed").expect("set");
        document.set(path, value).expect("set");
        document.to_xml().expect("writable")
    };
    let mut six = config(&device);
    for n in 3..=6 {
        six.set(
            &format!("HttpApi/Accounts/Account[{n}]/User"),
            &format!("user{n}"),
        )
        .expect("set");
        six.set(&format!("HttpApi/Accounts/Account[{n}]/Password"), "p")
            .expect("set");
    }
    let cases: Vec<(&str, String)> = vec![
        ("not XML", "hello".into()),
        ("wrong root", "<Configuration Version=\"4\"/>".into()),
        (
            "malformed",
            "<DeviceDatabase Version=\"4\"><Switches>".into(),
        ),
        ("no version", "<DeviceDatabase/>".into()),
        ("duration x", with("Switches/Switch[1]/Duration", "x")),
        ("duration 0", with("Switches/Switch[1]/Duration", "0")),
        ("no such switch", with("Switches/Switch[1]/Id", "9")),
        ("flag 2", with("Switches/Switch[2]/Enabled", "2")),
        ("mode", with("Switches/Switch[2]/Mode", "astable")),
        (
            "service",
            with("HttpApi/Services/Service[1]/Name", "telnet"),
        ),
        (
            "auth",
            with("HttpApi/Services/Service[1]/Authentication", "kerberos"),
        ),
        (
            "group",
            with("HttpApi/Accounts/Account[2]/Control", "system,root"),
        ),
        ("address", with("Network/IpAddress", "300.1.2.3")),
        ("time zone", with("Device/TimeZoneShift", "900")),
        ("camera source", with("Camera/DefaultSource", "rear")),
        ("six accounts", six.to_xml().expect("writable")),
    ];
    for (case, text) in &cases {
        let reply = put_blob(&device, "/api/config", "blob-cfg", text.as_bytes());
        assert_eq!(reply.error_code(), Some(12), "{case}: {}", reply.json());
        assert_eq!(reply.error_param().as_deref(), Some("blob-cfg"), "{case}");
    }
    let reply = put_blob(
        &device,
        "/api/config",
        "blob-cfg",
        with("Switches/Switch[1]/Duration", "x").as_bytes(),
    );
    snapshot!("device__config_put_invalid", reply.json());
    device.advance(20);
    assert_eq!(config_text(&device), original);
}
