//! The aggregate of a fleet run, beside the devices' report directories in `OUT`: `index.html`
//! (a device × service matrix of verdict counts, each device linking to its `report.html`,
//! setup errors with their message, the faulty devices and their failing cases), a merged
//! `results.ndjson` (every case line with a `device` field, then one summary line) and
//! `junit.xml` (one testsuite per device).
//!
//! It is read back from the devices' sealed directories (their `results.ndjson`, or
//! `setup.json` when the preflight stopped the run), never from memory, so that it says exactly
//! what the devices' own reports say; their passwords were masked there already.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use askama::Template;
use quick_junit::{NonSuccessKind, Property, Report as JUnit, TestCase, TestCaseStatus, TestSuite};
use serde_json::{Value, json};

use crate::history::{StoredCase, StoredRun};
use crate::report::{ReportError, VERDICTS};
use crate::verdict::{EXIT_FAIL, EXIT_PASS, EXIT_SETUP, EXIT_UNDECIDED, EXIT_USAGE};

/// One device of the fleet, read back from its report directory `OUT/<name>/`.
#[derive(Clone, Debug)]
pub struct DeviceResult {
    pub name: String,
    pub exit_code: i32,
    /// The setup error that stopped the run (the preflight's, or a device that stopped
    /// answering), as its report says it.
    pub setup: Option<String>,
    /// The cases judged, in order (none when the preflight stopped the run).
    pub cases: Vec<StoredCase>,
    /// The model and firmware the device reported (its `run.json`), when it answered.
    pub variant: Option<String>,
    pub firmware: Option<String>,
}

/// Why a device's report directory could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Run(#[from] crate::history::HistoryError),
    #[error("{path}: {why}")]
    Setup { path: String, why: String },
}

impl DeviceResult {
    /// Reads `out/name`: its `results.ndjson`, or else its `setup.json`.
    pub fn read(out: &Path, name: &str) -> Result<Self, ReadError> {
        let dir = out.join(name);
        if dir.join("results.ndjson").exists() {
            let run = StoredRun::read(&dir)?;
            let code = run.summary["exitCode"].as_i64().unwrap_or(-1);
            let record: Value = std::fs::read_to_string(dir.join(crate::report::bundle::RUN))
                .ok()
                .and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or_default();
            let device = |key: &str| record["device"][key].as_str().map(str::to_owned);
            return Ok(Self {
                name: name.to_owned(),
                exit_code: i32::try_from(code).unwrap_or(-1),
                setup: run.summary["setup"].as_str().map(str::to_owned),
                cases: run.cases,
                variant: device("variant"),
                firmware: device("firmware"),
            });
        }
        let path = dir.join("setup.json");
        let bad = |why: String| ReadError::Setup {
            path: path.display().to_string(),
            why,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| bad(e.to_string()))?;
        let record: Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let message = record["setup"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                let text = |key: &str| e[key].as_str().unwrap_or_default().to_owned();
                format!("{}: {} (fix: {})", text("what"), text("cause"), text("fix"))
            })
            .collect::<Vec<_>>()
            .join("; ");
        Ok(Self {
            name: name.to_owned(),
            exit_code: record["exitCode"]
                .as_i64()
                .and_then(|c| i32::try_from(c).ok())
                .unwrap_or(EXIT_SETUP),
            setup: Some(message),
            cases: Vec::new(),
            variant: None,
            firmware: None,
        })
    }

    /// The device's report, relative to the fleet's directory: its `report.html`, or its
    /// `setup.json` when the preflight stopped the run.
    pub fn report(&self) -> String {
        let file = if self.cases.is_empty() && self.setup.is_some() {
            "setup.json"
        } else {
            "report.html"
        };
        format!("{}/{file}", self.name)
    }

    /// The cases that failed.
    pub fn failures(&self) -> impl Iterator<Item = &StoredCase> {
        self.cases.iter().filter(|c| c.verdict == "fail")
    }

    /// How many cases had each verdict, in the order of [`VERDICTS`].
    fn counts(&self) -> [usize; VERDICTS.len()] {
        let mut counts = [0; VERDICTS.len()];
        for case in &self.cases {
            if let Some(at) = VERDICTS.iter().position(|v| *v == case.verdict) {
                counts[at] += 1;
            }
        }
        counts
    }
}

/// The fleet's exit code from its devices': 1 when any device departs from the manual; else
/// 4 when any had a setup error; else 3 when any had a usage error (a run that sent no request
/// case); else 2 when any stands undecided; else 0. A fleet of no device is a usage error.
pub fn exit_code(codes: &[i32]) -> i32 {
    if codes.is_empty() {
        return EXIT_USAGE;
    }
    [EXIT_FAIL, EXIT_SETUP, EXIT_USAGE, EXIT_UNDECIDED]
        .into_iter()
        .find(|code| codes.contains(code))
        .unwrap_or_else(|| codes.iter().copied().max().unwrap_or(EXIT_PASS))
}

