//! Snapshot throughput: 640x480 JPEG snapshots over loopback HTTP with keep-alive from several
//! concurrent clients, against a bare hyper server serving the same bytes (the ceiling of the
//! HTTP stack); and the camera's encoding, frames per second per resolution, beside the cost of
//! a client asking for a frame that is already encoded (no encoding work per extra client).
//!
//! On a machine shared with other work, the load can change between criterion's measurement of
//! the device and of its ceiling; the ratio is therefore also measured in interleaved rounds
//! (device, ceiling, ceiling, device, ...), each round's ratio taken, and the median recorded
//! for `cargo xtask bench`.
//!
//! Two switches take parts of the device's work away, to see what each costs:
//! `HELIOS_BENCH_MANUAL_CLOCK=1` stops the clock (one frame, encoded once) and
//! `HELIOS_BENCH_NO_CAPTURE=1` stops the packet capture. For a profiler,
//! `HELIOS_BENCH_PROFILE=device` (or `ceiling`) sends `HELIOS_BENCH_PROFILE_BATCHES` batches
//! (default 2000) to one side alone and exits: under `valgrind --tool=callgrind`, the difference
//! between two batch counts is the instructions a request costs, a figure that does not move
//! with the load of a shared machine as times do.
//!
//! Both sides are sent the same request line, so the clients' own work is the same, and the
//! ceiling serves the device's own frames of one scene period, changing at the frame rate, so
//! the replies are of the same sizes (both mean sizes are printed).

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use helios_device::clock::ManualClock;
use helios_device::hardware::camera::View;
use helios_device::hardware::camera::scene::FRAME_RATE;
use helios_device::{Device, Profile};
use helios_spec::functions::camera::snapshot;
use serde_json::json;

/// Interleaved rounds, and how long each side runs in each: some 40 batches a side, long enough
/// that a scheduler's hiccup is a small part of a round, short enough that the two sides of a
/// round see the same machine (a shared VM's speed moves by a third within seconds), and many
/// rounds, so that the median moves little from run to run (21 rounds of 250 ms gave medians
/// from 0.876 to 0.916 on the same code; 61 rounds of 100 ms from 0.870 to 0.926, rounds
/// themselves ranging from 0.6 to 1.7). The median is printed with its 95% confidence interval.
const ROUNDS: usize = 151;
const ROUND_TIME: Duration = Duration::from_millis(100);

/// Concurrent clients, each with its own kept-alive connection.
const CLIENTS: usize = 4;
/// Requests each client sends one after another in one iteration.
const PER_CLIENT: usize = 16;

/// `CLIENTS` clients each GET `url` `PER_CLIENT` times; every reply must be a JPEG of about
/// the size expected. Returns the bytes of the replies' bodies.
async fn batch(clients: &[reqwest::Client], url: &str, expected: usize) -> usize {
    let tasks: Vec<_> = clients
        .iter()
        .map(|client| {
            let client = client.clone();
            let url = url.to_owned();
            tokio::spawn(async move {
                let mut bytes = 0;
                for _ in 0..PER_CLIENT {
                    let response = client.get(&url).send().await.expect("the server answers");
                    assert_eq!(response.status(), 200);
                    let body = response.bytes().await.expect("the body reads");
                    assert!(body.len() > 1000 && body.len() < expected * 2);
                    assert!(body.starts_with(&[0xFF, 0xD8]), "a JPEG");
                    bytes += body.len();
                }
                bytes
            })
        })
        .collect();
    let mut bytes = 0;
    for task in tasks {
        bytes += task.await.expect("a client task");
    }
    bytes
}

/// The ranks, among `n` sorted rounds, that bound a 95% confidence interval of their median:
/// the number of rounds below the true median is binomial (n, 1/2), so its middle 95% lies
/// within 1.96 standard deviations (sqrt(n)/2) of n/2 (the normal approximation; distribution
/// free, whatever the rounds' own spread).
fn median_interval(n: usize) -> (usize, usize) {
    let half = n as f64 / 2.0;
    let reach = 1.96 * (n as f64).sqrt() / 2.0;
    let low = (half - reach).floor().max(0.0) as usize;
    let high = ((half + reach).ceil() as usize).min(n - 1);
    (low, high)
}

