//! The config tier (manual 5.6): download the configuration, upload it with one harmless
//! setting changed, see the change wait for the delay and then apply, and restore the original,
//! reporting the difference between the configuration before and after the group.

use std::time::Duration;

use helios_client::{Call, Transfer};
use helios_spec::Method;
use helios_spec::functions::config;
use helios_wire::config_xml::{self, Document};
use helios_wire::envelope::Envelope;
use tokio::time::Instant;

use super::Outcomes;
use crate::findings::envelope;
use crate::outcome::{Outcome, observed};
use crate::session::Session;
use crate::verdict::Verdict;

/// How often the runner looks whether an upload has applied.
const POLL: Duration = Duration::from_millis(500);

pub(super) fn roundtrip<'s>(session: &'s mut Session<'_>) -> Outcomes<'s> {
    Box::pin(check_roundtrip(session))
}

fn outcome(id: &str) -> Outcome {
    Outcome::new(format!("config.{id}"), &config::FUNCTION, "config")
}

/// The configuration as the device serves it, parsed.
pub(super) async fn download(
    session: &mut Session<'_>,
    into: &mut Outcome,
) -> Result<Document, Verdict> {
    let exchange = session
        .call(Call::new(&config::FUNCTION))
        .await
        .map_err(|error| Verdict::Inconclusive(error.to_string()))?;
    let parsed = if exchange.response.status == 200 {
        config_xml::parse(&exchange.response.body).map_err(|why| {
            Verdict::Fail(format!("the downloaded configuration is not valid: {why}"))
        })
    } else {
        Err(Verdict::Fail(format!(
            "the download answered {}",
            observed(&exchange)
        )))
    };
    into.exchanges.push(exchange);
    parsed
}

/// Uploads a document; `Ok` when the device answered success.
pub(super) async fn upload(
    session: &mut Session<'_>,
    document: &Document,
    into: &mut Outcome,
) -> Result<(), Verdict> {
    let xml = document
        .to_xml()
        .map_err(|why| Verdict::Inconclusive(format!("the document cannot be written: {why}")))?;
    let blob = config::FUNCTION.params[0].name;
    let call = Call::new(&config::FUNCTION)
        .method(Method::Put)
        .blob(blob, xml.into_bytes(), "config.xml", "application/xml")
        .transfer(Transfer::Multipart);
    let exchange = session
        .call(call)
        .await
        .map_err(|error| Verdict::Inconclusive(error.to_string()))?;
    let read = envelope(&exchange, &mut into.findings);
    let accepted = matches!(read, Ok(Envelope::Success { .. }));
    into.observed = observed(&exchange);
    into.exchanges.push(exchange);
    if accepted {
        Ok(())
    } else {
        Err(Verdict::Fail(format!(
            "the upload answered {}",
            into.observed
        )))
    }
}

