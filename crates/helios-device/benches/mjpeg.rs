//! MJPEG streams held: concurrent `fps=15` streams of 640x480 frames over loopback HTTP, each
//! read and cut into frames as it arrives. A count of streams is held when every stream's rate
//! over the measuring window is within 2% of 15 frames a second. The count doubles until one
//! is not held, then is bisected; the most streams held is printed and recorded, with the
//! camera's encodings per second at each count (one per tick whatever the count: a client that
//! joins a stream costs no encoding).
//!
//! Not a criterion timing loop (`harness = false`): `cargo bench -p helios-device --bench mjpeg`.

mod support;

use std::time::{Duration, Instant};

use helios_device::Profile;
use helios_spec::functions::camera::snapshot;
use helios_wire::mjpeg::{MjpegReader, boundary_from_content_type};
use serde_json::json;
use tokio::sync::watch;

const FPS: f64 = 15.0;
/// Within 2% of the requested rate.
const TOLERANCE: f64 = 0.02;
const WARM_UP: Duration = Duration::from_secs(1);
const WINDOW: Duration = Duration::from_secs(4);
/// The most streams tried (two descriptors each, client and device, well below the usual
/// limit of open files of 20,000).
const MAX_STREAMS: usize = 4096;

/// Reads one stream until told to stop; returns the arrival time of every frame. Every stream
/// has a connection of its own from the one client's pool.
async fn read_stream(
    client: reqwest::Client,
    url: String,
    mut stop: watch::Receiver<bool>,
) -> Vec<Instant> {
    let mut arrivals = Vec::new();
    let Ok(mut response) = client.get(&url).send().await else {
        return arrivals;
    };
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let Ok(boundary) = boundary_from_content_type(&content_type) else {
        return arrivals;
    };
    let Ok(mut reader) = MjpegReader::new(&boundary) else {
        return arrivals;
    };
    loop {
        tokio::select! {
            chunk = response.chunk() => match chunk {
                Ok(Some(chunk)) => {
                    let Ok(frames) = reader.push(&chunk) else { break };
                    let now = Instant::now();
                    arrivals.extend(frames.iter().map(|_| now));
                }
                _ => break,
            },
            _ = stop.changed() => break,
        }
    }
    arrivals
}

/// The rate of one stream over the window, from its frames' arrivals inside it.
fn rate(arrivals: &[Instant], from: Instant, to: Instant) -> f64 {
    let inside: Vec<&Instant> = arrivals
        .iter()
        .filter(|t| **t >= from && **t <= to)
        .collect();
    match (inside.first(), inside.last()) {
        (Some(first), Some(last)) if inside.len() > 1 && last > first => {
            (inside.len() - 1) as f64 / last.duration_since(**first).as_secs_f64()
        }
        _ => 0.0,
    }
}

struct Step {
    streams: usize,
    slowest: f64,
    fastest: f64,
    encodes_per_second: f64,
}

impl Step {
    fn held(&self) -> bool {
        (self.slowest - FPS).abs() <= FPS * TOLERANCE
            && (self.fastest - FPS).abs() <= FPS * TOLERANCE
    }
}

async fn measure(served: &support::Served, url: &str, streams: usize) -> Step {
    let camera = served.device.camera().expect("a camera").clone();
    let (stop, stopped) = watch::channel(false);
    let client = reqwest::Client::new();
    let tasks: Vec<_> = (0..streams)
        .map(|_| tokio::spawn(read_stream(client.clone(), url.to_owned(), stopped.clone())))
        .collect();
    tokio::time::sleep(WARM_UP).await;
    let (from, encodes_before) = (Instant::now(), camera.encodes());
    tokio::time::sleep(WINDOW).await;
    let (to, encodes_after) = (Instant::now(), camera.encodes());
    let _ = stop.send(true);
    let mut rates = Vec::new();
    for task in tasks {
        let arrivals = task.await.unwrap_or_default();
        rates.push(rate(&arrivals, from, to));
    }
    // Let the device see every connection close before the next step.
    let waited = Instant::now();
    while camera.open_streams() > 0 && waited.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Step {
        streams,
        slowest: rates.iter().copied().fold(f64::INFINITY, f64::min),
        fastest: rates.iter().copied().fold(0.0, f64::max),
        encodes_per_second: (encodes_after - encodes_before) as f64
            / to.duration_since(from).as_secs_f64(),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that names nothing here skips the run.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    if filter.is_some_and(|f| !"mjpeg".contains(&f)) {
        return;
    }
    let runtime = support::runtime();
    runtime.block_on(async {
        let served = support::serve(Profile::default_profile()).await;
        let url = format!(
            "{}{}?width=640&height=480&fps=15",
            served.base,
            snapshot::FUNCTION.path
        );
        let mut steps: Vec<Step> = Vec::new();
        let report = |step: &Step| {
            println!(
                "mjpeg: {:>4} streams  slowest {:6.2} fps  fastest {:6.2} fps  {:5.1} encodings/s  {}",
                step.streams,
                step.slowest,
                step.fastest,
                step.encodes_per_second,
                if step.held() { "held" } else { "NOT held" }
            );
        };
        // Double until a count is not held, then bisect between the last held and it.
        let (mut held, mut failed) = (0, None);
        let mut streams = 1;
        while streams <= MAX_STREAMS {
            let step = measure(&served, &url, streams).await;
            report(&step);
            let ok = step.held();
            steps.push(step);
            if !ok {
                failed = Some(streams);
                break;
            }
            held = streams;
            streams *= 2;
        }
        if let Some(mut high) = failed {
            while high - held > (held / 8).max(1) {
                let middle = (held + high) / 2;
                let step = measure(&served, &url, middle).await;
                report(&step);
                if step.held() {
                    held = middle;
                } else {
                    high = middle;
                }
                steps.push(step);
            }
        }
        println!(
            "mjpeg: most fps=15 640x480 streams held within 2%: {held}{}",
            if failed.is_none() { " (the most tried)" } else { "" }
        );
        let figures = json!({
            "most_streams_held": held,
            "capped": failed.is_none(),
            "steps": steps.iter().map(|s| json!({
                "streams": s.streams,
                "slowest_fps": s.slowest,
                "fastest_fps": s.fastest,
                "encodes_per_second": s.encodes_per_second,
                "held": s.held(),
            })).collect::<Vec<_>>(),
        });
        support::record("mjpeg", &figures);
        served.running.shutdown().await;
    });
}
