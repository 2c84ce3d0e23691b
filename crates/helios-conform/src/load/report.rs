//! The figures of a load run, and the table printed from them.

use std::fmt::Write;
use std::time::Duration;

/// Latency percentiles of a set of requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Percentiles {
    pub count: u64,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub mean: Duration,
}

/// Snapshots at one resolution, sent open-loop at the run's rate.
#[derive(Clone, Debug)]
pub struct SnapshotFigures {
    pub width: u32,
    pub height: u32,
    /// Requests that were due.
    pub sent: u32,
    /// Replies that were a JPEG.
    pub ok: u32,
    pub errors: u32,
    pub bytes: u64,
    /// JPEG replies per second over the measurement.
    pub throughput: f64,
    /// From when each request was due to its last byte, of the replies that were a JPEG.
    pub latency: Option<Percentiles>,
}

/// One MJPEG stream.
#[derive(Clone, Debug)]
pub struct StreamFigures {
    pub width: u32,
    pub height: u32,
    pub requested_fps: u32,
    pub frames: u64,
    /// Frames a second between the first frame and the last.
    pub achieved_fps: f64,
    /// Why the stream could not be read, if it could not.
    pub error: Option<String>,
}

/// Event latency: from `switch/ctrl` being due to the `SwitchStateChanged` record arriving in
/// a waiting `log/pull`.
#[derive(Clone, Debug)]
pub struct EventFigures {
    pub switch: u8,
    pub samples: u32,
    /// Samples whose event never came within the timeout.
    pub missed: u32,
    pub latency: Option<Percentiles>,
}

/// The whole run.
#[derive(Clone, Debug, Default)]
pub struct LoadReport {
    pub rate: u32,
    pub rate_source: &'static str,
    pub duration: Duration,
    pub snapshots: Vec<SnapshotFigures>,
    pub streams: Vec<StreamFigures>,
    pub events: Option<EventFigures>,
    /// What could not be measured, and why.
    pub notes: Vec<String>,
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

impl LoadReport {
    /// The report as a text table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "load: {} requests/s ({}), {:.0} s per measurement, latency from when each request was due",
            self.rate,
            self.rate_source,
            self.duration.as_secs_f64()
        );
        if !self.snapshots.is_empty() {
            let _ = writeln!(
                out,
                "\nsnapshot    sent     ok  errors   replies/s   p50 ms   p90 ms   p99 ms   max ms"
            );
            for s in &self.snapshots {
                let (p50, p90, p99, max) = s.latency.map_or_else(
                    || ("-".into(), "-".into(), "-".into(), "-".into()),
                    |l| (ms(l.p50), ms(l.p90), ms(l.p99), ms(l.max)),
                );
                let _ = writeln!(
                    out,
                    "{:<9} {:>6} {:>6} {:>7} {:>11.1} {:>8} {:>8} {:>8} {:>8}",
                    format!("{}x{}", s.width, s.height),
                    s.sent,
                    s.ok,
                    s.errors,
                    s.throughput,
                    p50,
                    p90,
                    p99,
                    max
                );
            }
        }
        if !self.streams.is_empty() {
            let _ = writeln!(out, "\nmjpeg      requested fps  achieved fps  frames");
            for s in &self.streams {
                let _ = writeln!(
                    out,
                    "{:<9} {:>14} {:>13.2} {:>7}{}",
                    format!("{}x{}", s.width, s.height),
                    s.requested_fps,
                    s.achieved_fps,
                    s.frames,
                    s.error
                        .as_deref()
                        .map(|e| format!("  ({e})"))
                        .unwrap_or_default()
                );
            }
        }
        if let Some(e) = &self.events {
            let _ = writeln!(
                out,
                "\nevents (switch {})  samples  missed   p50 ms   p90 ms   p99 ms   max ms",
                e.switch
            );
            let (p50, p90, p99, max) = e.latency.map_or_else(
                || ("-".into(), "-".into(), "-".into(), "-".into()),
                |l| (ms(l.p50), ms(l.p90), ms(l.p99), ms(l.max)),
            );
            let _ = writeln!(
                out,
                "{:<19} {:>8} {:>7} {:>8} {:>8} {:>8} {:>8}",
                "SwitchStateChanged", e.samples, e.missed, p50, p90, p99, max
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        out
    }

    /// Whether anything was measured at all.
    pub fn measured_anything(&self) -> bool {
        self.snapshots.iter().any(|s| s.ok > 0)
            || self.streams.iter().any(|s| s.frames > 0)
            || self.events.as_ref().is_some_and(|e| e.latency.is_some())
    }
}
