//! Load mode against the reference intercom over real loopback HTTP and HTTPS: snapshots at
//! every resolution, the MJPEG streams and event latency are measured, with figures that only a
//! working device produces.

#[path = "support/target.rs"]
mod target;
use std::time::Duration;

use helios_conform::load::{LoadOptions, run};
use helios_conform::{Profile, REFERENCE_PROFILE};
use helios_test_support::{Reference, helios_device};
use helios_wire::event::Event;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_mode_measures_the_reference_intercom() {
    let reference = Reference::start(helios_device::Profile::default_profile()).await;
    let target = target::target(&reference);
    let profile = Profile::parse(REFERENCE_PROFILE).expect("the reference profile");
    let options = LoadOptions {
        duration: Duration::from_secs(2),
        rate: Some(10),
        timeout: None,
    };
    let encodes_before = reference.device.camera().expect("a camera").encodes();
    let report = run(&profile, &target, &options).await;
    println!("{}", report.table());

    assert_eq!((report.rate, report.rate_source), (10, "--rate"));
    assert!(report.notes.is_empty(), "{:#?}", report.notes);
    // Every resolution of the default profile, each snapshot a JPEG.
    assert_eq!(report.snapshots.len(), 6);
    for s in &report.snapshots {
        assert!(s.sent >= 18, "{s:?}");
        assert_eq!(s.errors, 0, "{s:?}");
        assert_eq!(s.ok, s.sent, "{s:?}");
        assert!(s.bytes > u64::from(s.ok) * 1000, "{s:?}");
        let latency = s.latency.expect("latencies");
        assert_eq!(latency.count, u64::from(s.ok));
        assert!(latency.p50 > Duration::ZERO && latency.p50 <= latency.p99);
        assert!(latency.p99 <= latency.max);
        assert!(s.throughput > 1.0, "{s:?}");
    }
    let camera = reference.device.camera().expect("a camera");
    assert!(
        camera.encodes() > encodes_before,
        "the camera encoded frames"
    );

    // The streams: frames as they came, never faster than asked (a debug build on a shared
    // machine may be slower).
    assert_eq!(report.streams.len(), 2);
    for s in &report.streams {
        assert!(s.error.is_none(), "{s:?}");
        assert_eq!((s.width, s.height), (640, 480));
        assert!(s.frames >= 2, "{s:?}");
        let requested = f64::from(s.requested_fps);
        assert!(
            s.achieved_fps > 0.0 && s.achieved_fps < requested * 1.2,
            "{s:?}"
        );
    }

    // Event latency from real SwitchStateChanged records: switch 1 toggled and put back.
    let events = report.events.expect("event figures");
    assert_eq!(events.switch, 1);
    assert!(events.samples >= 3, "{events:?}");
    assert_eq!(events.missed, 0, "{events:?}");
    let latency = events.latency.expect("event latencies");
    assert_eq!(latency.count, u64::from(events.samples));
    assert!(latency.p50 > Duration::ZERO && latency.max < Duration::from_secs(5));
    let toggles = reference
        .device
        .events()
        .iter()
        .filter(|r| matches!(r.event, Event::SwitchStateChanged { switch: 1, .. }))
        .count();
    assert!(toggles >= events.samples as usize, "{toggles} records");
    reference.stop().await;
}
