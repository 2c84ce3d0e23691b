//! Snapshot latency and throughput at each resolution the camera lists, open-loop at the run's
//! rate: every reply must be a JPEG to count.

use std::time::Duration;

use helios_client::Call;
use helios_spec::functions::camera;
use helios_spec::{Group, SUCCESS_STATUS};
use tokio::task::JoinSet;

use super::Clients;
use super::pacing::{Latencies, Schedule};
use super::report::{LoadReport, SnapshotFigures};
use crate::discovery::Discovered;

pub(crate) async fn measure(
    clients: &Clients<'_>,
    found: &Discovered,
    rate: u32,
    duration: Duration,
    report: &mut LoadReport,
) {
    let function = &camera::snapshot::FUNCTION;
    let Some(client) = clients.monitoring(function, Group::Camera, report) else {
        return;
    };
    for &(width, height) in &found.resolutions {
        let mut schedule = Schedule::new(f64::from(rate), duration);
        let started = tokio::time::Instant::now();
        let mut replies = JoinSet::new();
        while let Some(due) = schedule.next().await {
            let client = client.clone();
            replies.spawn(async move {
                let call = Call::new(function)
                    .param("width", width)
                    .param("height", height);
                let reply = client.send(call).await;
                (due.elapsed(), reply)
            });
        }
        let mut latencies = Latencies::default();
        let (mut ok, mut errors, mut bytes) = (0u32, 0u32, 0u64);
        let mut first_error = None;
        while let Some(joined) = replies.join_next().await {
            let Ok((latency, reply)) = joined else {
                errors += 1;
                continue;
            };
            match reply {
                Ok(exchange)
                    if exchange.response.status == SUCCESS_STATUS
                        && exchange.response.media_type().as_deref() == Some("image/jpeg")
                        && exchange.response.body.starts_with(&[0xFF, 0xD8]) =>
                {
                    ok += 1;
                    bytes += exchange.response.body.len() as u64;
                    latencies.record(latency);
                }
                Ok(exchange) => {
                    errors += 1;
                    first_error.get_or_insert_with(|| {
                        format!(
                            "HTTP {} {}",
                            exchange.response.status,
                            String::from_utf8_lossy(
                                &exchange.response.body[..exchange.response.body.len().min(200)]
                            )
                        )
                    });
                }
                Err(error) => {
                    errors += 1;
                    first_error.get_or_insert_with(|| error.to_string());
                }
            }
        }
        let elapsed = started.elapsed().as_secs_f64().max(duration.as_secs_f64());
        if let Some(error) = first_error {
            report.notes.push(format!(
                "snapshot {width}x{height}: {errors} failed, the first: {error}"
            ));
        }
        report.snapshots.push(SnapshotFigures {
            width,
            height,
            sent: schedule.sent(),
            ok,
            errors,
            bytes,
            throughput: f64::from(ok) / elapsed,
            latency: latencies.percentiles(),
        });
    }
}
