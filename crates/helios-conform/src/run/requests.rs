//! The request cases: discovery's cross-check of the declaration, then every selected case
//! in order, each sent (or not applicable, or skipped) and judged, a failure sent again.

use helios_spec::Tier;
use helios_spec::functions::system;

use crate::case::{Case, Expect};
use crate::discovery::Discovered;
use crate::generate::cases;
use crate::judge::judge;
use crate::outcome::{Outcome, observed};
use crate::profile::Checked;
use crate::session::Session;
use crate::verdict::Verdict;

/// Every selected request case in order, each judged (a failure confirmed) as it completes,
/// until the device stops answering.
pub(super) async fn request_cases(
    session: &mut Session<'_>,
    has_http: bool,
    outcomes: &mut Vec<Outcome>,
    progress: &mut (dyn FnMut(&Outcome) + Send),
) {
    let firmware = session.firmware;
    for case in cases(session.profile, &session.discovered, firmware, has_http) {
        if !session.selected(&case.id, case.function) {
            continue;
        }
        let mut outcome = request_case(session, &case).await;
        outcome.judge_findings();
        if matches!(outcome.verdict, Verdict::Fail(_)) {
            let mut reruns = Vec::new();
            for _ in 0..session.confirmations() {
                session.confirming(Some((outcome.id.clone(), outcome.replay.clone())));
                reruns.push(request_case(session, &case).await);
                session.confirming(None);
            }
            outcome.confirm_with(reruns);
        }
        outcome.finish();
        progress(&outcome);
        outcomes.push(outcome);
        if session.stalled().is_some() {
            break;
        }
    }
}

/// One request case: not applicable, skipped, or sent and judged.
async fn request_case(session: &mut Session<'_>, case: &Case) -> Outcome {
    let mut outcome = Outcome::new(case.id.clone(), case.function, case.check);
    outcome.expected = case.expect.describe();
    let security = session.profile.security(case.function.service);
    outcome.requirements = crate::cites::case(case, security);
    if let Some(why) = &case.not_applicable {
        outcome.verdict = Verdict::NotApplicable(why.clone());
    } else if !session.allowed(case.tier) {
        outcome.verdict = Verdict::Skipped(format!(
            "tier {} not allowed (--allow {})",
            case.tier, case.tier
        ));
    } else if case.tier > Tier::Config && matches!(case.expect, Expect::Success { .. }) {
        // A request that would restart or reset the device belongs to the behaviour group
        // that waits for it and restores the device afterwards.
        outcome.verdict = Verdict::NotApplicable(format!(
            "a successful {} request is checked by its behaviour group, which recovers the device",
            case.tier
        ));
    } else if !case.generated.is_empty() {
        crate::property::check(session, case, &mut outcome).await;
    } else {
        match session
            .send(case.transport, case.login, case.call.clone())
            .await
        {
            Ok(exchange) => {
                outcome.verdict = judge(case, &exchange, session.firmware);
                outcome.observed = observed(&exchange);
                outcome.exchanges.push(exchange);
            }
            Err(error) => {
                outcome.verdict = Verdict::Error(error.to_string());
            }
        }
    }
    outcome
}

/// Discovery's cross-check of the declaration: each mismatch is a case of its own.
pub(super) fn discovery_outcomes(profile: &Checked, found: &Discovered) -> Vec<Outcome> {
    let outcome = |id: &str, expected: String, observed: Option<&String>| {
        let mut outcome = Outcome::new(id, &system::info::FUNCTION, "discovery");
        outcome.verdict = match observed {
            None => Verdict::Inconclusive("system/info did not answer".into()),
            Some(seen) if *seen == expected => Verdict::Pass,
            Some(seen) => Verdict::Fail(format!(
                "the device reports {seen:?}, the profile declares {expected:?}"
            )),
        };
        outcome.expected = expected;
        outcome.observed = observed.cloned().unwrap_or_default();
        outcome.findings = found.info_findings.clone();
        outcome.finish();
        outcome
    };
    vec![
        outcome(
            "discovery.variant",
            profile.variant.clone(),
            found.variant.as_ref(),
        ),
        outcome(
            "discovery.firmware",
            profile.firmware_text.clone(),
            found.sw_version.as_ref(),
        ),
    ]
}
