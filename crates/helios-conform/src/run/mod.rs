//! Running a suite: the preflight, a session with the device (discovery), then every request
//! case in order, each judged as it completes (`requests.rs`), then the behaviour groups with a
//! health probe after each (`groups.rs`); a failure is sent again before it is reported
//! (`--confirm`). `listing.rs` says what a run would judge without sending anything.

mod catalogue;
mod declared;
mod groups;
mod listing;
mod requests;

use std::time::{Duration, SystemTime};

use helios_spec::Tier;

use crate::behaviour::Health;
use crate::discovery::Discovered;
use crate::options::{Options, Target};
use crate::outcome::Outcome;
use crate::preflight::Setup;
use crate::profile::Checked;
use crate::session::Session;
use crate::verdict::{EXIT_SETUP, EXIT_USAGE, Verdict, exit_code};

pub use catalogue::{Cited, Variant, catalogue, typical, variants};
pub use declared::ids as declaration_ids;
pub use listing::{Listed, listing, unmatched};

/// The report of a whole run: what discovery found, every case's outcome in the order
/// judged, and what identifies the run (seed, allowed tiers, start and duration).
#[derive(Debug)]
pub struct Report {
    pub discovered: Discovered,
    pub outcomes: Vec<Outcome>,
    /// The seed the generated values came from, and how many were drawn per property.
    pub seed: u64,
    pub cases: u32,
    /// The tiers allowed beyond the profile's (`--allow`), for a replay to allow them again.
    pub allow: Vec<Tier>,
    /// When the run began, and how long it took.
    pub started: SystemTime,
    pub duration: Duration,
    /// Set when the run did not judge the device (the preflight failed) or stopped judging it
    /// (the device stopped answering): a setup error, exit 4.
    pub setup: Option<Setup>,
    /// What the baseline (`--baseline`) found, when one was applied: its known cases are
    /// marked on their outcomes.
    pub baseline: Option<crate::baseline::Applied>,
}

impl Report {
    /// The run's exit code: 4 on a setup error; 3 when no request case was sent (a run that
    /// executed nothing is never green); else as its verdicts say ([`exit_code`]).
    pub fn exit_code(&self) -> i32 {
        if self.setup.is_some() {
            return EXIT_SETUP;
        }
        if !self.sent_a_request_case() {
            return EXIT_USAGE;
        }
        // A departure the baseline accepts (known) does not decide the exit code.
        let verdicts: Vec<Verdict> = self
            .outcomes
            .iter()
            .filter(|o| o.known.is_none())
            .map(|o| o.verdict.clone())
            .collect();
        exit_code(&verdicts)
    }

    /// Whether any case other than discovery sent a request to the device.
    pub fn sent_a_request_case(&self) -> bool {
        self.outcomes
            .iter()
            .any(|o| o.check != "discovery" && o.check != "health" && !o.exchanges.is_empty())
    }
}

/// Runs the suite against `target`.
pub async fn run(profile: &Checked, target: &Target, options: &Options) -> Report {
    run_with_progress(profile, target, options, &mut |_: &Outcome| {}).await
}

/// Runs the suite, telling `progress` of each outcome as it is judged.
pub async fn run_with_progress(
    profile: &Checked,
    target: &Target,
    options: &Options,
    progress: &mut (dyn FnMut(&Outcome) + Send),
) -> Report {
    let started = SystemTime::now();
    let mut session = Session::new(profile, target, options);
    if let Err(errors) = crate::preflight::check(&mut session).await {
        let setup = Some(Setup::Preflight(errors));
        return Report::ended(session, Vec::new(), started, setup);
    }
    session.discover().await;
    let mut outcomes = requests::discovery_outcomes(profile, &session.discovered);
    outcomes.extend(declared::outcomes(profile, &session.discovered));
    outcomes.retain(|outcome| kept(options, outcome));
    for outcome in &mut outcomes {
        outcome.finish();
        progress(outcome);
    }
    let mut health = Health::read(&mut session).await;
    requests::request_cases(&mut session, target.http.is_some(), &mut outcomes, progress).await;
    // The request cases are a group of their own for the health probe: a case that restarted
    // the device silently is charged to them.
    if session.stalled().is_none() && outcomes.iter().any(|o| !o.exchanges.is_empty()) {
        let mut probe = health.probe_after(&mut session, "requests", false).await;
        probe.finish();
        if kept(options, &probe) {
            progress(&probe);
            outcomes.push(probe);
        }
    }
    if session.stalled().is_none() {
        let judged = groups::groups(&mut session, &mut health, progress).await;
        outcomes.extend(judged.into_iter().filter(|o| kept(options, o)));
    }
    let setup = session.stalled().map(|why| Setup::Stalled {
        why: why.to_owned(),
        last_answered: outcomes
            .iter()
            .rev()
            .find(|o| !o.exchanges.is_empty())
            .map(|o| o.id.clone()),
        during: outcomes
            .last()
            .map_or_else(|| "discovery".to_owned(), |o| o.id.clone()),
    });
    Report::ended(session, outcomes, started, setup)
}

/// Whether an outcome belongs in this run's report. Discovery's cross-checks (`discovery.*`,
/// `declaration.*`) and the health
/// probes run whatever the selectors; with `--shard` or `--rerun-failed` they are reported by
/// one shard only, or only when they had failed, unless they fail now. A group's other cases
/// are reported only when `--rerun-failed` named them. Without those options, everything.
fn kept(options: &Options, outcome: &Outcome) -> bool {
    let selection = options.selection(None);
    let failing = matches!(outcome.verdict, Verdict::Fail(_));
    match outcome.check {
        "discovery" | declared::CHECK => selection.reports(&outcome.id) || failing,
        "health" if outcome.id == crate::behaviour::health_id("requests") => {
            selection.reports(&outcome.id) || failing
        }
        "health" => {
            options
                .ids
                .as_ref()
                .is_none_or(|ids| ids.contains(&outcome.id))
                || failing
        }
        _ => options
            .ids
            .as_ref()
            .is_none_or(|ids| ids.contains(&outcome.id)),
    }
}

impl Report {
    /// The run `session` made since `started`.
    fn ended(
        session: Session<'_>,
        outcomes: Vec<Outcome>,
        started: SystemTime,
        setup: Option<Setup>,
    ) -> Self {
        Self {
            seed: session.seed(),
            cases: session.cases(),
            allow: session.options.allow.clone(),
            discovered: session.discovered,
            outcomes,
            started,
            duration: started.elapsed().unwrap_or_default(),
            setup,
            baseline: None,
        }
    }
}
