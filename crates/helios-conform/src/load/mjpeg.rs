//! The MJPEG rate a device achieves: streams of `camera/snapshot` with `fps`, read for the
//! measurement's duration, frames cut out with helios-wire's reader as they arrive.

use std::time::Duration;

use helios_client::{Call, Client};
use helios_spec::Group;
use helios_spec::functions::camera;
use helios_wire::mjpeg::{MjpegReader, boundary_from_content_type};
use tokio::time::Instant;

use super::Clients;
use super::report::{LoadReport, StreamFigures};
use crate::discovery::Discovered;

/// The rates requested, read at the same time.
pub const RATES: [u32; 2] = [5, 15];

pub(crate) async fn measure(
    clients: &Clients<'_>,
    found: &Discovered,
    duration: Duration,
    report: &mut LoadReport,
) {
    // 640x480 where the camera has it, else its largest resolution.
    let Some(&(width, height)) = found
        .resolutions
        .iter()
        .find(|r| **r == (640, 480))
        .or_else(|| found.resolutions.iter().max_by_key(|(w, h)| w * h))
    else {
        return;
    };
    let function = &camera::snapshot::FUNCTION;
    let Some(client) = clients.monitoring(function, Group::Camera, report) else {
        return;
    };
    let streams = RATES.map(|fps| {
        let client = client.clone();
        tokio::spawn(async move { read(&client, width, height, fps, duration).await })
    });
    for (stream, fps) in streams.into_iter().zip(RATES) {
        let figures = stream.await.unwrap_or_else(|e| StreamFigures {
            width,
            height,
            requested_fps: fps,
            frames: 0,
            achieved_fps: 0.0,
            error: Some(e.to_string()),
        });
        report.streams.push(figures);
    }
}

async fn read(
    client: &Client,
    width: u32,
    height: u32,
    fps: u32,
    duration: Duration,
) -> StreamFigures {
    let mut figures = StreamFigures {
        width,
        height,
        requested_fps: fps,
        frames: 0,
        achieved_fps: 0.0,
        error: None,
    };
    let call = Call::new(&camera::snapshot::FUNCTION)
        .param("width", width)
        .param("height", height)
        .param("fps", fps);
    let mut stream = match client.open(call).await {
        Ok(stream) => stream,
        Err(error) => {
            figures.error = Some(error.to_string());
            return figures;
        }
    };
    let reader = stream
        .header("content-type")
        .ok_or_else(|| format!("HTTP {} without a Content-Type", stream.status))
        .and_then(|content_type| {
            boundary_from_content_type(content_type)
                .map_err(|e| format!("HTTP {}: not a push stream: {e}", stream.status))
        })
        .and_then(|boundary| MjpegReader::new(&boundary).map_err(|e| e.to_string()));
    let mut reader = match reader {
        Ok(reader) => reader,
        Err(error) => {
            figures.error = Some(error);
            return figures;
        }
    };
    let end = Instant::now() + duration;
    let (mut first, mut last) = (None, None);
    loop {
        let chunk = match tokio::time::timeout_at(end, stream.chunk()).await {
            Err(_) => break,
            Ok(Ok(Some(chunk))) => chunk,
            Ok(Ok(None)) => {
                figures.error = Some("the device ended the stream".into());
                break;
            }
            Ok(Err(error)) => {
                figures.error = Some(error.to_string());
                break;
            }
        };
        match reader.push(&chunk) {
            Ok(frames) if !frames.is_empty() => {
                let now = Instant::now();
                first.get_or_insert(now);
                last = Some(now);
                figures.frames += frames.len() as u64;
            }
            Ok(_) => {}
            Err(error) => {
                figures.error = Some(error.to_string());
                break;
            }
        }
    }
    if let (Some(first), Some(last)) = (first, last)
        && figures.frames > 1
        && last > first
    {
        figures.achieved_fps = (figures.frames - 1) as f64 / (last - first).as_secs_f64();
    }
    figures
}
