//! Resident size of the reference intercom with a full history of 10,000 events and 1,000
//! open channels (opened over loopback HTTP, each reading the whole history), beside the size
//! of the same process before the device started. Fails when the documented bound is passed.
//!
//! Not a criterion timing loop (`harness = false`): `cargo bench -p helios-device --bench memory`.

mod support;

use helios_spec::functions::log::HISTORY_LEN;
use helios_wire::event::Event;
use serde_json::json;

/// The documented bound on the resident size of the whole process (ARCHITECTURE.md).
const BOUND_BYTES: u64 = 32 << 20;
const CHANNELS: usize = 1_000;

fn mib(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1 << 20)
}

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    if filter.is_some_and(|f| !"memory".contains(&f)) {
        return;
    }
    let runtime = support::runtime();
    let client = reqwest::Client::new();
    let before = support::resident_bytes().unwrap_or(0);
    let (after, events, channels) = runtime.block_on(async {
        let served = support::serve(support::bench_profile()).await;
        let device = served.device.clone();
        for n in 0..HISTORY_LEN {
            device.with_state(|state, stamp| {
                state.events.raise(
                    Event::CardEntered {
                        direction: "in".into(),
                        reader: "internal".into(),
                        uid: format!("{n:014X}"),
                        valid: true,
                    },
                    stamp,
                )
            });
        }
        for _ in 0..CHANNELS {
            support::subscribe(&client, &served.base, "include=all&duration=3600").await;
        }
        let (events, channels) = device.with_state(|state, _| {
            (
                state.events.records().count(),
                state.events.channels().count(),
            )
        });
        let after = support::resident_bytes().unwrap_or(0);
        served.running.shutdown().await;
        (after, events, channels)
    });
    println!(
        "memory: {events} events, {channels} channels: resident {:.1} MiB (before the device {:.1} MiB, the device {:.1} MiB; bound {:.0} MiB)",
        mib(after),
        mib(before),
        mib(after.saturating_sub(before)),
        mib(BOUND_BYTES)
    );
    support::record(
        "memory",
        &json!({
            "events": events,
            "channels": channels,
            "resident_bytes": after,
            "before_bytes": before,
            "bound_bytes": BOUND_BYTES,
        }),
    );
    assert_eq!(events, HISTORY_LEN);
    assert_eq!(channels, CHANNELS);
    assert!(after > 0, "VmRSS was read");
    assert!(after <= BOUND_BYTES, "the resident size passed its bound");
}