fn counts_json(counts: &[usize; VERDICTS.len()]) -> serde_json::Map<String, Value> {
    VERDICTS
        .iter()
        .zip(counts)
        .map(|(verdict, count)| ((*verdict).to_owned(), json!(count)))
        .collect()
}

/// The merged `results.ndjson`: every device's case lines in inventory order, each with a
/// `device` field, then `{"summary": {...}}`: the fleet's exit code, the overall counts and per
/// device its exit code, counts and setup error.
pub fn ndjson(devices: &[DeviceResult], exit_code: i32) -> String {
    let mut text = String::new();
    let mut overall = [0usize; VERDICTS.len()];
    let mut summaries = Vec::new();
    for device in devices {
        for case in &device.cases {
            let mut line = case.line.clone();
            line["device"] = json!(device.name);
            text.push_str(&line.to_string());
            text.push('\n');
        }
        let counts = device.counts();
        for (total, count) in overall.iter_mut().zip(counts) {
            *total += count;
        }
        let mut summary = json!({
            "name": device.name,
            "exitCode": device.exit_code,
            "cases": device.cases.len(),
            "counts": counts_json(&counts),
            "report": device.report(),
        });
        if let Some(setup) = &device.setup {
            summary["setup"] = json!(setup);
        }
        summaries.push(summary);
    }
    let summary = json!({"summary": {
        "devices": summaries,
        "cases": overall.iter().sum::<usize>(),
        "counts": counts_json(&overall),
        "exitCode": exit_code,
    }});
    text.push_str(&summary.to_string());
    text.push('\n');
    text
}

/// The text of a failure or error in JUnit, as a device's own `junit.xml` has it.
fn junit_body(case: &StoredCase) -> String {
    let text = |key: &str| case.line[key].as_str().unwrap_or_default().to_owned();
    let mut body = format!(
        "expected: {}\nobserved: {}\nwhy:      {}\n",
        text("expected"),
        text("observed"),
        case.why
    );
    if let Some(curl) = case.line["curl"].as_str() {
        body.push_str(&format!("reproduce: {curl}\n"));
    }
    body
}

/// A stored case's verdict as JUnit has it (as `report::junit` writes a device's).
fn junit_status(case: &StoredCase) -> TestCaseStatus {
    match case.verdict.as_str() {
        "fail" | "inconclusive" | "error" => {
            let kind = if case.verdict == "fail" {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut status = TestCaseStatus::non_success(kind);
            status.set_message(format!("{}: {}", case.verdict, case.why));
            status.set_type(case.verdict.as_str());
            status.set_description(junit_body(case));
            status
        }
        "not-applicable" | "skipped" => {
            let mut status = TestCaseStatus::skipped();
            let label = case.verdict.replace('-', " ");
            status.set_message(format!("{label}: {}", case.why));
            status
        }
        _ => TestCaseStatus::success(),
    }
}

/// `junit.xml`: one testsuite per device, named after it, with its exit code and report as
/// properties; a device with a setup error has one `setup` case in error with the message.
pub fn junit(devices: &[DeviceResult]) -> Result<String, quick_junit::SerializeError> {
    let mut junit = JUnit::new("helios-conform fleet");
    for device in devices {
        let mut suite = TestSuite::new(device.name.as_str());
        suite.add_property(Property::new("exit.code", device.exit_code.to_string()));
        suite.add_property(Property::new("report", device.report()));
        let mut time = std::time::Duration::ZERO;
        for case in &device.cases {
            let mut test = TestCase::new(case.id.as_str(), junit_status(case));
            test.set_classname(format!("{}.{}", device.name, case.function));
            if let Some(seconds) = case.line["duration"].as_f64() {
                let duration = std::time::Duration::from_secs_f64(seconds.max(0.0));
                test.set_time(duration);
                time += duration;
            }
            suite.add_test_case(test);
        }
        if let Some(setup) = &device.setup {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(format!("setup: {setup}"));
            status.set_type("setup");
            let mut test = TestCase::new("setup", status);
            test.set_classname(device.name.as_str());
            suite.add_test_case(test);
        }
        suite.set_time(time);
        junit.add_test_suite(suite);
    }
    junit.to_string()
}

struct Row {
    name: String,
    report: String,
    /// The model and firmware it reported, `-` when it did not answer.
    variant: String,
    firmware: String,
    exit_code: i32,
    setup: Option<String>,
    /// Whether any case was judged (else the setup error stands alone in the row).
    judged: bool,
    /// Per service of the matrix: the verdicts with a count, and whether one is a failure.
    cells: Vec<(String, bool)>,
}

struct Faulty {
    name: String,
    failures: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "fleet.html")]
