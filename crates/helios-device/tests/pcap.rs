//! `pcap`, `pcap/restart` and `pcap/stop` (manual 5.29 to 5.31): the device records its own
//! traffic; the capture is downloaded over real loopback HTTP with curl and opened with tshark
//! (Debian package `tshark`) and etherparse.

mod common;
mod system_support;

use std::path::Path;
use std::process::Command;

use common::{Request, TestDevice};
use etherparse::{SlicedPacket, TransportSlice};
use helios_device::Profile;
use serde_json::json;
use system_support::served::{Served, curl};
use system_support::*;

#[test]
fn the_functions_answer_through_the_pipeline() {
    let device = TestDevice::default_profile();
    let reply = get(&device, "/api/pcap");
    assert_eq!(reply.content_type(), "application/vnd.tcpdump.pcap");
    // Without sockets nothing crosses a listener: the file is its header alone.
    assert_eq!(reply.body.len(), 24);
    assert_eq!(reply.body[..4], [0xd4, 0xc3, 0xb2, 0xa1]);
    let post = device.send_digest(&Request::get("/api/pcap").method("POST"), ADMIN.0, ADMIN.1);
    assert_eq!(post.body, reply.body);
    let reply = get(&device, "/api/pcap/stop");
    snapshot!("device__pcap_stop", reply.json());
    assert!(!device.device.capture().is_recording());
    let reply = get(&device, "/api/pcap/restart");
    snapshot!("device__pcap_restart", reply.json());
    assert!(device.device.capture().is_recording());
}

fn tshark(file: &Path, args: &[&str]) -> String {
    let output = Command::new("tshark")
        .arg("-n")
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "tshark could not run ({error}): this test opens the capture with it; \
                 install the Debian package: DEBIAN_FRONTEND=noninteractive apt-get install -y tshark"
            )
        });
    assert!(
        output.status.success(),
        "tshark could not read {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The URIs of the HTTP requests in a capture, in order.
fn request_uris(file: &Path, http_port: u16) -> Vec<String> {
    let decode = format!("tcp.port=={http_port},http");
    tshark(
        file,
        &[
            "-d",
            &decode,
            "-Y",
            "http.request",
            "-T",
            "fields",
            "-e",
            "http.request.uri",
        ],
    )
    .lines()
    .map(str::to_owned)
    .collect()
}

/// The frames of a libpcap file, read by hand and parsed with etherparse: each is a TCP
/// segment from or to one of `ports`.
fn frames(file: &[u8], ports: &[u16]) -> usize {
    assert_eq!(
        file[..4],
        [0xd4, 0xc3, 0xb2, 0xa1],
        "a little-endian libpcap file"
    );
    assert_eq!(
        u32::from_le_bytes([file[20], file[21], file[22], file[23]]),
        1,
        "Ethernet"
    );
    let mut at = 24;
    let mut count = 0;
    while at < file.len() {
        let length = u32::from_le_bytes([file[at + 8], file[at + 9], file[at + 10], file[at + 11]]);
        let frame = &file[at + 16..at + 16 + length as usize];
        let packet = SlicedPacket::from_ethernet(frame).expect("a frame etherparse reads");
        let Some(TransportSlice::Tcp(tcp)) = packet.transport else {
            panic!("a TCP segment");
        };
        assert!(
            ports.contains(&tcp.source_port()) || ports.contains(&tcp.destination_port()),
            "a segment of the device's listeners"
        );
        at += 16 + length as usize;
        count += 1;
    }
    assert_eq!(at, file.len(), "whole records");
    count
}

#[test]
fn the_capture_opens_in_tshark_with_the_requests_and_stops_when_told() {
    let served = Served::start(Profile::default_profile());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (http, https) = (served.http_port(), served.https_port());

    served.curl("/api/system/status", None);
    served.curl("/api/switch/status?switch=1", None);
    served.curl("/api/io/caps", None);
    curl(&format!("https://127.0.0.1:{https}/api/system/info"), None);
    let first = dir.path().join("first.pcap");
    served.curl("/api/pcap", Some(&first));

    let uris = request_uris(&first, http);
    let expected = [
        "/api/system/status",
        "/api/switch/status?switch=1",
        "/api/io/caps",
    ];
    let found: Vec<&str> = uris
        .iter()
        .map(String::as_str)
        .filter(|uri| expected.contains(uri))
        .collect();
    // Digest: each request comes twice, unsigned and signed.
    assert_eq!(
        found,
        [
            expected[0],
            expected[0],
            expected[1],
            expected[1],
            expected[2],
            expected[2]
        ],
        "{uris:?}"
    );
    let codes = tshark(
        &first,
        &[
            "-d",
            &format!("tcp.port=={http},http"),
            "-Y",
            "http.response",
            "-T",
            "fields",
            "-e",
            "http.response.code",
        ],
    );
    assert!(
        codes.lines().any(|c| c == "401") && codes.lines().any(|c| c == "200"),
        "{codes}"
    );
    // HTTPS is recorded as the TLS that crossed the socket.
    let hello = tshark(
        &first,
        &[
            "-d",
            &format!("tcp.port=={https},tls"),
            "-Y",
            "tls.handshake.type == 1",
            "-T",
            "fields",
            "-e",
            "tcp.dstport",
        ],
    );
    assert_eq!(hello.trim(), https.to_string());
    // Handshakes, sequence numbers and checksums hold together as far as tshark can tell.
    let complaints = tshark(
        &first,
        &[
            "-o",
            "tcp.check_checksum:TRUE",
            "-o",
            "ip.check_checksum:TRUE",
            "-Y",
            "_ws.malformed || _ws.expert.severity >= warning || tcp.analysis.lost_segment \
             || tcp.analysis.retransmission || tcp.checksum.status == 0 || ip.checksum.status == 0",
        ],
    );
    assert_eq!(complaints, "", "tshark found problems");
    let syns = tshark(&first, &["-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0"]);
    assert!(
        syns.lines().count() >= 5,
        "a handshake per connection: {syns}"
    );
    frames(&std::fs::read(&first).expect("the capture"), &[http, https]);

    // Stopped: nothing after the stop is recorded, and downloads are the same.
    served.curl("/api/pcap/stop", None);
    served.curl("/api/io/status", None);
    let stopped = dir.path().join("stopped.pcap");
    served.curl("/api/pcap", Some(&stopped));
    let uris = request_uris(&stopped, http);
    assert_eq!(
        uris.last().map(String::as_str),
        Some("/api/pcap/stop"),
        "{uris:?}"
    );
    assert!(!uris.iter().any(|uri| uri == "/api/io/status"), "{uris:?}");
    let again = dir.path().join("again.pcap");
    served.curl("/api/switch/caps", None);
    served.curl("/api/pcap", Some(&again));
    let stopped_bytes = std::fs::read(&stopped).expect("the capture");
    assert_eq!(std::fs::read(&again).expect("the capture"), stopped_bytes);
    assert!(frames(&stopped_bytes, &[http, https]) > 20);

    // Restarted: the old records are gone; what follows the restart is there.
    let reply = served.curl("/api/pcap/restart", None);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&reply).ok(),
        Some(json!({"success": true}))
    );
    let restarted = dir.path().join("restarted.pcap");
    served.curl("/api/pcap", Some(&restarted));
    assert_eq!(request_uris(&restarted, http), ["/api/pcap", "/api/pcap"]);

    served.0.stop();
}

