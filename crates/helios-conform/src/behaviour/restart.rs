//! The reboot and destructive tiers: `system/restart` must restart the device and bring it back;
//! `firmware` must refuse a corrupt image and accept the lab's own (never applied);
//! `config/factoryreset` must restore the factory configuration and restart, after which the
//! runner restores the configuration it found, and `firmware/apply`, with nothing uploaded since
//! the restart, must answer 15 and not restart.

use std::time::Duration;

use helios_client::{Call, Transfer};
use helios_spec::functions::{config, firmware, system};
use helios_spec::{ErrorCode, Method};
use helios_wire::envelope::Envelope;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use super::Outcomes;
use super::config::{download, restore};
use crate::findings::{Findings, envelope};
use crate::outcome::{Outcome, observed};
use crate::session::Session;
use crate::verdict::{Stop, Verdict};

/// How often the runner looks whether the device is back.
const POLL: Duration = Duration::from_millis(500);

/// How long the runner watches for a restart that `firmware/apply` with nothing uploaded should
/// not cause: erratum `restart-order` puts a restart a few seconds after its reply (the
/// reference intercom's is 2 s).
const RESTART_WATCH: Duration = Duration::from_secs(6);

pub(super) fn restart<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(check_restart(session))
}

pub(super) fn firmware<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(check_firmware(session))
}

pub(super) fn factory_reset<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(check_factory_reset(session))
}

/// The device's uptime, or `None` while it does not answer; what the reply's reader tolerated
/// goes to `findings`.
async fn uptime(session: &mut Session<'_>, findings: &mut Findings) -> Option<u64> {
    super::health::uptime(session, findings)
        .await
        .ok()
        .map(|(seconds, _, _)| seconds)
}

/// Waits until the device answers with an uptime that went back below `before` plus the time
/// since: it restarted. The time it took, or why not.
async fn comes_back(
    session: &mut Session<'_>,
    before: u64,
    findings: &mut Findings,
) -> Result<Duration, Verdict> {
    // While the device restarts, requests without an answer are expected, not a stall.
    session.expect_outage(true);
    let back = wait_until_back(session, before, findings).await;
    session.expect_outage(false);
    back
}