struct Page {
    overall: String,
    overall_class: &'static str,
    services: Vec<String>,
    rows: Vec<Row>,
    faulty: Vec<Faulty>,
    devices: usize,
    tool_version: &'static str,
}

/// One cell of the matrix: each verdict with its count (`12 pass, 1 fail`), `-` for none.
fn cell(cases: &[&StoredCase]) -> (String, bool) {
    let shown: Vec<String> = VERDICTS
        .iter()
        .filter_map(|verdict| {
            let count = cases.iter().filter(|c| c.verdict == *verdict).count();
            (count > 0).then(|| format!("{count} {verdict}"))
        })
        .collect();
    let failing = cases.iter().any(|c| c.verdict == "fail");
    if shown.is_empty() {
        ("-".into(), false)
    } else {
        (shown.join(", "), failing)
    }
}

/// What the fleet's exit code says, in words, and its style.
fn overall(exit_code: i32) -> (&'static str, &'static str) {
    match exit_code {
        EXIT_PASS => ("PASS: no device departs from the manual", "pass"),
        EXIT_FAIL => ("FAIL: at least one device departs from the manual", "fail"),
        EXIT_SETUP => (
            "SETUP ERROR: no device departs, but at least one could not be judged",
            "setup",
        ),
        EXIT_USAGE => ("USAGE ERROR: a device's run sent no request case", "setup"),
        _ => (
            "UNDECIDED: nothing failed, but some cases stand undecided",
            "undecided",
        ),
    }
}

/// `index.html`: the matrix, the setup errors and the faulty devices with their failing cases.
pub fn html(devices: &[DeviceResult], exit_code: i32) -> Result<String, askama::Error> {
    let services: Vec<String> = devices
        .iter()
        .flat_map(|d| d.cases.iter().map(|c| c.service.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rows = devices
        .iter()
        .map(|device| {
            let mut by_service: BTreeMap<&str, Vec<&StoredCase>> = BTreeMap::new();
            for case in &device.cases {
                by_service.entry(&case.service).or_default().push(case);
            }
            Row {
                name: device.name.clone(),
                report: device.report(),
                variant: device.variant.clone().unwrap_or_else(|| "-".into()),
                firmware: device.firmware.clone().unwrap_or_else(|| "-".into()),
                exit_code: device.exit_code,
                setup: device.setup.clone(),
                judged: !device.cases.is_empty(),
                cells: (services.iter())
                    .map(|s| cell(by_service.get(s.as_str()).map_or(&[][..], Vec::as_slice)))
                    .collect(),
            }
        })
        .collect();
    let faulty = devices
        .iter()
        .filter(|d| d.failures().next().is_some())
        .map(|d| Faulty {
            name: d.name.clone(),
            failures: (d.failures())
                .map(|c| (c.id.clone(), c.function.clone(), c.why.clone()))
                .collect(),
        })
        .collect();
    let (overall, overall_class) = overall(exit_code);
    Page {
        overall: format!("{overall} (exit {exit_code})"),
        overall_class,
        services,
        rows,
        faulty,
        devices: devices.len(),
        tool_version: env!("CARGO_PKG_VERSION"),
    }
    .render()
}

/// Writes `index.html`, `results.ndjson` and `junit.xml` into `out`.
pub fn write(out: &Path, devices: &[DeviceResult], exit_code: i32) -> Result<(), ReportError> {
    let write = |name: &str, bytes: &[u8]| {
        let path = out.join(name);
        std::fs::write(&path, bytes).map_err(|source| ReportError::Write { path, source })
    };
    write("results.ndjson", ndjson(devices, exit_code).as_bytes())?;
    write("junit.xml", junit(devices)?.as_bytes())?;
    write("index.html", html(devices, exit_code)?.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::exit_code;

    #[test]
    fn a_departure_outranks_a_setup_error_which_outranks_the_rest() {
        assert_eq!(exit_code(&[0, 4, 1, 2]), 1);
        assert_eq!(exit_code(&[0, 4, 2, 3]), 4);
        assert_eq!(exit_code(&[0, 2, 3]), 3);
        assert_eq!(exit_code(&[0, 2, 0]), 2);
        assert_eq!(exit_code(&[0, 0]), 0);
        assert_eq!(exit_code(&[]), 3);
    }
}
