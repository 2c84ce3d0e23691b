//! The behaviour groups, in their order: each the operator selected and allowed is checked, its
//! failures sent again, and the device's health probed after it, so that a silent restart is
//! charged to the group that caused it.

use helios_spec::functions::system;

use crate::behaviour::{GROUPS, Group, Health};
use crate::outcome::Outcome;
use crate::session::Session;
use crate::verdict::Verdict;

/// Sends each failure of a group's check again (`--confirm`): the group is checked narrowed to
/// the failing case, which sends exactly what it recorded (a model's shortest failing sequence) or
/// checks anew (a timing check).
async fn confirm(session: &mut Session<'_>, group: &Group, ran: &mut [Outcome]) {
    for outcome in ran.iter_mut() {
        outcome.judge_findings();
        if !matches!(outcome.verdict, Verdict::Fail(_)) || session.stalled().is_some() {
            continue;
        }
        let mut reruns = Vec::new();
        for _ in 0..session.confirmations() {
            let id = outcome.id.clone();
            session.confirming(Some((id.clone(), outcome.replay.clone())));
            let again = (group.check)(session).await;
            session.confirming(None);
            let mut rerun = again.into_iter().find(|o| o.id == id).unwrap_or_else(|| {
                let mut missing = outcome.clone();
                missing.exchanges.clear();
                missing.observed = String::new();
                missing.verdict =
                    Verdict::Inconclusive(format!("the rerun of {} had no case {id}", group.id));
                missing
            });
            rerun.finish();
            reruns.push(rerun);
        }
        outcome.confirm_with(reruns);
    }
}

/// Checks the groups the operator selected and allowed, probing health after each.
pub(super) async fn groups(
    session: &mut Session<'_>,
    health: &mut Health,
    progress: &mut (dyn FnMut(&Outcome) + Send),
) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for group in GROUPS {
        if !session.group_selected(group.id) {
            continue;
        }
        if !session.allowed(group.tier) {
            let mut skipped = Outcome::new(group.id, &system::status::FUNCTION, "behaviour");
            skipped.verdict = Verdict::Skipped(format!(
                "tier {} not allowed (--allow {})",
                group.tier, group.tier
            ));
            skipped.finish();
            progress(&skipped);
            outcomes.push(skipped);
            continue;
        }
        let mut ran = (group.check)(session).await;
        confirm(session, group, &mut ran).await;
        for outcome in &mut ran {
            outcome.finish();
            progress(outcome);
        }
        outcomes.extend(ran);
        if session.stalled().is_some() {
            // The device stopped answering: the run stops here, a setup error.
            break;
        }
        let mut probe = health.probe(session, group).await;
        probe.finish();
        progress(&probe);
        outcomes.push(probe);
    }
    outcomes
}