/// One scene period of the camera (its bar sweeps the picture in 7 s), in frame ticks.
const SCENE_TICKS: u32 = 7 * FRAME_RATE as u32;

fn http(c: &mut Criterion) {
    let runtime = support::runtime();
    let served = if std::env::var_os("HELIOS_BENCH_MANUAL_CLOCK").is_some() {
        let clock = Arc::new(ManualClock::new(Duration::from_secs(1_437_987_102)));
        runtime.block_on(support::serve_with_clock(Profile::default_profile(), clock))
    } else {
        runtime.block_on(support::serve(Profile::default_profile()))
    };
    if std::env::var_os("HELIOS_BENCH_NO_CAPTURE").is_some() {
        served.device.capture().stop();
    }
    let url = format!(
        "{}{}?width=640&height=480",
        served.base,
        snapshot::FUNCTION.path
    );
    // The bytes the ceiling serves: the device's own frames, one per tick over a whole period
    // of its scene, which the ceiling cycles through at the frame rate: replies of the sizes the
    // device serves (they vary by a tenth with the picture), not one frame that may be smaller
    // or larger than most.
    let tick = Duration::from_secs(1) / FRAME_RATE as u32;
    let frames: Vec<bytes::Bytes> = runtime.block_on(async {
        let start = tokio::time::Instant::now();
        let mut frames = Vec::new();
        for k in 0..SCENE_TICKS {
            tokio::time::sleep_until(start + tick * k).await;
            let frame = reqwest::get(&url)
                .await
                .expect("the device answers")
                .bytes()
                .await
                .expect("a JPEG");
            frames.push(frame);
        }
        frames
    });
    let jpeg_len = frames.iter().map(|f| f.len()).max().unwrap_or_default();
    let bare = runtime.block_on(support::bare(frames, tick, "image/jpeg"));
    // The same request line, so that the clients' own work (parsing the URL, writing the
    // request) is the same on both sides and the ratio is the servers' alone.
    let bare_url = format!(
        "{}{}?width=640&height=480",
        bare.base,
        snapshot::FUNCTION.path
    );
    let clients = support::clients(CLIENTS);

    // Profiling one side alone: a fixed number of requests, then nothing else.
    if let Ok(side) = std::env::var("HELIOS_BENCH_PROFILE") {
        let target = if side == "device" { &url } else { &bare_url };
        let batches: usize = std::env::var("HELIOS_BENCH_PROFILE_BATCHES")
            .ok()
            .and_then(|b| b.parse().ok())
            .unwrap_or(2000);
        let started = Instant::now();
        runtime.block_on(async {
            for _ in 0..batches {
                batch(&clients, target, jpeg_len).await;
            }
        });
        println!(
            "{side}: {:.0}/s",
            (batches * CLIENTS * PER_CLIENT) as f64 / started.elapsed().as_secs_f64()
        );
        std::process::exit(0);
    }
    let mut group = c.benchmark_group("snapshot");
    group.throughput(Throughput::Elements((CLIENTS * PER_CLIENT) as u64));
    group.sample_size(20);
    group.bench_function(BenchmarkId::new("device", "640x480"), |b| {
        b.to_async(&runtime)
            .iter(|| batch(&clients, &url, jpeg_len));
    });
    group.bench_function(BenchmarkId::new("baseline", "640x480"), |b| {
        b.to_async(&runtime)
            .iter(|| batch(&clients, &bare_url, jpeg_len));
    });
    group.finish();

    // Replies a second, and their bytes, over one round.
    let rate = |url: &str| {
        let started = Instant::now();
        let (mut batches, mut bytes) = (0, 0);
        runtime.block_on(async {
            while started.elapsed() < ROUND_TIME {
                bytes += batch(&clients, url, jpeg_len).await;
                batches += 1;
            }
        });
        let replies = batches * CLIENTS * PER_CLIENT;
        (
            replies as f64 / started.elapsed().as_secs_f64(),
            bytes,
            replies,
        )
    };
    let mut rounds = Vec::new();
    // Bytes and replies of each side over all rounds: the mean reply size each served.
    let mut served_bytes = [(0, 0); 2];
    for round in 0..ROUNDS {
        let (device, ceiling) = if round % 2 == 0 {
            let device = rate(&url);
            (device, rate(&bare_url))
        } else {
            let ceiling = rate(&bare_url);
            (rate(&url), ceiling)
        };
        for (side, (_, bytes, replies)) in [device, ceiling].into_iter().enumerate() {
            served_bytes[side].0 += bytes;
            served_bytes[side].1 += replies;
        }
        rounds.push((device.0 / ceiling.0, device.0, ceiling.0));
    }
    let mean = |(bytes, replies): (usize, usize)| bytes as f64 / replies.max(1) as f64;
    let (device_bytes, ceiling_bytes) = (mean(served_bytes[0]), mean(served_bytes[1]));
    rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (ratio, device, ceiling) = rounds[ROUNDS / 2];
    let (low, high) = median_interval(ROUNDS);
    let (low, high) = (rounds[low].0, rounds[high].0);
    println!(
        "snapshot/interleaved: median of {ROUNDS} rounds: device {device:.0}/s, ceiling {ceiling:.0}/s, ratio {ratio:.3} (95% confidence {low:.3} to {high:.3}; rounds {:.3} to {:.3}); mean reply {device_bytes:.0} bytes from the device, {ceiling_bytes:.0} from the ceiling",
        rounds[0].0,
        rounds[ROUNDS - 1].0
    );
    support::record(
        "snapshot",
        &json!({
            "rounds": ROUNDS,
            "median_ratio": ratio,
            "median_low": low,
            "median_high": high,
            "device_per_second": device,
            "ceiling_per_second": ceiling,
            "lowest_ratio": rounds[0].0,
            "highest_ratio": rounds[ROUNDS - 1].0,
            "jpeg_bytes": jpeg_len,
            "device_mean_reply_bytes": device_bytes,
            "ceiling_mean_reply_bytes": ceiling_bytes,
        }),
    );
    drop(bare);
    runtime.block_on(served.running.shutdown());
}

