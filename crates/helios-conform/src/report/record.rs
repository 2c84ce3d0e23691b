//! `run.json`: what identifies a run in its sealed bundle: when it began and ended and how long
//! it took, the tool (version and the git commit it was built from), the spec (manual version
//! and a hash of its tables), the declaration (the SHA-256 of the profile as the run read it,
//! which `sha256sum lab.toml` prints, and of the masked copy in the evidence), the
//! device (variant and firmware as it reported them), the seed, the selectors of the command
//! line and the exit code. Its texts pass the profile's password masking like every report.

use std::path::Path;
use std::sync::OnceLock;

use serde_json::json;

use super::rfc3339;
use super::secrets::{Secrets, mask_profile, sha256_hex};
use crate::options::Options;
use crate::run::Report;

/// What the caller knows of a run beyond its [`Report`]: the options of the command line, the
/// commit the tool was built from (`"unknown"` when none) and the exit code.
#[derive(Debug, Clone, Copy)]
pub struct RunRecord<'a> {
    pub options: &'a Options,
    pub commit: &'a str,
    pub exit_code: i32,
}

/// A stable hash of the spec's tables: the SHA-256 of the debug rendering of every function,
/// erratum, event, error code and requirement of the register. Two builds whose spec data are the same have the same hash,
/// whatever else changed; computed once.
pub fn spec_sha256() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let tables = format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            helios_spec::FUNCTIONS,
            helios_spec::ERRATA,
            helios_spec::EVENTS,
            helios_spec::ErrorCode::ALL,
            helios_spec::requirements::requirements(),
        );
        sha256_hex(tables.as_bytes())
    })
}

/// The selectors and options of the command line that decide what the run sent.
fn selectors(options: &Options) -> serde_json::Value {
    json!({
        "only": options.only,
        "case": options.case,
        "allow": options.allow.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "firmware": options.firmware.map(|v| v.to_string()),
        "cases": options.cases,
        "confirm": options.confirm,
        "stallAfter": options.stall_after,
        "rate": options.rate,
        "timeout": options.timeout.map(|t| t.as_secs_f64()),
        "interactive": options.interactive,
        "shard": options.shard.map(|shard| shard.to_string()),
        "rerunFailed": options.ids.as_ref().map(|ids| ids.iter().collect::<Vec<_>>()),
    })
}

/// `run.json` of a run, its texts masked.
pub fn run_json(report: &Report, profile_text: &str, record: &RunRecord<'_>) -> serde_json::Value {
    let mut value = json!({
        "started": rfc3339(report.started),
        "ended": rfc3339(report.started + report.duration),
        "duration": report.duration.as_secs_f64(),
        "tool": {
            "name": "helios-conform",
            "version": env!("CARGO_PKG_VERSION"),
            "commit": record.commit,
        },
        "spec": {
            "manual": helios_spec::MANUAL_VERSION.to_string(),
            "sha256": spec_sha256(),
        },
        "declaration": {
            "file": "evidence/profile.toml",
            "sha256": sha256_hex(profile_text.as_bytes()),
            "maskedSha256": sha256_hex(mask_profile(profile_text).as_bytes()),
        },
        "device": {
            "variant": report.discovered.variant,
            "firmware": report.discovered.sw_version,
        },
        "seed": report.seed,
        "selectors": selectors(record.options),
        "setupError": report.setup.is_some(),
        "exitCode": record.exit_code,
    });
    Secrets::of_profile(profile_text).json(&mut value);
    value
}

/// Writes `run.json` into `dir`.
pub fn write_run(
    report: &Report,
    dir: &Path,
    profile_text: &str,
    record: &RunRecord<'_>,
) -> Result<(), super::ReportError> {
    let path = dir.join(super::bundle::RUN);
    let text = serde_json::to_vec_pretty(&run_json(report, profile_text, record))?;
    std::fs::write(&path, text).map_err(|source| super::ReportError::Write { path, source })
}