async fn wait_until_back(
    session: &mut Session<'_>,
    before: u64,
    findings: &mut Findings,
) -> Result<Duration, Verdict> {
    let limit = Duration::from_secs(session.profile.destructive.restart_timeout_seconds);
    let started = Instant::now();
    let mut answered = false;
    loop {
        if let Some(now) = uptime(session, findings).await {
            answered = true;
            if went_back(before, now, started.elapsed()) {
                return Ok(started.elapsed());
            }
        }
        if started.elapsed() > limit {
            return Err(Verdict::Fail(if answered {
                format!(
                    "the uptime kept counting for {} s: the device did not restart",
                    limit.as_secs()
                )
            } else {
                format!(
                    "the device did not answer again within {} s",
                    limit.as_secs()
                )
            }));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Whether an uptime of `now` seconds, read `since` after one of `before`, went back: the device
/// restarted in between.
fn went_back(before: u64, now: u64, since: Duration) -> bool {
    now < before + since.as_secs()
}

/// Watches the device for [`RESTART_WATCH`]: what it did if its uptime went back or it stopped
/// answering (waiting then, as [`comes_back`], until it answers again); `None` if it kept
/// counting.
async fn watch_restart(
    session: &mut Session<'_>,
    before: u64,
    findings: &mut Findings,
) -> Option<String> {
    let started = Instant::now();
    while started.elapsed() < RESTART_WATCH {
        tokio::time::sleep(POLL).await;
        match uptime(session, findings).await {
            Some(now) if went_back(before, now, started.elapsed()) => {
                return Some("restarted".into());
            }
            Some(_) => continue,
            None => {
                return Some(match comes_back(session, before, findings).await {
                    Ok(took) => format!("restarted (back {:.1} s later)", took.as_secs_f64()),
                    Err(_) => "stopped answering".into(),
                });
            }
        }
    }
    None
}

/// Sends `call` and requires a success envelope.
async fn succeeds(session: &mut Session<'_>, call: Call, outcome: &mut Outcome) -> bool {
    match session.call(call).await {
        Ok(exchange) => {
            let read = envelope(&exchange, &mut outcome.findings);
            let ok = matches!(read, Ok(Envelope::Success { .. }));
            outcome.observed = observed(&exchange);
            outcome.exchanges.push(exchange);
            if !ok {
                outcome.verdict = Verdict::Fail(format!("answered {}", outcome.observed));
            }
            ok
        }
        Err(why) => {
            outcome.verdict = Stop::from(why).into();
            false
        }
    }
}

async fn check_restart(session: &mut Session<'_>) -> Vec<Outcome> {
    let function = &system::restart::FUNCTION;
    let mut outcome = Outcome::new("restart.comes-back", function, "restart");
    outcome.expected = "success, then the device restarts and answers again".into();
    let Some(before) = uptime(session, &mut outcome.findings).await else {
        outcome.verdict = Verdict::Inconclusive("system/status did not answer before".into());
        return vec![outcome];
    };
    if succeeds(session, Call::new(function), &mut outcome).await {
        match comes_back(session, before, &mut outcome.findings).await {
            Ok(took) => {
                outcome.observed = format!("answered again {:.1} s later", took.as_secs_f64());
            }
            Err(verdict) => outcome.verdict = verdict,
        }
    }
    vec![outcome]
}

/// Bytes no device takes for firmware: a fixed pseudo-random run, the same in every run.
fn corrupt_image() -> Vec<u8> {
    let mut bytes = Vec::with_capacity(64 * 1024);
    let mut block = Sha256::digest(b"helios-conform corrupt firmware").to_vec();
    while bytes.len() < 64 * 1024 {
        bytes.extend_from_slice(&block);
        block = Sha256::digest(&block).to_vec();
    }
    bytes
}

fn upload_call(image: Vec<u8>) -> Call {
    let blob = firmware::FUNCTION.params[0].name;
    Call::new(&firmware::FUNCTION)
        .method(Method::Put)
        .blob(blob, image, "firmware.bin", "application/octet-stream")
        .transfer(Transfer::Multipart)
}

async fn check_firmware(session: &mut Session<'_>) -> Vec<Outcome> {
    let blob = firmware::FUNCTION.params[0].name;
    let mut corrupt = Outcome::new("firmware.corrupt-image", &firmware::FUNCTION, "firmware");
    corrupt.expected = format!("error {} naming {blob}", ErrorCode::InvalidParameter.code());
    refused(session, upload_call(corrupt_image()), blob, &mut corrupt).await;
    let mut declared = Outcome::new("firmware.declared-image", &firmware::FUNCTION, "firmware");
    declared.expected = "success with the image's version, not applied".into();
    let mut damaged = Outcome::new("firmware.damaged-image", &firmware::FUNCTION, "firmware");
    damaged.expected = format!(
        "error {} naming {blob} for the declared image with its last byte changed",
        ErrorCode::InvalidParameter.code()
    );
    let image = match session.profile.destructive.firmware_image.clone() {
        None => {
            let why = "the profile declares no [destructive] firmware_image";
            declared.verdict = Verdict::NotApplicable(why.into());
            damaged.verdict = Verdict::NotApplicable(why.into());
            None
        }
        Some(path) => match std::fs::read(&path) {
            Err(why) => {
                declared.verdict = Verdict::Inconclusive(format!("reading {path}: {why}"));
                damaged.verdict = Verdict::Inconclusive(format!("reading {path}: {why}"));
                None
            }
            Ok(image) => Some(image),
        },
    };
    if let Some(image) = image {
        // A damaged copy first: a device that took it must not be left with the good image.
        let mut broken = image.clone();
        if let Some(last) = broken.last_mut() {
            *last ^= 0xff;
        }
        refused(session, upload_call(broken), blob, &mut damaged).await;
        let _ = succeeds(session, upload_call(image), &mut declared).await;
    }
    vec![corrupt, damaged, declared]
}

/// Sends an image the device must refuse with error 12 naming the blob.
async fn refused(session: &mut Session<'_>, call: Call, blob: &str, outcome: &mut Outcome) {
    match session.call(call).await {
        Ok(exchange) => {
            outcome.observed = observed(&exchange);
            outcome.verdict = match envelope(&exchange, &mut outcome.findings) {
                Ok(Envelope::Failure { code, param, .. })
                    if code == u64::from(ErrorCode::InvalidParameter.code())
                        && param.as_deref().is_none_or(|p| p == blob) =>
                {
                    Verdict::Pass
                }
                _ => Verdict::Fail(format!("a broken image answered {}", outcome.observed)),
            };
            outcome.exchanges.push(exchange);
        }
        Err(why) => outcome.verdict = Stop::from(why).into(),
    }
}

async fn check_factory_reset(session: &mut Session<'_>) -> Vec<Outcome> {
    let function = &config::factoryreset::FUNCTION;
    let probe = session.profile.destructive.config_probe.clone();
    let mut reset = Outcome::new("factory-reset.restarts", function, "factory-reset");
    reset.expected = "success, then the device restarts with the factory configuration".into();
    let before = match download(session, &mut reset).await {
        Ok(document) => document,
        Err(verdict) => {
            reset.verdict = verdict;
            return vec![reset];
        }
    };
    let original = before.get(&probe).unwrap_or_default();
    let Some(uptime_before) = uptime(session, &mut reset.findings).await else {
        reset.verdict = Verdict::Inconclusive("system/status did not answer before".into());
        return vec![reset];
    };
    if !succeeds(session, Call::new(function), &mut reset).await {
        return vec![reset];
    }
    match comes_back(session, uptime_before, &mut reset.findings).await {
        Ok(took) => reset.observed = format!("answered again {:.1} s later", took.as_secs_f64()),
        Err(verdict) => {
            reset.verdict = verdict;
            return vec![reset];
        }
    }
    // The configuration the group found goes back, and what differs is reported.
    let restored = restore(session, "factory-reset", &before, &probe, &original).await;
    let apply = apply_without_upload(session).await;
    vec![reset, restored, apply]
}

/// `firmware/apply` with nothing uploaded: the device has just restarted, which drops an
/// upload not applied (erratum `restart-order`), and this group uploads no firmware. 15 and no
/// restart is the ruling of erratum `firmware-apply-without-upload`; any other answer, or a
/// restart after the 15, is that erratum's non-strict reading, and a restart is waited out, so
/// that the groups after find the device answering.
async fn apply_without_upload(session: &mut Session<'_>) -> Outcome {
    let function = &firmware::apply::FUNCTION;
    let erratum = "firmware-apply-without-upload";
    let mut outcome = Outcome::new(
        "factory-reset.apply-without-upload",
        function,
        "factory-reset",
    );
    let no_data = ErrorCode::NoData.code();
    outcome.expected = format!("error {no_data} and no restart, after a restart");
    if let Some(why) = session.unavailable(function) {
        outcome.verdict = Verdict::NotApplicable(why);
        return outcome;
    }
    let Some(before) = uptime(session, &mut outcome.findings).await else {
        outcome.verdict = Verdict::Inconclusive("system/status did not answer before".into());
        return outcome;
    };
    let exchange = match session.call(Call::new(function)).await {
        Ok(exchange) => exchange,
        Err(why) => {
            outcome.verdict = Stop::from(why).into();
            return outcome;
        }
    };
    outcome.observed = observed(&exchange);
    let read = envelope(&exchange, &mut outcome.findings);
    outcome.exchanges.push(exchange);
    let non_strict = |why: String| Verdict::NonStrict { erratum, why };
    outcome.verdict = match read {
        Ok(Envelope::Failure { code, .. }) if code == u64::from(no_data) => {
            match watch_restart(session, before, &mut outcome.findings).await {
                None => Verdict::Pass,
                Some(what) => non_strict(format!("answered {no_data}, then {what}")),
            }
        }
        Ok(Envelope::Success { .. }) => {
            let then = watch_restart(session, before, &mut outcome.findings)
                .await
                .map_or_else(
                    || format!(", and kept running for {} s", RESTART_WATCH.as_secs()),
                    |what| format!(", then {what}"),
                );
            non_strict(format!("answered success with nothing uploaded{then}"))
        }
        Ok(Envelope::Failure { .. }) => non_strict(format!(
            "answered {} rather than {no_data}",
            outcome.observed
        )),
        // No envelope at all departs from 2.3 whatever the ruling.
        Err(_) => Verdict::Fail(format!("answered {}", outcome.observed)),
    };
    outcome
}
