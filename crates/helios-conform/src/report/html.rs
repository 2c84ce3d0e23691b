//! `report.html`: one self-contained page a lab can hand over: the device's identity, a summary
//! per service, the traceability view (each requirement of the manual with the cases citing it,
//! per chapter, and the coverage: `trace.rs`), and every case with its verdict and the
//! requirements it cites, and for each failure why, the curl line that reproduces it and the
//! replay command. No external resources; askama escapes every value.
//! The profile's passwords are masked in every text the page shows.

use std::collections::BTreeMap;
use std::path::Path;

use askama::Template;

use super::trace::{STATUSES, Traceability, traceability};
use super::{Secrets, VERDICTS, replay_command};
use crate::options::Target;
use crate::outcome::Outcome;
use crate::run::Report;
use crate::verdict::{EXIT_FAIL, EXIT_PASS, EXIT_SETUP, EXIT_USAGE, Verdict};

struct ServiceRow {
    name: &'static str,
    counts: [usize; 7],
}

struct CaseRow {
    id: String,
    function: &'static str,
    check: &'static str,
    verdict: &'static str,
    expected: String,
    observed: String,
    detail: String,
    curl: Option<String>,
    replay: String,
    attachments: Vec<(String, String)>,
    requirements: Vec<String>,
    /// The case's exchanges in the evidence folder beside the page, when it sent any.
    evidence: Option<String>,
    /// "known: reason (link), until date" when a baseline entry accepts the verdict.
    known: Option<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    device: String,
    firmware: String,
    target: String,
    manual: String,
    tool_version: &'static str,
    seed: u64,
    cases_per_property: u32,
    overall: &'static str,
    overall_class: &'static str,
    verdicts: [&'static str; 7],
    services: Vec<ServiceRow>,
    statuses: [&'static str; STATUSES.len()],
    trace: Traceability,
    rows: Vec<CaseRow>,
}

/// Renders the page of a run whose profile was `profile_text`, for the report directory `dir`
/// (which the replay commands name).
pub fn render(
    report: &Report,
    target: &Target,
    profile_text: &str,
    dir: &Path,
) -> Result<String, askama::Error> {
    let secrets = Secrets::of_profile(profile_text);
    let (overall, overall_class) = overall(report.exit_code());
    let page = Page {
        device: report
            .discovered
            .variant
            .clone()
            .unwrap_or_else(|| "unknown device".into()),
        firmware: report
            .discovered
            .sw_version
            .clone()
            .unwrap_or_else(|| "unknown".into()),
        target: secrets.text(
            &[&target.https, &target.http]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" and "),
        ),
        manual: helios_spec::MANUAL_VERSION.to_string(),
        tool_version: env!("CARGO_PKG_VERSION"),
        seed: report.seed,
        cases_per_property: report.cases,
        overall,
        overall_class,
        verdicts: VERDICTS,
        services: service_rows(report),
        statuses: STATUSES,
        trace: traceability(&report.outcomes, profile_text),
        rows: report
            .outcomes
            .iter()
            .map(|o| CaseRow::of(o, &secrets, dir))
            .collect(),
    };
    page.render()
}

/// The run's overall verdict, in words and as the class that colours it, from its exit code.
fn overall(exit_code: i32) -> (&'static str, &'static str) {
    match exit_code {
        EXIT_PASS => ("PASS: no case failed", "pass"),
        EXIT_FAIL => ("FAIL: the device departs from the manual", "fail"),
        EXIT_SETUP => (
            "SETUP ERROR: the run's environment failed (the device stopped answering, or most \
             cases could not be sent); this is no verdict on the device",
            "none",
        ),
        EXIT_USAGE => ("NOTHING RAN: no request case was sent", "none"),
        _ => (
            "UNDECIDED: nothing failed, but some cases could not be judged",
            "none",
        ),
    }
}

/// How many cases of each service had each verdict.
fn service_rows(report: &Report) -> Vec<ServiceRow> {
    let mut services: BTreeMap<&str, [usize; 7]> = BTreeMap::new();
    for outcome in &report.outcomes {
        let row = services.entry(outcome.service).or_default();
        if let Some(at) = VERDICTS.iter().position(|v| *v == outcome.verdict.id()) {
            row[at] += 1;
        }
    }
    services
        .into_iter()
        .map(|(name, counts)| ServiceRow { name, counts })
        .collect()
}

impl CaseRow {
    /// A case as the page shows it, its texts masked.
    fn of(o: &Outcome, secrets: &Secrets, dir: &Path) -> Self {
        Self {
            id: o.id.clone(),
            function: o.function,
            check: o.check,
            verdict: o.verdict.id(),
            expected: secrets.text(&o.expected),
            observed: secrets.text(&o.observed),
            detail: secrets.text(&o.verdict.detail()),
            curl: matches!(o.verdict, Verdict::Fail(_))
                .then(|| o.exchanges.last().map(|e| secrets.curl(e)))
                .flatten(),
            replay: replay_command(&o.id, dir),
            attachments: o
                .attachments
                .iter()
                .map(|(name, text)| (name.clone(), secrets.text(text)))
                .collect(),
            requirements: o.requirements.clone(),
            evidence: (!o.exchanges.is_empty()).then(|| evidence_path(&o.id)),
            known: o.known.as_ref().map(|k| {
                let link = if k.link.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", k.link)
                };
                format!("known: {}{link}, until {}", k.reason, k.expires)
            }),
        }
    }
}

/// Where `write_evidence` keeps a case's exchanges, relative to the report directory.
fn evidence_path(id: &str) -> String {
    format!("evidence/exchanges/{id}.json")
}
