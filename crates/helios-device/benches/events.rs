//! Event throughput from raising to delivery: events raised in the device one by one, delivered
//! through `log/pull` over loopback HTTP (one keep-alive client per channel, each pull waiting
//! while the channel is empty) to 1, 10 and 100 subscribed channels; against the same records
//! passed through a `tokio::sync::broadcast` channel in process (the ceiling of the fan-out).
//! The goal: at least 100,000 events per second delivered end to end with one channel.

mod support;

use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use helios_device::Device;
use helios_spec::functions::log;
use helios_wire::event::{Event, EventRecord};
use serde_json::Value;
use tokio::sync::broadcast;

/// The channel counts measured.
const CHANNELS: [usize; 3] = [1, 10, 100];

/// Events raised per iteration for `channels` channels: about 20,000 deliveries an iteration,
/// and always well inside the 10,000 events of history so that no channel loses any.
fn events_for(channels: usize) -> usize {
    (20_000 / channels).clamp(200, 5_000)
}

/// The event raised: a card at the reader, a record with several parameters.
fn event(n: usize) -> Event {
    Event::CardEntered {
        direction: "in".into(),
        reader: "internal".into(),
        uid: format!("{n:014X}"),
        valid: n.is_multiple_of(2),
    }
}

/// Raises `count` events, one lock each as the hardware would, letting the pulls run between.
async fn raise(device: &Device, count: usize) {
    for n in 0..count {
        device.with_state(|state, stamp| state.events.raise(event(n), stamp));
        if n % 32 == 31 {
            tokio::task::yield_now().await;
        }
    }
}

/// Pulls `id` until `count` of the events raised have come, each pull waiting up to 5 s for the
/// next. Other events (the SIP accounts registering after the start) are not counted.
async fn drain(client: reqwest::Client, url: String, count: usize) {
    let name = event(0).name().to_owned();
    let mut received = 0;
    while received < count {
        let body = client
            .get(&url)
            .send()
            .await
            .expect("the device answers")
            .bytes()
            .await
            .expect("the reply reads");
        let reply: Value = serde_json::from_slice(&body).expect("a JSON reply");
        let events = reply["result"]["events"]
            .as_array()
            .expect("a list of events");
        assert!(
            !events.is_empty(),
            "a pull timed out: {received} of {count}"
        );
        received += events
            .iter()
            .filter(|e| e["event"].as_str() == Some(name.as_str()))
            .count();
    }
    assert_eq!(received, count, "each event raised is delivered once");
}

fn events(c: &mut Criterion) {
    let runtime = support::runtime();
    let served = runtime.block_on(support::serve(support::bench_profile()));
    let device = served.device.clone();
    let record = EventRecord {
        id: 1,
        utc_time: 1_437_987_102,
        up_time: 100,
        tz_shift: Some(60),
        hash: None,
        event: event(1),
    };

    let mut group = c.benchmark_group("events");
    group.sample_size(10);
    for channels in CHANNELS {
        let count = events_for(channels);
        group.throughput(Throughput::Elements((count * channels) as u64));
        let clients = support::clients(channels);
        let urls: Vec<String> = runtime.block_on(async {
            let mut urls = Vec::new();
            for client in &clients {
                let id = support::subscribe(client, &served.base, "duration=3600").await;
                urls.push(format!(
                    "{}{}?id={id}&timeout=5",
                    served.base,
                    log::pull::FUNCTION.path
                ));
            }
            urls
        });
        group.bench_function(BenchmarkId::new("device", channels), |b| {
            b.to_async(&runtime).iter(|| {
                let device = device.clone();
                let pulls: Vec<_> = clients
                    .iter()
                    .zip(&urls)
                    .map(|(client, url)| tokio::spawn(drain(client.clone(), url.clone(), count)))
                    .collect();
                async move {
                    raise(&device, count).await;
                    for pull in pulls {
                        pull.await.expect("a pull task");
                    }
                }
            });
        });
        group.bench_function(BenchmarkId::new("baseline", channels), |b| {
            b.to_async(&runtime).iter(|| {
                let (sender, _) = broadcast::channel::<Arc<EventRecord>>(16_384);
                let receivers: Vec<_> = (0..channels)
                    .map(|_| {
                        let mut receiver = sender.subscribe();
                        tokio::spawn(async move {
                            for _ in 0..count {
                                receiver.recv().await.expect("no record lost");
                            }
                        })
                    })
                    .collect();
                let record = record.clone();
                async move {
                    for n in 0..count {
                        let mut next = record.clone();
                        next.id = u32::try_from(n).unwrap_or(u32::MAX);
                        sender.send(Arc::new(next)).expect("receivers listen");
                        if n % 32 == 31 {
                            tokio::task::yield_now().await;
                        }
                    }
                    for receiver in receivers {
                        receiver.await.expect("a receiver task");
                    }
                }
            });
        });
    }
    group.finish();
    runtime.block_on(served.running.shutdown());
}

criterion_group!(benches, events);
criterion_main!(benches);
