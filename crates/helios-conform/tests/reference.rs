//! The runner against the reference intercom, and against devices that misbehave: it finds
//! what is wrong, blames the harness only for harness faults, and never hangs or panics.

#[path = "support/target.rs"]
mod target;
use std::net::SocketAddr;
use std::time::Duration;

use helios_conform::{Options, Profile, REFERENCE_PROFILE, Target, Verdict, exit_code, run};
use helios_test_support::{Reference, helios_device};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn reference(profile: helios_device::Profile) -> (Reference, Target) {
    let reference = Reference::start(profile).await;
    let target = target::target(&reference);
    (reference, target)
}

/// The cases that failed or could not be judged, with why.
fn failures(result: &helios_conform::Report) -> Vec<String> {
    result
        .outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Fail(_) | Verdict::Inconclusive(_)))
        .map(|o| format!("{}: {}", o.id, o.verdict))
        .collect()
}

fn options(only: &str) -> Options {
    Options {
        only: Some(only.into()),
        ..Options::default()
    }
}

#[tokio::test]
async fn the_switch_and_io_families_pass_on_the_reference_intercom() {
    let profile = Profile::parse(REFERENCE_PROFILE).expect("the reference profile");
    let (running, target) = reference(helios_device::Profile::default_profile()).await;
    for family in ["/api/switch", "/api/io", "/api/system/info", "/api/log"] {
        let result = run(&profile, &target, &options(family)).await;
        let failures = failures(&result);
        assert!(failures.is_empty(), "{family}: {failures:#?}");
        let verdicts: Vec<Verdict> = result.outcomes.iter().map(|o| o.verdict.clone()).collect();
        assert_eq!(exit_code(&verdicts), 0, "{family}");
        assert!(result.outcomes.len() > 5, "{family}");
    }
    running.stop().await;
}

#[tokio::test]
async fn a_device_that_departs_from_its_declaration_fails_the_right_cases() {
    // The device lets the viewer control switches and answers Basic on the Switch service,
    // while the lab's declaration says Digest only and no control for the viewer.
    let mut device_profile = helios_device::Profile::default_profile();
    device_profile.accounts.0[1].control = device_profile.accounts.0[0].control.clone();
    let profile = Profile::parse(REFERENCE_PROFILE).expect("the reference profile");
    let (running, target) = reference(device_profile).await;
    let result = run(&profile, &target, &options("switch_ctrl")).await;
    let failed: Vec<&str> = result
        .outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Fail(_)))
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(failed, ["switch_ctrl.account-viewer"]);
    running.stop().await;
}

