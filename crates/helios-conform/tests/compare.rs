//! `--compare`: two reference intercoms of one firmware behave alike case for case; a 2.13 and
//! a 2.21 device differ exactly where the release notes say (pcap, the `response` parameter...).

use helios_conform::compare::differences;
use helios_conform::{Options, Profile, REFERENCE_PROFILE, Target, run};
use helios_test_support::{Reference, helios_device};

async fn start(firmware: Option<&str>) -> (Reference, Target) {
    let mut profile = helios_device::Profile::default_profile();
    if let Some(version) = firmware {
        profile.device.sw_version =
            helios_device::profile::FirmwareVersion::try_from(version.to_owned())
                .expect("a version");
    }
    let reference = Reference::start(profile).await;
    let target = Target {
        http: Some(reference.http.clone()),
        https: Some(reference.https.clone()),
        insecure: true,
        ca_pem: None,
    };
    (reference, target)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_of_one_firmware_behave_alike_and_two_generations_do_not() {
    let profile = Profile::parse(REFERENCE_PROFILE).expect("the reference profile");
    let options = Options {
        seed: Some(7),
        ..Options::default()
    };
    let (a, target_a) = start(None).await;
    let (b, target_b) = start(None).await;
    let (old, target_old) = start(Some("2.13.0.0.1")).await;
    let run_a = run(&profile, &target_a, &options).await;
    let run_b = run(&profile, &target_b, &options).await;
    let run_old = run(&profile, &target_old, &options).await;

    let alike = differences(&run_a, &run_b);
    assert!(alike.is_empty(), "{alike:#?}");

    let differ = differences(&run_a, &run_old);
    let ids: Vec<&str> = differ.iter().map(|d| d.id.as_str()).collect();
    for expected in [
        "discovery.firmware",
        "pcap.newer-than-firmware",
        "switch_ctrl.get.response.text",
    ] {
        assert!(ids.contains(&expected), "{expected} not in {ids:?}");
    }
    // Cases that exist on one side only are differences too.
    let one_sided = differ
        .iter()
        .filter(|d| d.a.is_none() || d.b.is_none())
        .count();
    assert!(one_sided > 0);
    for reference in [a, b, old] {
        reference.stop().await;
    }
}
