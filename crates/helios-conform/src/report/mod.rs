//! Reports: a summary table per service for the terminal, every failure with its curl line,
//! `results.ndjson` (one line per case, the source of truth, and a last line with the run's
//! summary), `junit.xml` for CI, `report.html` for a lab, and the evidence folder; the
//! directory as a sealed bundle: written fresh ([`bundle`]), `run.json` ([`record`]), a
//! manifest of every file signed with Ed25519 ([`seal`], [`keys`]).
//!
//! Every report takes the profile's text as the run read it: its passwords are masked in
//! everything written ([`secrets`]).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use quick_junit::{NonSuccessKind, Property, Report as JUnit, TestCase, TestCaseStatus, TestSuite};
use serde_json::json;

use crate::outcome::Outcome;
use crate::run::Report;
use crate::verdict::Verdict;

pub mod bundle;
pub mod html;
pub mod keys;
pub mod record;
pub mod seal;
pub mod secrets;
pub mod trace;

pub use secrets::{Secrets, Supply, mask_profile, restore_profile, sha256_hex};

/// The verdicts, in the order tables show them.
pub const VERDICTS: [&str; 7] = [
    "pass",
    "fail",
    "non-strict",
    "not-applicable",
    "skipped",
    "inconclusive",
    "error",
];

/// The terminal summary: counts per service and verdict, then each failure, the profile's
/// passwords masked.
pub fn summary(report: &Report, profile_text: &str) -> String {
    let secrets = Secrets::of_profile(profile_text);
    let verdicts = VERDICTS;
    let mut table: BTreeMap<&str, [usize; VERDICTS.len()]> = BTreeMap::new();
    for outcome in &report.outcomes {
        let row = table.entry(outcome.service).or_default();
        if let Some(at) = verdicts.iter().position(|v| *v == outcome.verdict.id()) {
            row[at] += 1;
        }
    }
    let mut out = format!("{:<12}", "service");
    for verdict in verdicts {
        let _ = write!(out, "{verdict:>15}");
    }
    out.push('\n');
    let mut totals = [0usize; VERDICTS.len()];
    for (service, row) in &table {
        let _ = write!(out, "{service:<12}");
        for (at, count) in row.iter().enumerate() {
            totals[at] += count;
            let _ = write!(out, "{count:>15}");
        }
        out.push('\n');
    }
    let _ = write!(out, "{:<12}", "total");
    for count in totals {
        let _ = write!(out, "{count:>15}");
    }
    out.push('\n');
    for outcome in report
        .outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Fail(_)) && o.known.is_none())
    {
        let _ = write!(
            out,
            "\nFAIL {}\n  expected: {}\n  observed: {}\n  why:      {}\n",
            outcome.id,
            secrets.text(&outcome.expected),
            secrets.text(&outcome.observed),
            secrets.text(&outcome.verdict.detail())
        );
        if let Some(exchange) = outcome.exchanges.last() {
            let _ = writeln!(out, "  reproduce: {}", secrets.curl(exchange));
            let _ = writeln!(
                out,
                "  replay:    cargo xtask conform replay {} --report-dir <DIR>",
                outcome.id
            );
        }
    }
    out
}

/// An instant in RFC 3339, UTC, to the millisecond: `2025-07-27T09:31:42.120Z`.
pub fn rfc3339(at: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The manual section of the function a case judges (`5.3.2`).
fn section(outcome: &Outcome) -> Option<&'static str> {
    helios_spec::function(outcome.function).map(|f| f.section.number)
}

fn ndjson_line(outcome: &Outcome, secrets: &Secrets) -> String {
    let mut line = json!({
        "id": outcome.id,
        "function": outcome.function,
        "service": outcome.service,
        "section": section(outcome),
        "check": outcome.check,
        "verdict": outcome.verdict.id(),
        "detail": secrets.text(&outcome.verdict.detail()),
        "expected": secrets.text(&outcome.expected),
        "observed": secrets.text(&outcome.observed),
        "timestamp": rfc3339(outcome.started),
        "duration": outcome.duration.as_secs_f64(),
        "requirements": outcome.requirements,
    });
    if let Verdict::NonStrict { erratum, .. } = &outcome.verdict {
        line["erratum"] = json!(erratum);
    }
    if let Some(known) = &outcome.known {
        line["known"] = json!({
            "entry": known.entry, "reason": known.reason, "link": known.link,
            "expires": known.expires,
        });
    }
    if let Some(exchange) = outcome.exchanges.last() {
        line["curl"] = json!(secrets.curl(exchange));
    }
    if let Some(replay) = &outcome.replay {
        let mut replay = replay.clone();
        secrets.json(&mut replay);
        line["replay"] = replay;
    }
    if !outcome.attempts.is_empty() {
        // A failure sent again to confirm it: every attempt, the first one's included.
        line["attempts"] = outcome
            .attempts
            .iter()
            .map(|attempt| {
                json!({
                    "verdict": attempt.verdict.id(),
                    "detail": secrets.text(&attempt.verdict.detail()),
                    "observed": secrets.text(&attempt.observed),
                })
            })
            .collect();
    }
    line.to_string()
}

