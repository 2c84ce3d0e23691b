//! The reference intercom over real loopback HTTP and HTTPS, driven by real clients: reqwest
//! with the device's certificate pinned, curl (`--digest`, `--basic`) and Python requests'
//! `HTTPDigestAuth`.

mod common;

use std::process::Command;

use helios_device::Profile;
use helios_device::profile::{AuthName, ServiceName, ServiceSecurity, TransportName};
use helios_spec::Service;
use serde_json::Value;

/// A served device and its certificate in a file, for clients that read one.
struct Served {
    served: common::Served,
    cert: tempfile_path::TempCert,
}

impl Served {
    fn start(profile: Profile) -> Self {
        let served = common::Served::start(profile, true);
        let cert = tempfile_path::TempCert::write(served.cert_pem.as_deref().unwrap_or_default());
        Self { served, cert }
    }
}

impl std::ops::Deref for Served {
    type Target = common::Served;

    fn deref(&self) -> &common::Served {
        &self.served
    }
}

/// A PEM file that lives as long as the test.
mod tempfile_path {
    use std::path::PathBuf;

    pub(super) struct TempCert(pub(super) PathBuf);

    impl TempCert {
        pub(super) fn write(pem: &str) -> Self {
            let path = std::env::temp_dir().join(format!(
                "helios-device-cert-{}-{:x}.pem",
                std::process::id(),
                rand_suffix()
            ));
            std::fs::write(&path, pem).expect("writing the certificate");
            Self(path)
        }
    }

