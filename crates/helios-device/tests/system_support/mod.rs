//! Helpers for the tests of the system functions: authenticated requests as the admin,
//! multipart uploads, the configuration document, and profiles with short delays.

#![allow(dead_code, unreachable_pub, unused_macros, unused_imports)]

pub mod served;

use helios_device::Profile;
use helios_wire::config_xml::{self, Document};
use helios_wire::params::{PartSpec, encode_multipart, multipart_content_type};

pub(crate) use crate::common::{ADMIN, get, snapshot, text_snapshot};
use crate::common::{Reply, Request, TestDevice};

const BOUNDARY: &str = "helios-system-test-boundary";

/// A PUT of one blob parameter as the admin, in a multipart body.
pub fn put_blob(device: &TestDevice, uri: &str, name: &str, data: &[u8]) -> Reply {
    let body = encode_multipart(
        BOUNDARY,
        &[PartSpec {
            name,
            data,
            filename: Some("upload.bin"),
            content_type: Some("application/octet-stream"),
        }],
    );
    let content_type = multipart_content_type(BOUNDARY);
    let request = Request::get(uri).method("PUT").body(&content_type, &body);
    device.send_digest(&request, ADMIN.0, ADMIN.1)
}

/// The configuration the device downloads, as text.
pub fn config_text(device: &TestDevice) -> String {
    let reply = get(device, "/api/config");
    assert_eq!(
        reply.content_type(),
        "application/xml",
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    String::from_utf8(reply.body).expect("UTF-8")
}

/// The configuration the device downloads, read back with helios-wire.
pub fn config(device: &TestDevice) -> Document {
    config_xml::parse(config_text(device).as_bytes()).expect("a DeviceDatabase document")
}

/// Uploads a configuration document.
pub fn upload(device: &TestDevice, document: &Document) -> Reply {
    let text = document.to_xml().expect("a writable document");
    put_blob(device, "/api/config", "blob-cfg", text.as_bytes())
}

/// The default profile with uploads, resets and restarts taking effect at once.
pub fn quick_profile() -> Profile {
    let mut profile = Profile::default_profile();
    profile.system.config_delay = 0;
    profile.system.restart_delay = 0;
    profile
}

/// The upTime of `system/status`.
pub fn uptime(device: &TestDevice) -> u64 {
    get(device, "/api/system/status").result()["upTime"]
        .as_u64()
        .expect("a number")
}