/// How many cases had each verdict, in the order of [`VERDICTS`].
fn counts(report: &Report) -> serde_json::Map<String, serde_json::Value> {
    VERDICTS
        .iter()
        .map(|verdict| {
            let count = report
                .outcomes
                .iter()
                .filter(|o| o.verdict.id() == *verdict)
                .count();
            ((*verdict).to_owned(), json!(count))
        })
        .collect()
}

/// `results.ndjson`: one line per case (with the ids of the requirements it judges), then
/// `{"summary": {...}}`: the count of each verdict, the requirements judged, applicable and
/// failed (the coverage of `report.html`'s traceability view), the exit code, when the run
/// began and how long it took (seconds). The summary line has no `id`, so that readers looking
/// cases up by id pass it by.
pub fn ndjson(report: &Report, profile_text: &str, exit_code: i32) -> String {
    let secrets = Secrets::of_profile(profile_text);
    let mut text: String = report
        .outcomes
        .iter()
        .map(|o| ndjson_line(o, &secrets) + "\n")
        .collect();
    let mut summary = json!({"summary": {
        "cases": report.outcomes.len(),
        "counts": counts(report),
        "exitCode": exit_code,
        "timestamp": rfc3339(report.started),
        "duration": report.duration.as_secs_f64(),
    }});
    if let Some(setup) = &report.setup {
        summary["summary"]["setup"] = json!(secrets.text(&setup.to_string()));
    }
    if let Some(baseline) = &report.baseline {
        summary["summary"]["baseline"] = baseline.json();
    }
    let trace = trace::traceability(&report.outcomes, profile_text);
    summary["summary"]["requirements"] = json!({
        "judged": trace.judged,
        "applicable": trace.applicable,
        "failed": trace.rows.iter().filter(|r| r.status == "failed").count(),
    });
    text.push_str(&summary.to_string());
    text.push('\n');
    text
}

/// The command that sends a case again (`cargo xtask conform replay`), for the report in `dir`.
pub fn replay_command(id: &str, dir: &Path) -> String {
    let dir = dir.display().to_string();
    let plain = dir
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:@+=,".contains(c));
    let dir = if plain {
        dir
    } else {
        format!("'{}'", dir.replace('\'', "'\\''"))
    };
    format!("cargo xtask conform replay {id} --report-dir {dir}")
}

/// The body of a JUnit failure or error: what was expected and observed, why, the curl line
/// that reproduces it, and the replay command.
fn junit_body(outcome: &Outcome, secrets: &Secrets, dir: &Path) -> String {
    let mut body = format!(
        "expected: {}\nobserved: {}\nwhy:      {}\n",
        secrets.text(&outcome.expected),
        secrets.text(&outcome.observed),
        secrets.text(&outcome.verdict.detail())
    );
    if let Some(exchange) = outcome.exchanges.last() {
        let _ = writeln!(body, "reproduce: {}", secrets.curl(exchange));
    }
    let _ = writeln!(body, "replay:   {}", replay_command(&outcome.id, dir));
    body
}

/// `junit.xml`: one suite per service, one test case per case, each with its time and start
/// and a `requirement` property per requirement it judges; the report carries the run's start
/// and time, each suite when its first case began, the host the run ran on and the properties
/// that identify the run (seed, firmware, tool and manual versions, the profile's SHA-256, the
/// exit code).
/// Failures are `<failure>`, `error` and `inconclusive` verdicts `<error>` (their message opens
/// with the verdict), not applicable and skipped cases `<skipped>` whose message opens with
/// `not applicable:` or `skipped:`. `dir` is the report directory the replay commands name.
pub fn junit(
    report: &Report,
    profile_text: &str,
    exit_code: i32,
    dir: &Path,
) -> Result<String, quick_junit::SerializeError> {
    let secrets = Secrets::of_profile(profile_text);
    let timestamp = |at: SystemTime| chrono::DateTime::<chrono::Utc>::from(at).fixed_offset();
    let hostname = hostname::get()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "unknown".into());
    let properties = junit_properties(report, profile_text, exit_code);
    let mut junit = JUnit::new("helios-conform");
    junit.set_timestamp(timestamp(report.started));
    junit.set_time(report.duration);
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for outcome in &report.outcomes {
        let suite = suites.entry(outcome.service).or_insert_with(|| {
            let mut suite = TestSuite::new(outcome.service);
            suite.set_timestamp(timestamp(outcome.started));
            suite.set_time(std::time::Duration::ZERO);
            suite
                .extra
                .insert("hostname".into(), hostname.as_str().into());
            for (name, value) in &properties {
                suite.add_property(Property::new(*name, secrets.text(value)));
            }
            suite
        });
        suite.time = Some(suite.time.unwrap_or_default() + outcome.duration);
        let mut case = TestCase::new(outcome.id.clone(), junit_status(outcome, &secrets, dir));
        case.set_classname(outcome.function);
        case.set_time(outcome.duration);
        case.set_timestamp(timestamp(outcome.started));
        for id in &outcome.requirements {
            case.add_property(Property::new("requirement", id.as_str()));
        }
        if let Verdict::NonStrict { erratum, why } = &outcome.verdict {
            case.set_system_out(format!(
                "non-strict (erratum {erratum}): {}",
                secrets.text(why)
            ));
        }
        suite.add_test_case(case);
    }
    junit.add_test_suites(suites.into_values());
    junit.to_string()
}