/// Downloads until the probe reads `wanted`, for at most `limit`: the time it took.
pub(super) async fn wait_for(
    session: &mut Session<'_>,
    probe: &str,
    wanted: &str,
    limit: Duration,
    into: &mut Outcome,
) -> Result<Duration, Verdict> {
    let started = Instant::now();
    loop {
        let mut scratch = Outcome::new("", &config::FUNCTION, "config");
        let seen = download(session, &mut scratch)
            .await
            .ok()
            .and_then(|document| document.get(probe).ok());
        into.exchanges.append(&mut scratch.exchanges);
        into.findings.absorb(scratch.findings);
        if seen.as_deref() == Some(wanted) {
            return Ok(started.elapsed());
        }
        if started.elapsed() > limit {
            return Err(Verdict::Fail(format!(
                "{probe} still reads {seen:?} {:.1} s after the upload, not {wanted:?}",
                started.elapsed().as_secs_f64()
            )));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The line-by-line difference of two configurations, both written the same way.
pub(super) fn difference(before: &Document, after: &Document) -> String {
    let before = before.to_xml().unwrap_or_default();
    let after = after.to_xml().unwrap_or_default();
    similar::TextDiff::from_lines(&before, &after)
        .unified_diff()
        .header("before the group", "after the group")
        .to_string()
}

/// How long the runner waits for an upload to apply: the declared delay, twice, and 5 s.
pub(super) fn apply_limit(session: &Session<'_>) -> Duration {
    Duration::from_secs(session.profile.destructive.config_delay_seconds * 2 + 5)
}

async fn check_roundtrip(session: &mut Session<'_>) -> Vec<Outcome> {
    let probe = session.profile.destructive.config_probe.clone();
    let mut outcomes = Vec::new();

    let mut fetched = outcome("download");
    fetched.expected = "the configuration as XML whose root is DeviceDatabase".into();
    let before = match download(session, &mut fetched).await {
        Ok(document) => document,
        Err(verdict) => {
            fetched.verdict = verdict;
            return vec![fetched];
        }
    };
    let Ok(original) = before.get(&probe) else {
        fetched.verdict = Verdict::Inconclusive(format!(
            "the configuration has no {probe}: declare another [destructive] config_probe"
        ));
        return vec![fetched];
    };
    fetched.observed = format!("{probe} = {original:?}");
    outcomes.push(fetched);

    // The change: one harmless setting, marked with the run's seed.
    let marker = format!("helios-conform {}", session.seed());
    let mut changed = before.clone();
    let _ = changed.set(&probe, &marker);
    let mut sent = outcome("upload");
    sent.expected = "success".into();
    if let Err(verdict) = upload(session, &changed, &mut sent).await {
        sent.verdict = verdict;
        outcomes.push(sent);
        return outcomes;
    }
    outcomes.push(sent);

    // Until the delay has passed the device downloads the old configuration (erratum
    // config-delay); then the new one.
    let mut early = outcome("delay");
    early.expected = format!("{probe} still {original:?} at once");
    if let Ok(document) = download(session, &mut early).await {
        let now = document.get(&probe).unwrap_or_default();
        early.observed = format!("{probe} = {now:?}");
        if now == marker && session.profile.destructive.config_delay_seconds > 0 {
            early.verdict = Verdict::NonStrict {
                erratum: "config-delay",
                why: "the upload applied at once, before the declared delay".into(),
            };
        }
    }
    outcomes.push(early);

    let mut applied = outcome("applies");
    applied.expected = format!("{probe} = {marker:?} within the delay");
    let limit = apply_limit(session);
    match wait_for(session, &probe, &marker, limit, &mut applied).await {
        Ok(took) => applied.observed = format!("applied after {:.1} s", took.as_secs_f64()),
        Err(verdict) => applied.verdict = verdict,
    }
    outcomes.push(applied);

    outcomes.push(restore(session, "config", &before, &probe, &original).await);
    outcomes
}

/// Uploads the configuration the group found, waits for it, and reports what still differs.
pub(super) async fn restore(
    session: &mut Session<'_>,
    group: &str,
    before: &Document,
    probe: &str,
    original: &str,
) -> Outcome {
    let mut restored = Outcome::new(format!("{group}.restore"), &config::FUNCTION, "config");
    restored.expected = "the configuration as it was before the group".into();
    if let Err(verdict) = upload(session, before, &mut restored).await {
        restored.verdict = verdict;
        return restored;
    }
    let limit = apply_limit(session);
    if let Err(verdict) = wait_for(session, probe, original, limit, &mut restored).await {
        restored.verdict = verdict;
    }
    match download(session, &mut restored).await {
        Ok(after) => {
            let diff = difference(before, &after);
            if diff.is_empty() {
                restored.observed = "no difference".into();
                restored.attach("difference.diff", "no difference\n".into());
            } else {
                restored.observed = format!("{} lines differ", diff.lines().count());
                if restored.verdict == Verdict::Pass {
                    restored.verdict = Verdict::Fail(
                        "the restored configuration differs from the original".into(),
                    );
                }
                restored.attach("difference.diff", diff);
            }
        }
        Err(verdict) => restored.verdict = restored.verdict.clone().worst(verdict),
    }
    restored
}