/// One frame clock tick, rounded up so that each step reaches the next tick.
const TICK: Duration = Duration::from_nanos(66_666_667);

fn encoding(c: &mut Criterion) {
    let clock = Arc::new(ManualClock::new(Duration::from_secs(1_437_987_102)));
    let device = Device::new(Profile::default_profile(), clock.clone());
    let camera = device
        .camera()
        .expect("the default profile has a camera")
        .clone();
    let resolutions = camera.config().resolutions.clone();

    let mut group = c.benchmark_group("snapshot-encoding");
    group.throughput(Throughput::Elements(1));
    for (width, height) in resolutions {
        let view = View {
            source: 0,
            width,
            height,
        };
        // Each iteration is a new tick: the scene is drawn and encoded.
        group.bench_function(
            BenchmarkId::new("encode", format!("{width}x{height}")),
            |b| {
                b.iter(|| {
                    clock.advance(TICK);
                    camera.live(view).expect("a frame")
                });
            },
        );
    }
    // A client joining: the frame of this tick is encoded already, so asking for it again
    // costs a lookup, never an encoding. The asks alternate between two views, so that each
    // is a lookup in the shared frame cache: a thread keeps the last frame it served, and the
    // same view again on the same thread would find it there, cheaper still.
    let view = View {
        source: 0,
        width: 640,
        height: 480,
    };
    let other = View {
        width: 320,
        height: 240,
        ..view
    };
    camera.live(view).expect("a frame");
    camera.live(other).expect("a frame");
    let before = camera.encodes();
    let mut flip = false;
    group.bench_function(BenchmarkId::new("join", "640x480"), |b| {
        b.iter(|| {
            flip = !flip;
            camera
                .live(if flip { view } else { other })
                .expect("a frame")
        });
    });
    group.finish();
    let extra = camera.encodes() - before;
    println!("snapshot-encoding/join: {extra} encodings while clients joined an encoded frame");
    assert_eq!(
        extra, 0,
        "a client joining an encoded frame encoded it again"
    );
}

criterion_group!(benches, http, encoding);
criterion_main!(benches);
