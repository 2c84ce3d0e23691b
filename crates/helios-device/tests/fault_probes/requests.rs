//! Probes of the faults one request shows: routing, methods, access, authentication,
//! parameters, reply shapes and content types.

use helios_wire::params::{PartSpec, encode_multipart, multipart_content_type};

use super::{admin, outcome};
use crate::common::{ADMIN, Reply, Request, TestDevice, get};

pub fn path_prefix(device: &TestDevice) -> String {
    outcome(&get(device, "/api/system/info/more"))
}

pub fn pcap(device: &TestDevice) -> String {
    outcome(&get(device, "/api/pcap"))
}

pub fn put_switch_caps(device: &TestDevice) -> String {
    outcome(&admin(
        device,
        &Request::get("/api/switch/caps").method("PUT"),
    ))
}

pub fn post_io_status(device: &TestDevice) -> String {
    outcome(&admin(
        device,
        &Request::get("/api/io/status").method("POST"),
    ))
}

pub fn audio_test(device: &TestDevice) -> String {
    outcome(&get(device, "/api/audio/test"))
}

pub fn delete_image(device: &TestDevice) -> String {
    let request = Request::get("/api/display/image?display=ext1").method("DELETE");
    outcome(&admin(device, &request))
}

pub fn config_over_http(device: &TestDevice) -> String {
    outcome(&admin(device, &Request::get("/api/config").http()))
}

pub fn basic_switch_status(device: &TestDevice) -> String {
    let request = Request::get("/api/switch/status").basic(ADMIN.0, ADMIN.1);
    outcome(&device.send(&request))
}

/// An anonymous request: the outcome and how many challenges came with it.
fn anonymous(device: &TestDevice, uri: &str) -> String {
    let reply = device.send(&Request::get(uri));
    let challenges = reply.challenges().len();
    let plural = if challenges == 1 { "" } else { "s" };
    format!("{}, {challenges} challenge{plural}", outcome(&reply))
}

pub fn anonymous_phone(device: &TestDevice) -> String {
    anonymous(device, "/api/phone/status")
}

pub fn anonymous_log_caps(device: &TestDevice) -> String {
    anonymous(device, "/api/log/caps")
}

pub fn viewer_switch_ctrl(device: &TestDevice) -> String {
    let request = Request::get("/api/switch/ctrl?switch=1&action=off");
    outcome(&device.send_digest(&request, "viewer", "viewer"))
}

pub fn ctrl_without_action(device: &TestDevice) -> String {
    outcome(&get(device, "/api/switch/ctrl?switch=1"))
}

pub fn io_ctrl_without_port(device: &TestDevice) -> String {
    outcome(&get(device, "/api/io/ctrl?action=on"))
}

pub fn phone_account_3(device: &TestDevice) -> String {
    outcome(&get(device, "/api/phone/status?account=3"))
}

pub fn switch_5_on(device: &TestDevice) -> String {
    outcome(&get(device, "/api/switch/ctrl?switch=5&action=on"))
}

pub fn repeated_width(device: &TestDevice) -> String {
    let uri = "/api/camera/snapshot?width=160&height=120&width=320&height=240";
    outcome(&get(device, uri))
}

pub fn io_ctrl_multipart(device: &TestDevice) -> String {
    let part = |name, data: &'static [u8]| PartSpec {
        name,
        data,
        filename: None,
        content_type: None,
    };
    let body = encode_multipart(
        "probe-boundary",
        &[part("port", b"relay1"), part("action", b"on")],
    );
    let content_type = multipart_content_type("probe-boundary");
    let request = Request::get("/api/io/ctrl")
        .method("POST")
        .body(&content_type, &body);
    outcome(&admin(device, &request))
}

pub fn long_response(device: &TestDevice) -> String {
    let uri = format!(
        "/api/switch/ctrl?switch=1&action=off&response={}",
        "x".repeat(1025)
    );
    outcome(&get(device, &uri))
}

pub fn system_status(device: &TestDevice) -> String {
    outcome(&get(device, "/api/system/status"))
}

pub fn switch_1_active(device: &TestDevice) -> String {
    let result = get(device, "/api/switch/status?switch=1").result();
    format!("active {}", result["switches"][0]["active"])
}

pub fn camera_sources(device: &TestDevice) -> String {
    let result = get(device, "/api/camera/caps").result();
    match result.get("sources") {
        Some(_) => "sources listed".to_owned(),
        None => "no sources".to_owned(),
    }
}

pub fn switch_numbers(device: &TestDevice) -> String {
    let result = get(device, "/api/switch/caps").result();
    let numbers: Vec<String> = result["switches"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["switch"].to_string())
        .collect();
    format!("switches {}", numbers.join(" "))
}

pub fn log_caps(device: &TestDevice) -> String {
    outcome(&get(device, "/api/log/caps"))
}

pub fn config_type(device: &TestDevice) -> String {
    get(device, "/api/config").content_type().to_owned()
}

pub fn io_ctrl_response(device: &TestDevice) -> String {
    let reply = get(device, "/api/io/ctrl?port=relay1&action=on&response=done");
    format!(
        "{} {:?}",
        reply.content_type(),
        String::from_utf8_lossy(&reply.body)
    )
}

/// Whether a reply is RFC 8259 JSON, or how it ends when it is not.
pub fn strict_json(reply: &Reply) -> String {
    match serde_json::from_slice::<serde_json::Value>(&reply.body) {
        Ok(_) => "RFC 8259 JSON".to_owned(),
        Err(_) => {
            let text = String::from_utf8_lossy(&reply.body);
            let tail: String = text
                .chars()
                .rev()
                .take(3)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("not JSON, ending {tail:?}")
        }
    }
}

pub fn system_status_text(device: &TestDevice) -> String {
    strict_json(&get(device, "/api/system/status"))
}

pub fn system_info_text(device: &TestDevice) -> String {
    strict_json(&get(device, "/api/system/info"))
}