/// A server that answers every request with `reply`, or holds it without answering.
async fn hostile(reply: Option<&'static [u8]>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a listener");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer).await;
                match reply {
                    Some(reply) => {
                        let _ = stream.write_all(reply).await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    address
}

#[tokio::test]
async fn garbage_stalls_and_closed_connections_are_reported_not_fatal() {
    // Every service on plain HTTP, so that every case reaches the hostile server.
    let text = REFERENCE_PROFILE.replace("transport = \"https\"", "transport = \"http\"");
    let profile = Profile::parse(&text).expect("the profile");
    let replies: [(&str, Option<&'static [u8]>); 4] = [
        ("garbage", Some(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"succ\x00\xff")),
        ("not http", Some(b"\x00\x01\x02 hello")),
        ("closed", Some(b"")),
        ("stalled", None),
    ];
    for (name, reply) in replies {
        let address = hostile(reply).await;
        let target = Target {
            http: Some(format!("http://{address}")),
            https: None,
            insecure: false,
            ca_pem: None,
        };
        let options = Options {
            only: Some("/api/switch/caps".into()),
            timeout: Some(Duration::from_millis(300)),
            ..Options::default()
        };
        let result =
            tokio::time::timeout(Duration::from_secs(60), run(&profile, &target, &options))
                .await
                .unwrap_or_else(|_| panic!("{name}: the run hung"));
        assert_ne!(
            result.exit_code(),
            0,
            "{name}: a broken device must not pass"
        );
        if name != "garbage" {
            // No HTTP reply at all: the preflight finds nothing to judge, a setup error.
            assert_eq!(result.exit_code(), 4, "{name}: {:?}", result.setup);
            assert!(result.outcomes.is_empty(), "{name}");
        }
        if name == "garbage" {
            assert!(
                result
                    .outcomes
                    .iter()
                    .any(|o| matches!(o.verdict, Verdict::Fail(_))),
                "{name}"
            );
        }
    }
}

#[tokio::test]
async fn the_evidence_folder_holds_every_exchange_under_a_manifest() {
    use sha2::{Digest, Sha256};
    let profile = Profile::parse(REFERENCE_PROFILE).expect("the reference profile");
    let (running, target) = reference(helios_device::Profile::default_profile()).await;
    let result = run(&profile, &target, &options("/api/io/caps")).await;
    let dir = std::env::temp_dir().join(format!("helios-evidence-{}", std::process::id()));
    let verdicts: Vec<Verdict> = result.outcomes.iter().map(|o| o.verdict.clone()).collect();
    helios_conform::report::write(
        &result,
        &dir,
        &target,
        REFERENCE_PROFILE,
        exit_code(&verdicts),
    )
    .expect("reports");
    helios_conform::report::write_evidence(&result, &dir, REFERENCE_PROFILE, &target)
        .expect("evidence");
    helios_conform::report::seal::seal(&dir, None).expect("sealed");
    let manifest = std::fs::read_to_string(dir.join("manifest.sha256")).expect("a manifest");
    let mut checked = 0;
    for line in manifest.lines() {
        let (hash, name) = line.split_once("  ").expect("hash  name");
        let bytes = std::fs::read(dir.join(name)).expect("a listed file");
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest, hash, "{name}");
        checked += 1;
    }
    let sent = result
        .outcomes
        .iter()
        .filter(|o| !o.exchanges.is_empty())
        .count();
    // The evidence's four run records and an exchange file per case that sent, and the three
    // reports.
    assert_eq!(checked, 4 + sent + 3);
    let lines = std::fs::read_to_string(dir.join("results.ndjson")).expect("results");
    // One line per case, and the summary.
    assert_eq!(lines.lines().count(), result.outcomes.len() + 1);
    let junit = std::fs::read_to_string(dir.join("junit.xml")).expect("junit");
    assert!(junit.contains("<testsuites") && junit.contains("io_caps"));
    // The lab's page: self-contained, every case in it.
    let html = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    for outcome in &result.outcomes {
        assert!(
            html.contains(&format!("data-id=\"{}\"", outcome.id)),
            "{}",
            outcome.id
        );
    }
    for external in ["src=", "@import", "url("] {
        assert!(
            !html.contains(external),
            "report.html loads nothing: {external}"
        );
    }
    // Its links go between requirements and cases on the page, or to a case's evidence in
    // the folder beside it, which is there.
    for link in html.split("href=\"").skip(1) {
        let target = link.split('"').next().unwrap_or_default();
        assert!(
            target.starts_with('#') || dir.join(target).is_file(),
            "report.html links to {target}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    running.stop().await;
}

/// The device's own generation decides: a 2.13 device has no pcap, audio test or e-mail (2 is
/// right for them), no `response` parameter and no `tzShift`; a 2.50 device adds fields that are
/// never a departure.
#[tokio::test]
async fn each_device_is_judged_by_its_own_firmware_generation() {
    for firmware in ["2.13.0.0.1", "2.50.0.76.2"] {
        let mut device_profile = helios_device::Profile::default_profile();
        device_profile.device.sw_version =
            helios_device::profile::FirmwareVersion::try_from(firmware.to_owned())
                .expect("a version");
        let declared = REFERENCE_PROFILE.replace(
            "firmware = \"2.21.0.0.1\"",
            &format!("firmware = \"{firmware}\""),
        );
        let profile = Profile::parse(&declared).expect("the profile");
        let (running, target) = reference(device_profile).await;
        let result = run(&profile, &target, &Options::default()).await;
        let failures = failures(&result);
        assert!(failures.is_empty(), "{firmware}: {failures:#?}");
        // `--list` (and so `--only`'s check) knows every case the run judged.
        let listed = helios_conform::run::listing(&profile, true, &Options::default());
        let unlisted: Vec<&str> = result
            .outcomes
            .iter()
            .map(|o| o.id.as_str())
            .filter(|id| !id.starts_with("health.") && !id.starts_with("declaration."))
            .filter(|id| {
                !listed.iter().any(|l| {
                    *id == l.id
                        || id
                            .strip_prefix(l.id.as_str())
                            .is_some_and(|r| r.starts_with('.'))
                })
            })
            .collect();
        assert!(
            unlisted.is_empty(),
            "{firmware}: not in --list: {unlisted:?}"
        );
        let newer: Vec<&str> = result
            .outcomes
            .iter()
            .filter(|o| o.id.ends_with(".newer-than-firmware"))
            .map(|o| o.id.as_str())
            .collect();
        if firmware.starts_with("2.13") {
            assert!(newer.contains(&"pcap.newer-than-firmware"), "{newer:?}");
            assert!(
                newer.contains(&"email_send.newer-than-firmware"),
                "{newer:?}"
            );
            assert!(!result.outcomes.iter().any(|o| o.id.contains(".response.")));
            // The newer `response` parameter is sent anyway, and ignored as the ruling says.
            let ignored: Vec<&str> = result
                .outcomes
                .iter()
                .filter(|o| o.id.contains(".newer-param.response"))
                .filter(|o| o.verdict == Verdict::Pass)
                .map(|o| o.id.as_str())
                .collect();
            assert!(
                ignored.contains(&"switch_ctrl.get.newer-param.response"),
                "{ignored:?}"
            );
        } else {
            assert!(newer.is_empty(), "{newer:?}");
        }
        running.stop().await;
    }
}
