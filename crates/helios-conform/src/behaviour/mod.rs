//! Behaviour over time: groups of checks that need more than one request (stateful models,
//! events, timing, destructive tiers), run after the request cases, with the device's health
//! probed between groups so that a silent restart is charged to the group that caused it.

mod calls;
mod channels;
mod coherence;
mod config;
mod events;
mod health;
mod observe;
mod outputs;
mod restart;
mod switches;
mod timing;

use std::future::Future;
use std::pin::Pin;

use helios_spec::Tier;

use crate::run::Outcome;
use crate::session::Session;
use crate::verdict::Verdict;

pub use health::Health;

/// What a group's run returns: its outcomes, borrowed from nothing but the session.
pub type Outcomes<'s> = Pin<Box<dyn Future<Output = Vec<Outcome>> + Send + 's>>;

/// One group of behaviour checks.
#[derive(Debug)]
pub struct Group {
    /// The prefix of its case ids: `model.switch`, `timing.pull`, `config.restore`.
    pub id: &'static str,
    /// The blast-radius tier of the most dangerous request it sends.
    pub tier: Tier,
    /// Whether the group restarts the device on purpose (its uptime going back is expected).
    pub restarts: bool,
    pub run: for<'s, 'a> fn(&'s mut Session<'a>) -> Outcomes<'s>,
}

/// Every group, in the order they run: the least disruptive first.
pub const GROUPS: &[Group] = &[
    switches::GROUP,
    outputs::GROUP,
    calls::GROUP,
    channels::GROUP,
    events::GROUP,
    timing::GROUP,
    coherence::GROUP,
    Group {
        id: "config",
        tier: Tier::Config,
        restarts: false,
        run: config::roundtrip,
    },
    Group {
        id: "restart",
        tier: Tier::Reboot,
        restarts: true,
        run: restart::restart,
    },
    Group {
        id: "firmware",
        tier: Tier::Destructive,
        restarts: false,
        run: restart::firmware,
    },
    Group {
        id: "factory-reset",
        tier: Tier::Destructive,
        restarts: true,
        run: restart::factory_reset,
    },
];

/// Sends each failure of a group's run again (`--confirm`): the group runs narrowed to the
/// failing case, which sends exactly what it recorded (a model's shortest failing sequence) or
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
            let again = (group.run)(session).await;
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

/// Runs the groups the operator selected and allowed, probing health after each.
pub async fn run(
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
            let mut skipped = Outcome::new(
                group.id,
                &helios_spec::functions::system::status::FUNCTION,
                "behaviour",
            );
            skipped.verdict = Verdict::Skipped(format!(
                "tier {} not allowed (--allow {})",
                group.tier, group.tier
            ));
            skipped.finish();
            progress(&skipped);
            outcomes.push(skipped);
            continue;
        }
        let mut ran = (group.run)(session).await;
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
