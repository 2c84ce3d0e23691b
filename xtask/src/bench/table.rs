//! One table from the benchmarks' results: criterion's estimates (`<group>/<bench>/new/` under
//! the criterion directory) as throughputs beside their baselines with the ratio, and the figures
//! the `harness = false` benches wrote.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Result;
use serde_json::Value;

/// A measured throughput: so many units a second.
#[derive(Clone, Copy, Debug)]
struct Rate {
    per_second: f64,
    /// Elements, or bytes when false.
    elements: bool,
    /// Mean time of one iteration, in nanoseconds.
    mean_ns: f64,
}

impl Rate {
    fn show(self, unit: &str) -> String {
        if self.elements {
            format!("{} {unit}", thousands(self.per_second))
        } else {
            format!("{:.1} MiB/s", self.per_second / f64::from(1 << 20))
        }
    }
}

fn thousands(value: f64) -> String {
    let whole = format!("{:.0}", value);
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Whether `path` was written since `since` (any time when `since` is `None`).
fn fresh(path: &Path, since: Option<SystemTime>) -> bool {
    let Some(since) = since else {
        return path.exists();
    };
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|modified| modified >= since)
}

/// The rate of the bench at `id` (`group/function/parameter`).
fn rate(home: &Path, id: &str, since: Option<SystemTime>) -> Option<Rate> {
    let dir = home.join(id).join("new");
    let estimates = dir.join("estimates.json");
    if !fresh(&estimates, since) {
        return None;
    }
    let mean_ns = read_json(&estimates)?["mean"]["point_estimate"].as_f64()?;
    let benchmark = read_json(&dir.join("benchmark.json"))?;
    let throughput = &benchmark["throughput"];
    let (amount, elements) = match (
        throughput["Elements"].as_f64(),
        throughput["Bytes"].as_f64(),
    ) {
        (Some(n), _) => (n, true),
        (None, Some(n)) => (n, false),
        (None, None) => (1.0, true),
    };
    Some(Rate {
        per_second: amount / (mean_ns * 1e-9),
        elements,
        mean_ns,
    })
}

/// The parameters of a bench function that has some (`encode/160x120`, ...), smallest first.
fn parameters(home: &Path, group_function: &str) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(home.join(group_function))
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().join("new").is_dir())
                .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let pixels = |p: &String| -> u64 {
        p.split('x')
            .map(|n| n.parse::<u64>().unwrap_or(0))
            .product()
    };
    found.sort_by_key(pixels);
    found
}

struct Table(String);

impl Table {
    fn row(&mut self, name: &str, measured: &str, baseline: &str, ratio: &str, goal: &str) {
        let _ = writeln!(
            self.0,
            "{name:<40} {measured:>20} {baseline:>20} {ratio:>7}  {goal}"
        );
    }

    /// A measured bench beside its baseline.
    fn pair(
        &mut self,
        name: &str,
        measured: Option<Rate>,
        baseline: Option<Rate>,
        unit: &str,
        goal: &str,
    ) {
        let Some(measured) = measured else {
            return;
        };
        let ratio = baseline.map_or_else(
            || "-".into(),
            |b| format!("{:.3}", measured.per_second / b.per_second),
        );
        let baseline = baseline.map_or_else(|| "-".into(), |b| b.show(unit));
        self.row(name, &measured.show(unit), &baseline, &ratio, goal);
    }
}

/// The machine the figures were measured on.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "an unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{cores} cores, {cpu}")
}

pub(crate) fn render(home: &Path, figures: &Path, since: Option<SystemTime>) -> Result<String> {
    let mut t = Table(String::new());
    let _ = writeln!(t.0, "\nbenchmarks on {} (criterion means)", machine());
    t.row("benchmark", "measured", "baseline", "ratio", "goal");
    criterion_rows(&mut t, home, since);
    harness_rows(&mut t, figures, since);
    Ok(t.0)
}

