//! Probes of the faults where one reply disagrees with another, with what the device does, or
//! with time: caps against deliveries and statuses, the clocks a device states, what a display
//! shows.

use helios_device::clock::Clock;
use image::{DynamicImage, ImageFormat, RgbImage};
use serde_json::Value;

use crate::common::{TestDevice, get};
use crate::system_support::put_blob;

fn status(device: &TestDevice) -> (i64, i64) {
    let result = get(device, "/api/system/status").result();
    let field = |name: &str| result[name].as_i64().expect("a number");
    (field("systemTime"), field("upTime"))
}

/// The events a new channel with the whole history delivers.
fn history(device: &TestDevice) -> Vec<Value> {
    let id = get(device, "/api/log/subscribe?include=all").result()["id"].clone();
    let result = get(device, &format!("/api/log/pull?id={id}")).result();
    result["events"].as_array().cloned().unwrap_or_default()
}

fn last_named(device: &TestDevice, name: &str) -> Value {
    history(device)
        .into_iter()
        .rev()
        .find(|event| event["event"] == name)
        .unwrap_or_else(|| panic!("no {name} in the history"))
}

pub fn switch_event_listed(device: &TestDevice) -> String {
    get(device, "/api/switch/ctrl?switch=2&action=on");
    let caps = get(device, "/api/log/caps").result();
    let listed = caps["events"]
        .as_array()
        .is_some_and(|events| events.iter().any(|e| e == "SwitchStateChanged"));
    let delivered = history(device)
        .iter()
        .any(|event| event["event"] == "SwitchStateChanged");
    format!(
        "{}, {}",
        if listed { "listed" } else { "unlisted" },
        if delivered {
            "delivered"
        } else {
            "undelivered"
        }
    )
}

pub fn io_status_ports(device: &TestDevice) -> String {
    let count = |uri: &str| {
        let result = get(device, uri).result();
        result["ports"].as_array().map_or(0, Vec::len)
    };
    format!(
        "{} ports of {}",
        count("/api/io/status"),
        count("/api/io/caps")
    )
}

/// The Date header of a system/status reply against its systemTime. The pipeline alone (no
/// server) writes no Date: the server writes it, from the machine's clock.
pub fn date_header(device: &TestDevice) -> String {
    let reply = get(device, "/api/system/status");
    let system_time = reply.result()["systemTime"].as_i64().expect("a number");
    let Some(date) = reply.headers.get("date") else {
        return "no Date of its own".to_owned();
    };
    let date = httpdate::parse_http_date(date.to_str().expect("ASCII")).expect("an HTTP date");
    let seconds = date
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    format!(
        "Date {} s from systemTime",
        i64::try_from(seconds).expect("fits") - system_time
    )
}

pub fn system_time(device: &TestDevice) -> String {
    let (system_time, _) = status(device);
    let clock = i64::try_from(device.clock.unix().as_secs()).expect("fits");
    format!("systemTime {} s from UTC", system_time - clock)
}

/// When the device started, by an event's stamps against by system/status.
pub fn event_start(device: &TestDevice) -> String {
    device.advance(10);
    get(device, "/api/switch/ctrl?switch=2&action=on");
    let event = last_named(device, "SwitchStateChanged");
    let (system_time, up_time) = status(device);
    let by_event =
        event["utcTime"].as_i64().expect("a number") - event["upTime"].as_i64().expect("a number");
    format!("started {} s apart", by_event - (system_time - up_time))
}

fn stamped_after_10_s(device: &TestDevice, uri: &str, name: &str) -> String {
    device.advance(10);
    get(device, uri);
    let event = last_named(device, name);
    format!("{name} at upTime {}", event["upTime"])
}

pub fn switch_stamp(device: &TestDevice) -> String {
    stamped_after_10_s(
        device,
        "/api/switch/ctrl?switch=2&action=on",
        "SwitchStateChanged",
    )
}

pub fn output_stamp(device: &TestDevice) -> String {
    stamped_after_10_s(
        device,
        "/api/io/ctrl?port=relay1&action=on",
        "OutputChanged",
    )
}

pub fn register_time(device: &TestDevice) -> String {
    device.advance(10);
    let result = get(device, "/api/phone/status?account=1").result();
    let registered = result["accounts"][0]["registerTime"]
        .as_i64()
        .expect("registered");
    let (system_time, _) = status(device);
    if registered <= system_time {
        "registered in the past".to_owned()
    } else {
        format!("registered {} s ahead", registered - system_time)
    }
}

pub fn display_shown(device: &TestDevice) -> String {
    let picture = DynamicImage::ImageRgb8(RgbImage::new(214, 240));
    let mut png = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
        .expect("encodes");
    let reply = put_blob(
        device,
        "/api/display/image?display=ext1",
        "blob-image",
        &png,
    );
    let shown = device.device.display_content("ext1").is_some();
    format!(
        "{}, {}",
        super::outcome(&reply),
        if shown { "shown" } else { "nothing shown" }
    )
}
