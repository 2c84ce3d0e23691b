//! What the device's benchmarks share: the reference intercom served on a loopback port, a bare
//! hyper server that serves fixed bytes (the ceiling of the HTTP stack), keep-alive clients, and
//! the file where a `harness = false` benchmark leaves its figures for `cargo xtask bench`.

#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use helios_device::clock::{Clock, SystemClock};
use helios_device::profile::{AuthName, ServiceName, ServiceSecurity, TransportName};
use helios_device::server::{self, Running};
use helios_device::{Device, Profile};
use helios_spec::Service;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The default profile with the Logging service on plain HTTP without authentication, as the
/// Camera service already is: the comparisons with a bare server and an in-process channel
/// then measure the device's own work, not TLS or Digest, which the ceilings do not do.
pub fn bench_profile() -> Profile {
    let mut profile = Profile::default_profile();
    profile.services.insert(
        ServiceName(Service::Logging),
        ServiceSecurity {
            enabled: true,
            transport: TransportName::Http,
            auth: AuthName::None,
        },
    );
    profile
}

/// The reference intercom on `127.0.0.1:0`, HTTP only.
pub struct Served {
    pub device: Arc<Device>,
    pub running: Running,
    /// `http://127.0.0.1:port`
    pub base: String,
}

pub async fn serve(profile: Profile) -> Served {
    serve_with_clock(profile, Arc::new(SystemClock::new())).await
}

pub async fn serve_with_clock(profile: Profile, clock: Arc<dyn Clock>) -> Served {
    let device = Device::new(profile, clock);
    let any = SocketAddr::from(([127, 0, 0, 1], 0));
    let running = server::start(device.clone(), Some(any), None)
        .await
        .expect("the reference intercom starts on loopback");
    let base = format!("http://{}", running.http.expect("an HTTP address"));
    Served {
        device,
        running,
        base,
    }
}

/// A bare hyper server answering every request with one of `bodies`, keep-alive on: what serving
/// the same bytes costs the HTTP stack alone. The body changes every `period`, cycling through
/// `bodies` in order (a camera's frames, at its frame rate). Dropping the handle stops it.
pub struct Bare {
    pub base: String,
    _stop: watch::Sender<bool>,
}

pub async fn bare(bodies: Vec<Bytes>, period: Duration, content_type: &'static str) -> Bare {
    assert!(!bodies.is_empty(), "something to serve");
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("bound"));
    let (stop_tx, mut stop) = watch::channel(false);
    let bodies = Arc::new(bodies);
    let start = Instant::now();
    tokio::spawn(async move {
        loop {
            let stream = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => continue,
                },
                _ = stop.changed() => return,
            };
            let bodies = bodies.clone();
            let service = service_fn(move |_: Request<Incoming>| {
                let ticks = start.elapsed().as_nanos() / period.as_nanos().max(1);
                let body = bodies[(ticks % bodies.len() as u128) as usize].clone();
                async move {
                    Ok::<_, Infallible>(
                        Response::builder()
                            .header("content-type", content_type)
                            .body(Full::new(body))
                            .expect("a valid response"),
                    )
                }
            });
            tokio::spawn(async move {
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Bare {
        base,
        _stop: stop_tx,
    }
}

/// Opens a channel with `log/subscribe?{query}`; returns its id.
pub async fn subscribe(client: &reqwest::Client, base: &str, query: &str) -> u32 {
    let url = format!(
        "{base}{}?{query}",
        helios_spec::functions::log::subscribe::FUNCTION.path
    );
    let reply: serde_json::Value = client
        .get(url)
        .send()
        .await
        .expect("the device answers")
        .json()
        .await
        .expect("a JSON reply");
    let id = reply["result"]["id"].as_u64().expect("a channel id");
    u32::try_from(id).expect("a 32-bit id")
}

/// `count` clients, each with a connection of its own kept alive.
pub fn clients(count: usize) -> Vec<reqwest::Client> {
    (0..count)
        .map(|_| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("a client")
        })
        .collect()
}

/// A runtime for the servers and clients: every worker the machine has.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// The resident set size of this process, in bytes (`VmRSS` of /proc/self/status).
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Where `harness = false` benchmarks leave their figures: `$HELIOS_BENCH_OUT`, set by
/// `cargo xtask bench`, or `helios-bench/` in the target directory.
pub fn out_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HELIOS_BENCH_OUT") {
        return PathBuf::from(dir);
    }
    // The bench binary lives in <target>/release/deps/.
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("helios-bench")))
        .unwrap_or_else(|| PathBuf::from("target/helios-bench"))
}

/// Writes `figures` as `<out_dir>/<name>.json`.
pub fn record(name: &str, figures: &serde_json::Value) {
    let dir = out_dir();
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        std::fs::write(
            dir.join(format!("{name}.json")),
            serde_json::to_vec_pretty(figures).unwrap_or_default(),
        )
    });
    if let Err(error) = written {
        eprintln!("cannot write the figures to {}: {error}", dir.display());
    }
}