    impl Drop for TempCert {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn rand_suffix() -> u64 {
        use std::hash::{BuildHasher, RandomState};
        RandomState::new().hash_one(std::time::SystemTime::now())
    }
}

fn curl(args: &[&str]) -> (Value, String) {
    let output = Command::new("curl")
        .args(["-sS", "--max-time", "10", "-D", "-"])
        .args(args)
        .output()
        .expect("curl runs (install it: apt-get install curl)");
    assert!(
        output.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    // With --digest curl prints the 401's headers too; the body follows the last header block.
    let body = text.rsplit("\r\n\r\n").next().unwrap_or_default();
    let json = serde_json::from_str(body).unwrap_or(Value::Null);
    (json, text)
}

#[test]
fn curl_digest_and_basic_against_the_device() {
    let served = Served::start(Profile::default_profile());
    let cert = served.cert.0.to_string_lossy().into_owned();
    let url = served.https("/api/switch/ctrl?switch=2&action=on");
    let (json, _) = curl(&["--cacert", &cert, "--digest", "-u", "admin:2n", &url]);
    assert_eq!(json, serde_json::json!({"success": true}));
    let (json, _) = curl(&[
        "--cacert",
        &cert,
        "--digest",
        "-u",
        "admin:2n",
        &served.https("/api/switch/status?switch=2"),
    ]);
    assert_eq!(json["result"]["switches"][0]["active"], Value::Bool(true));
    // Wrong password: 401 with error 9.
    let (json, headers) = curl(&[
        "--cacert",
        &cert,
        "--digest",
        "-u",
        "admin:nope",
        &served.https("/api/switch/status"),
    ]);
    assert_eq!(json["error"]["code"], 9);
    assert!(headers.contains("401"));
    // Basic to a Digest-only service: error 8.
    let (json, _) = curl(&[
        "--cacert",
        &cert,
        "--basic",
        "-u",
        "admin:2n",
        &served.https("/api/switch/status"),
    ]);
    assert_eq!(json["error"]["code"], 8);
    // Plain HTTP where HTTPS is required: error 7.
    let (json, _) = curl(&[
        "--digest",
        "-u",
        "admin:2n",
        &served.http("/api/switch/status"),
    ]);
    assert_eq!(json["error"]["code"], 7);
    served.served.stop();

    let mut profile = Profile::default_profile();
    profile.services.insert(
        ServiceName(Service::Switch),
        ServiceSecurity {
            enabled: true,
            transport: TransportName::Http,
            auth: AuthName::Basic,
        },
    );
    let served = Served::start(profile);
    let (json, _) = curl(&[
        "--basic",
        "-u",
        "admin:2n",
        &served.http("/api/switch/caps?switch=1"),
    ]);
    assert_eq!(json["result"]["switches"][0]["mode"], "monostable");
    served.served.stop();
}

#[test]
fn curl_digest_with_sha256() {
    let mut profile = Profile::default_profile();
    profile.device.digest_algorithm = helios_device::profile::DigestAlgorithm::Sha256;
    let served = Served::start(profile);
    let cert = served.cert.0.to_string_lossy().into_owned();
    let (json, headers) = curl(&[
        "--cacert",
        &cert,
        "--digest",
        "-u",
        "admin:2n",
        &served.https("/api/io/caps"),
    ]);
    assert!(headers.contains("algorithm=SHA-256"), "{headers}");
    assert_eq!(json["result"]["ports"][0]["port"], "relay1");
    served.served.stop();
}

#[test]
fn python_requests_digest_against_the_device() {
    let served = Served::start(Profile::default_profile());
    let script = format!(
        r#"
import json, sys
import requests
from requests.auth import HTTPDigestAuth
s = requests.Session()
s.auth = HTTPDigestAuth("admin", "2n")
# verify per request: a session's verify loses to REQUESTS_CA_BUNDLE from the environment.
on = s.get({on:?}, verify={cert:?}).json()
status = s.get({status:?}, verify={cert:?}).json()
bad = requests.get({status:?}, auth=HTTPDigestAuth("admin", "x"), verify={cert:?})
print(json.dumps({{"on": on, "status": status, "bad_status": bad.status_code, "bad": bad.json()}}))
"#,
        cert = served.cert.0.to_string_lossy(),
        on = served.https("/api/io/ctrl?port=relay2&action=on"),
        status = served.https("/api/io/status?port=relay2"),
    );
    let output = common::python(&script, &[], "requests");
    let result: Value = serde_json::from_slice(&output).expect("JSON from the script");
    assert_eq!(result["on"], serde_json::json!({"success": true}));
    assert_eq!(result["status"]["result"]["ports"][0]["state"], 1);
    assert_eq!(result["bad_status"], 401);
    assert_eq!(result["bad"]["error"]["code"], 9);
    served.served.stop();
}

#[test]
fn reqwest_over_https_with_the_pinned_certificate() {
    let served = Served::start(Profile::default_profile());
    let info = served.runtime.block_on(async {
        let cert = reqwest::Certificate::from_pem(
            std::fs::read(&served.cert.0)
                .expect("the certificate")
                .as_slice(),
        )
        .expect("a PEM certificate");
        let client = reqwest::Client::builder()
            .add_root_certificate(cert)
            .build()
            .expect("a client");
        let response = client
            .get(served.https("/api/system/info"))
            .send()
            .await
            .expect("a reply");
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        response.json::<Value>().await.expect("JSON")
    });
    assert_eq!(info["result"]["swVersion"], "2.21.0.0.1");
    served.served.stop();
}

#[test]
fn the_stimulus_interface_raises_outside_world_events() {
    let served = Served::start(Profile::default_profile());
    let device = served.device.clone();
    let (address, events, refused, help) = served.runtime.block_on(async {
        let address = helios_device::stimulus::serve(device, "127.0.0.1:0".parse().expect("an address"))
            .await
            .expect("the stimulus interface starts");
        let client = reqwest::Client::new();
        let base = format!("http://{address}");
        let card = serde_json::json!({"event": "CardEntered", "params": {"direction": "any", "reader": "ext7", "uid": "01045E31BB", "valid": false}});
        let raised = client.post(format!("{base}/event")).json(&card).send().await.expect("a reply");
        assert_eq!(raised.status(), 200);
        let input = serde_json::json!({"port": "input2", "state": true});
        let changed = client.post(format!("{base}/input")).json(&input).send().await.expect("a reply");
        assert_eq!(changed.status(), 200);
        let inside = serde_json::json!({"event": "SwitchStateChanged", "params": {"switch": 1, "state": true}});
        let refused = client.post(format!("{base}/event")).json(&inside).send().await.expect("a reply").status();
        let ring = serde_json::json!({"peer": "sip:2229@10.0.97.150"});
        let rang: Value = client.post(format!("{base}/call")).json(&ring).send().await.expect("a reply").json().await.expect("JSON");
        assert_eq!(rang["session"], 1);
        let shown: Value = client.get(format!("{base}/display")).send().await.expect("a reply").json().await.expect("JSON");
        assert_eq!(shown["displays"][0]["content"], Value::Null);
        let events: Value = client.get(format!("{base}/events")).send().await.expect("a reply").json().await.expect("JSON");
        let help = client.get(&base).send().await.expect("a reply").text().await.expect("text");
        (address, events, refused, help)
    });
    assert!(address.ip().is_loopback());
    let names: Vec<&str> = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["event"].as_str())
        .filter(|name| *name != "RegistrationStateChanged")
        .collect();
    assert_eq!(
        names,
        [
            "DeviceState",
            "CardEntered",
            "InputChanged",
            "CallStateChanged"
        ]
    );
    assert_eq!(refused, 400);
    assert!(help.contains("POST /event"));
    served.served.stop();
}

/// Stopping the server closes the connections clients keep alive between requests at once
/// (each connection has its own closing signal), where waiting for them would take the five
/// seconds after which the server gives up on a connection.
#[test]
fn stopping_closes_idle_kept_alive_connections_at_once() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};

    let served = Served::start(Profile::default_profile());
    let address = served.running.http.expect("HTTP");
    let mut idle = std::net::TcpStream::connect(address).expect("a connection");
    idle.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("a read timeout");
    idle.write_all(b"GET /api/system/info HTTP/1.1\r\nHost: device\r\n\r\n")
        .expect("a request");
    let mut reply = Vec::new();
    let mut chunk = [0; 4096];
    while !reply.windows(4).any(|w| w == b"\r\n\r\n") || !reply.ends_with(b"}") {
        let read = idle.read(&mut chunk).expect("the reply");
        assert!(read > 0, "the device closed the connection before replying");
        reply.extend_from_slice(&chunk[..read]);
    }
    assert!(
        reply.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&reply)
    );

    let Served {
        served,
        cert: _cert,
    } = served;
    let common::Served {
        running, runtime, ..
    } = served;
    let started = Instant::now();
    runtime.block_on(running.shutdown());
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(4),
        "stopping waited {took:?} for an idle connection"
    );
    // The idle connection was closed by the device: the next read is the end of the stream.
    assert_eq!(idle.read(&mut chunk).expect("the end of the stream"), 0);
}