/// The properties that identify the run, in every suite of `junit.xml`.
fn junit_properties(
    report: &Report,
    profile_text: &str,
    exit_code: i32,
) -> [(&'static str, String); 9] {
    [
        ("seed", report.seed.to_string()),
        ("cases", report.cases.to_string()),
        (
            "firmware",
            report
                .discovered
                .sw_version
                .clone()
                .unwrap_or_else(|| "unknown".into()),
        ),
        (
            "device",
            report
                .discovered
                .variant
                .clone()
                .unwrap_or_else(|| "unknown".into()),
        ),
        ("tool", "helios-conform".into()),
        ("tool.version", env!("CARGO_PKG_VERSION").into()),
        ("manual.version", helios_spec::MANUAL_VERSION.to_string()),
        ("profile.sha256", sha256_hex(profile_text.as_bytes())),
        ("exit.code", exit_code.to_string()),
    ]
}

/// A case's verdict as JUnit has it: success, `<failure>`, `<error>` or `<skipped>`.
fn junit_status(outcome: &Outcome, secrets: &Secrets, dir: &Path) -> TestCaseStatus {
    let detail = secrets.text(&outcome.verdict.detail());
    if let Some(known) = &outcome.known {
        // A departure the baseline accepts: skipped, so that CI annotates new departures only.
        let mut status = TestCaseStatus::skipped();
        status.set_message(format!(
            "known {} (baseline `{}`, until {}): {}{}: {detail}",
            outcome.verdict.id(),
            known.entry,
            known.expires,
            known.reason,
            if known.link.is_empty() {
                String::new()
            } else {
                format!(" {}", known.link)
            },
        ));
        status.set_type("known");
        return status;
    }
    match &outcome.verdict {
        Verdict::Pass | Verdict::NonStrict { .. } => TestCaseStatus::success(),
        Verdict::Fail(_) | Verdict::Inconclusive(_) | Verdict::Error(_) => {
            let kind = if matches!(outcome.verdict, Verdict::Fail(_)) {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut status = TestCaseStatus::non_success(kind);
            status.set_message(format!("{}: {detail}", outcome.verdict.id()));
            status.set_type(outcome.verdict.id());
            status.set_description(junit_body(outcome, secrets, dir));
            status
        }
        Verdict::NotApplicable(_) => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(format!("not applicable: {detail}"));
            status
        }
        Verdict::Skipped(_) => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(format!("skipped: {detail}"));
            status
        }
    }
}