/// A reply's body is kept by the capture as the bytes served (shared with the reply, not
/// copied): tshark reassembles the HTTP replies of the capture, and the JPEG curl received is
/// one of them, byte for byte; so is a reply of many segments written in pieces (`system/caps`
/// after the JPEG, to show that nothing of one reply leaks into the next).
#[test]
fn the_capture_holds_the_jpeg_that_was_served() {
    let served = Served::start(Profile::default_profile());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let http = served.http_port();
    let jpeg = served.curl("/api/camera/snapshot?width=640&height=480", None);
    assert!(
        jpeg.len() > 4 * 1460,
        "a reply of many segments: {}",
        jpeg.len()
    );
    let caps = served.curl("/api/system/caps", None);
    let file = dir.path().join("capture.pcap");
    served.curl("/api/pcap", Some(&file));
    let objects = dir.path().join("objects");
    tshark(
        &file,
        &[
            "-d",
            &format!("tcp.port=={http},http"),
            "--export-objects",
            &format!("http,{}", objects.display()),
        ],
    );
    let exported: Vec<Vec<u8>> = std::fs::read_dir(&objects)
        .expect("tshark exported the HTTP objects")
        .map(|entry| std::fs::read(entry.expect("an entry").path()).expect("an object"))
        .collect();
    assert!(
        exported.contains(&jpeg),
        "the JPEG served ({} bytes) is not among the {} replies tshark found",
        jpeg.len(),
        exported.len()
    );
    assert!(exported.contains(&caps), "the system/caps reply");
    served.0.stop();
}
