//! `audio/test` (manual 5.27): the loop test answers at once and logs `AudioLoopTest` 2 s of
//! device time later; it needs the Enhanced Audio licence.

mod common;

use common::{ADMIN, snapshot};

use common::{Request, TestDevice};
use helios_device::Profile;
use helios_wire::event::Event;

/// The loop test results logged so far, with their upTime.
fn results(device: &TestDevice) -> Vec<(String, u32)> {
    device
        .device
        .events()
        .into_iter()
        .filter_map(|r| match r.event {
            Event::AudioLoopTest { result } => Some((result, r.up_time)),
            _ => None,
        })
        .collect()
}

fn test(device: &TestDevice) -> common::Reply {
    device.send_digest(&Request::get("/api/audio/test"), ADMIN.0, ADMIN.1)
}

#[test]
fn the_loop_test_logs_its_result_when_done() {
    let device = TestDevice::default_profile();
    device.advance(10);
    let reply = test(&device);
    snapshot!("device__audio_test", reply.json());
    assert_eq!(results(&device), []);
    device.advance(1);
    // A second request while the test runs joins it.
    assert_eq!(test(&device).error_code(), None);
    assert_eq!(results(&device), []);
    device.advance(1);
    assert_eq!(results(&device), [("passed".to_owned(), 12)]);
    device.advance(10);
    assert_eq!(results(&device).len(), 1);
    // The next request runs a new test.
    assert_eq!(test(&device).error_code(), None);
    device.advance(2);
    assert_eq!(
        results(&device),
        [("passed".to_owned(), 12), ("passed".to_owned(), 24)]
    );
}

#[test]
fn a_faulty_loudspeaker_fails_the_test() {
    let text = helios_device::profile::DEFAULT_PROFILE
        .replace("audio_fault = false", "audio_fault = true");
    let profile = Profile::parse(&text, "faulty.toml").expect("a valid profile");
    let device = TestDevice::new(profile);
    assert_eq!(test(&device).error_code(), None);
    device.advance(2);
    assert_eq!(results(&device), [("failed".to_owned(), 2)]);
}

#[test]
fn without_the_enhanced_audio_licence_the_vario_answers_5() {
    let text = include_str!("../profiles/vario.toml");
    let profile = Profile::parse(text, "profiles/vario.toml").expect("the Vario profile");
    let device = TestDevice::new(profile);
    // The Vario's audio service is HTTPS with Digest (SHA-256), its admin account admin/2n.
    let reply = test(&device);
    snapshot!("device__audio_test_unlicensed", reply.json());
    assert_eq!(reply.error_code(), Some(5));
    device.advance(5);
    assert_eq!(results(&device), []);
}