/// Why a report could not be written, with the error that stopped it.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file or a folder could not be written.
    #[error("{}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `junit.xml` could not be serialised.
    #[error("junit.xml: {0}")]
    JUnit(#[from] quick_junit::SerializeError),
    /// `report.html` could not be rendered.
    #[error("report.html: {0}")]
    Html(#[from] askama::Error),
    /// An evidence record could not be serialised.
    #[error("evidence: {0}")]
    Json(#[from] serde_json::Error),
}

/// Creates the folder `path` and those above it.
fn create_dir(path: &Path) -> Result<(), ReportError> {
    std::fs::create_dir_all(path).map_err(|source| ReportError::Write {
        path: path.to_owned(),
        source,
    })
}

/// Writes `bytes` to the file `path`.
fn write_file(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), ReportError> {
    std::fs::write(path, bytes).map_err(|source| ReportError::Write {
        path: path.to_owned(),
        source,
    })
}

/// Writes `results.ndjson`, `junit.xml` and `report.html` into `dir`. `profile_text` is the
/// profile as the run read it (hashed into the JUnit properties; its passwords masked in every
/// report), `exit_code` the run's (recorded in the NDJSON summary and the JUnit properties).
pub fn write(
    report: &Report,
    dir: &Path,
    target: &crate::options::Target,
    profile_text: &str,
    exit_code: i32,
) -> Result<(), ReportError> {
    create_dir(dir)?;
    write_file(
        &dir.join("results.ndjson"),
        ndjson(report, profile_text, exit_code),
    )?;
    write_file(
        &dir.join("junit.xml"),
        junit(report, profile_text, exit_code, dir)?,
    )?;
    write_file(
        &dir.join("report.html"),
        html::render(report, target, profile_text, dir)?,
    )?;
    Ok(())
}

/// The evidence folder a lab hands over: the profile used (each password as its SHA-256), the
/// device's identity, the tool's version, every exchange of every case (request and response,
/// bytes in base64, with its curl line); [`seal::seal`] then lists it in the directory's
/// manifest with every other file. The profile's passwords are masked in the bytes kept, Basic
/// credentials too; an exchange whose bytes differ from the wire's for it says
/// `"masked": true`.
pub fn write_evidence(
    report: &Report,
    dir: &Path,
    profile_text: &str,
    target: &crate::options::Target,
) -> Result<(), ReportError> {
    let secrets = Secrets::of_profile(profile_text);
    let evidence = dir.join("evidence");
    create_dir(&evidence.join("exchanges"))?;
    create_dir(&evidence.join("attachments"))?;
    let mut files = run_records(report, profile_text, target, &secrets)?;
    for outcome in &report.outcomes {
        for (name, text) in &outcome.attachments {
            files.push((
                format!("attachments/{}.{name}", outcome.id),
                secrets.text(text).into_bytes(),
            ));
        }
        if outcome.exchanges.is_empty() {
            continue;
        }
        let record = json!({
            "id": outcome.id,
            "verdict": outcome.verdict.id(),
            "exchanges": exchange_records(outcome, &secrets),
        });
        files.push((
            format!("exchanges/{}.json", outcome.id),
            serde_json::to_vec_pretty(&record)?,
        ));
    }
    for (name, bytes) in &files {
        write_file(&evidence.join(name), bytes)?;
    }
    Ok(())
}

/// The evidence files about the run as a whole: the profile, the tool, the target and the
/// device, each with its name in the evidence folder.
fn run_records(
    report: &Report,
    profile_text: &str,
    target: &crate::options::Target,
    secrets: &Secrets,
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let masked_json = |mut value: serde_json::Value| -> Result<Vec<u8>, ReportError> {
        secrets.json(&mut value);
        Ok(serde_json::to_vec_pretty(&value)?)
    };
    Ok(vec![
        (
            "profile.toml".into(),
            mask_profile(profile_text).into_bytes(),
        ),
        (
            "tool.json".into(),
            masked_json(json!({
                "tool": "helios-conform",
                "version": env!("CARGO_PKG_VERSION"),
                "manual": helios_spec::MANUAL_VERSION.to_string(),
                "seed": report.seed,
                "cases": report.cases,
                "allow": report.allow.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "profileSha256": sha256_hex(profile_text.as_bytes()),
            }))?,
        ),
        (
            "target.json".into(),
            masked_json(
                json!({"http": target.http, "https": target.https, "insecure": target.insecure}),
            )?,
        ),
        (
            "device.json".into(),
            masked_json(json!({
                "variant": report.discovered.variant,
                "swVersion": report.discovered.sw_version,
                "switches": report.discovered.switches,
                "outputs": report.discovered.outputs,
                "inputs": report.discovered.inputs,
                "resolutions": report.discovered.resolutions,
                "sources": report.discovered.sources,
                "displays": report.discovered.displays,
                "events": report.discovered.events,
            }))?,
        ),
    ])
}

/// Each exchange of a case, its bytes masked and in base64, with its curl line.
fn exchange_records(outcome: &Outcome, secrets: &Secrets) -> Vec<serde_json::Value> {
    use base64::Engine as _;

    let base64 = base64::engine::general_purpose::STANDARD;
    outcome
        .exchanges
        .iter()
        .map(|exchange| {
            let masked = secrets.exchange(exchange);
            let request = masked.request_bytes();
            let response = masked.response_bytes();
            let mut record = json!({
                "request": base64.encode(&request),
                "response": base64.encode(&response),
                "elapsedMs": exchange.elapsed.as_millis(),
                "curl": masked.to_curl(),
                // What the curl line is made of, so that a stored run reads back whole.
                "curlAuth": masked.curl_auth,
                "insecure": masked.insecure,
            });
            if request != exchange.request_bytes() || response != exchange.response_bytes() {
                record["masked"] = json!(true);
            }
            record
        })
        .collect()
}
