//! Reports: a summary table per service for the terminal, every failure with its curl line,
//! `results.ndjson` (one line per case, the source of truth), `junit.xml` for CI, `report.html`
//! for a lab, and the evidence folder.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde_json::json;

use crate::run::{Outcome, Run};
use crate::verdict::Verdict;

pub mod html;

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

/// The terminal summary: counts per service and verdict, then each failure.
pub fn summary(run: &Run) -> String {
    let verdicts = VERDICTS;
    let mut table: BTreeMap<&str, [usize; VERDICTS.len()]> = BTreeMap::new();
    for outcome in &run.outcomes {
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
    for outcome in run
        .outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Fail(_)))
    {
        let _ = write!(
            out,
            "\nFAIL {}\n  expected: {}\n  observed: {}\n  why:      {}\n",
            outcome.id,
            outcome.expected,
            outcome.observed,
            outcome.verdict.detail()
        );
        if let Some(exchange) = outcome.exchanges.last() {
            let _ = writeln!(out, "  reproduce: {}", exchange.to_curl());
            let _ = writeln!(
                out,
                "  replay:    cargo xtask conform replay {} --report-dir <DIR>",
                outcome.id
            );
        }
    }
    out
}

fn ndjson_line(outcome: &Outcome) -> String {
    let mut line = json!({
        "id": outcome.id,
        "function": outcome.function,
        "check": outcome.check,
        "verdict": outcome.verdict.id(),
        "detail": outcome.verdict.detail(),
        "expected": outcome.expected,
        "observed": outcome.observed,
    });
    if let Verdict::NonStrict { erratum, .. } = &outcome.verdict {
        line["erratum"] = json!(erratum);
    }
    if let Some(exchange) = outcome.exchanges.last() {
        line["curl"] = json!(exchange.to_curl());
    }
    if let Some(replay) = &outcome.replay {
        line["replay"] = replay.clone();
    }
    line.to_string()
}

/// `results.ndjson`.
pub fn ndjson(run: &Run) -> String {
    run.outcomes.iter().map(|o| ndjson_line(o) + "\n").collect()
}

/// `junit.xml`: one suite per service, one test case per case.
pub fn junit(run: &Run) -> Result<String, quick_junit::SerializeError> {
    let mut report = Report::new("helios-conform");
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for outcome in &run.outcomes {
        let suite = suites
            .entry(outcome.service)
            .or_insert_with(|| TestSuite::new(outcome.service));
        let status = match &outcome.verdict {
            Verdict::Pass | Verdict::NonStrict { .. } => TestCaseStatus::success(),
            Verdict::Fail(why) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(why.clone());
                status.set_description(format!(
                    "expected {}; observed {}",
                    outcome.expected, outcome.observed
                ));
                status
            }
            Verdict::Inconclusive(why) | Verdict::Error(why) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                status.set_message(why.clone());
                status
            }
            Verdict::NotApplicable(why) | Verdict::Skipped(why) => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(why.clone());
                status
            }
        };
        let mut case = TestCase::new(outcome.id.clone(), status);
        case.set_classname(outcome.function);
        if let Verdict::NonStrict { erratum, why } = &outcome.verdict {
            case.set_system_out(format!("non-strict (erratum {erratum}): {why}"));
        }
        suite.add_test_case(case);
    }
    report.add_test_suites(suites.into_values());
    report.to_string()
}

/// Writes `results.ndjson`, `junit.xml` and `report.html` into `dir`.
pub fn write(run: &Run, dir: &Path, target: &crate::run::Target) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("results.ndjson"), ndjson(run))?;
    std::fs::write(dir.join("junit.xml"), junit(run)?)?;
    std::fs::write(dir.join("report.html"), html::render(run, target)?)?;
    Ok(())
}

/// The evidence folder a lab hands over: the profile used, the device's identity, the tool's
/// version, every exchange of every case (request and response, bytes in base64, with its curl
/// line), and `manifest.sha256` over all of it in `sha256sum -c` form.
pub fn write_evidence(
    run: &Run,
    dir: &Path,
    profile_text: &str,
    target: &crate::run::Target,
) -> anyhow::Result<()> {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};

    let evidence = dir.join("evidence");
    let exchanges = evidence.join("exchanges");
    std::fs::create_dir_all(&exchanges)?;
    std::fs::create_dir_all(evidence.join("attachments"))?;
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("profile.toml".into(), profile_text.as_bytes().to_vec()),
        (
            "tool.json".into(),
            serde_json::to_vec_pretty(&json!({
                "tool": "helios-conform",
                "version": env!("CARGO_PKG_VERSION"),
                "manual": helios_spec::MANUAL_VERSION.to_string(),
                "seed": run.seed,
                "cases": run.cases,
                "allow": run.allow.iter().map(ToString::to_string).collect::<Vec<_>>(),
            }))?,
        ),
        (
            "target.json".into(),
            serde_json::to_vec_pretty(
                &json!({"http": target.http, "https": target.https, "insecure": target.insecure}),
            )?,
        ),
        (
            "device.json".into(),
            serde_json::to_vec_pretty(&json!({
                "variant": run.discovered.variant,
                "swVersion": run.discovered.sw_version,
                "switches": run.discovered.switches,
                "outputs": run.discovered.outputs,
                "inputs": run.discovered.inputs,
                "resolutions": run.discovered.resolutions,
                "sources": run.discovered.sources,
                "displays": run.discovered.displays,
                "events": run.discovered.events,
            }))?,
        ),
    ];
    let base64 = base64::engine::general_purpose::STANDARD;
    for outcome in &run.outcomes {
        for (name, text) in &outcome.attachments {
            files.push((
                format!("attachments/{}.{name}", outcome.id),
                text.clone().into_bytes(),
            ));
        }
        if outcome.exchanges.is_empty() {
            continue;
        }
        let exchanges: Vec<serde_json::Value> = outcome
            .exchanges
            .iter()
            .map(|exchange| {
                json!({
                    "request": base64.encode(exchange.request_bytes()),
                    "response": base64.encode(exchange.response_bytes()),
                    "elapsedMs": exchange.elapsed.as_millis(),
                    "curl": exchange.to_curl(),
                })
            })
            .collect();
        let record =
            json!({"id": outcome.id, "verdict": outcome.verdict.id(), "exchanges": exchanges});
        files.push((
            format!("exchanges/{}.json", outcome.id),
            serde_json::to_vec_pretty(&record)?,
        ));
    }
    let mut manifest = String::new();
    for (name, bytes) in &files {
        std::fs::write(evidence.join(name), bytes)?;
        let digest = Sha256::digest(bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(manifest, "{hex}  {name}");
    }
    std::fs::write(evidence.join("manifest.sha256"), manifest)?;
    Ok(())
}