/// The criterion benches: each beside its baseline.
fn criterion_rows(t: &mut Table, home: &Path, since: Option<SystemTime>) {
    let r = |id: &str| rate(home, id, since);
    t.pair(
        "snapshot 640x480, 4 keep-alive clients",
        r("snapshot/device/640x480"),
        r("snapshot/baseline/640x480"),
        "replies/s",
        "one side after the other: see the interleaved row",
    );
    for resolution in parameters(home, "snapshot-encoding/encode") {
        t.pair(
            &format!("encode a frame {resolution}"),
            r(&format!("snapshot-encoding/encode/{resolution}")),
            None,
            "frames/s",
            "",
        );
    }
    if let Some(join) = r("snapshot-encoding/join/640x480") {
        t.row(
            "a client joins an encoded frame 640x480",
            &format!("{:.2} µs", join.mean_ns / 1000.0),
            "-",
            "-",
            "no encoding (asserted)",
        );
    }
    for channels in [1, 10, 100] {
        t.pair(
            &format!("events raised to log/pull, {channels} ch"),
            r(&format!("events/device/{channels}")),
            r(&format!("events/baseline/{channels}")),
            "events/s",
            if channels == 1 {
                ">= 100,000 events/s"
            } else {
                ""
            },
        );
    }
    for parser in [
        "query",
        "urlencoded",
        "multipart",
        "json-strict",
        "json-lenient",
    ] {
        t.pair(
            &format!("parse {parser}"),
            r(&format!("parsers-{parser}/helios")),
            r(&format!("parsers-{parser}/baseline")),
            "",
            "",
        );
    }
}

/// The figures the `harness = false` benches wrote.
fn harness_rows(t: &mut Table, figures: &Path, since: Option<SystemTime>) {
    let harness = |name: &str| -> Option<Value> {
        let path: PathBuf = figures.join(format!("{name}.json"));
        fresh(&path, since).then(|| read_json(&path)).flatten()
    };
    if let Some(snapshot) = harness("snapshot") {
        let figure = |key: &str| snapshot[key].as_f64().unwrap_or(0.0);
        t.row(
            &format!(
                "snapshot 640x480, {} interleaved rounds",
                snapshot["rounds"].as_u64().unwrap_or(0)
            ),
            &format!("{} replies/s", thousands(figure("device_per_second"))),
            &format!("{} replies/s", thousands(figure("ceiling_per_second"))),
            &format!("{:.3}", figure("median_ratio")),
            &format!(
                "ratio >= 0.9 (median, 95% confidence {:.3} to {:.3}; rounds {:.2} to {:.2})",
                figure("median_low"),
                figure("median_high"),
                figure("lowest_ratio"),
                figure("highest_ratio")
            ),
        );
    }
    if let Some(mjpeg) = harness("mjpeg") {
        let held = mjpeg["most_streams_held"].as_u64().unwrap_or(0);
        let capped = mjpeg["capped"].as_bool().unwrap_or(false);
        t.row(
            "fps=15 640x480 streams held within 2%",
            &format!("{held}{}", if capped { "+" } else { "" }),
            "-",
            "-",
            "report the most",
        );
    }
    if let Some(fleet) = harness("fleet") {
        fleet_row(t, &fleet);
    }
    if let Some(memory) = harness("memory") {
        let mib = |key: &str| memory[key].as_f64().unwrap_or(0.0) / f64::from(1 << 20);
        t.row(
            "resident, 10,000 events + 1,000 channels",
            &format!("{:.1} MiB", mib("resident_bytes")),
            &format!("{:.1} MiB", mib("before_bytes")),
            "-",
            &format!(
                "<= {:.0} MiB (baseline: before the device)",
                mib("bound_bytes")
            ),
        );
    }
}

/// The fleet bench: twenty devices in one run against one device's run.
fn fleet_row(t: &mut Table, fleet: &Value) {
    let figure = |key: &str| fleet[key].as_f64().unwrap_or(0.0);
    let suite = fleet["only"]
        .as_str()
        .map_or_else(|| "whole suite".to_owned(), |o| format!("--only {o}"));
    t.row(
        &format!(
            "fleet of {}, {suite}, --jobs {}",
            fleet["devices"].as_u64().unwrap_or(0),
            fleet["jobs"].as_u64().unwrap_or(0)
        ),
        &format!("{:.1} s", figure("fleet_seconds")),
        &format!("{:.1} s (1 device)", figure("single_seconds")),
        &format!("{:.2}", figure("ratio")),
        &format!(
            "ratio <= 3 on 2 cores (measured on {})",
            fleet["cores"].as_u64().unwrap_or(0)
        ),
    );
}
