//! Running a suite: a session with the device (discovery), then every request case in order,
//! each judged as it completes, then the groups that check behaviour over time.

use std::time::{Duration, SystemTime};

use helios_spec::Tier;
use helios_spec::functions::system;

use crate::behaviour::Health;
use crate::case::{Case, Expect};
use crate::discovery::Discovered;
use crate::generate::cases;
use crate::judge::judge;
use crate::options::{Options, Target};
use crate::outcome::{Outcome, observed};
use crate::preflight::Setup;
use crate::profile::Checked;
use crate::session::Session;
use crate::verdict::{EXIT_SETUP, EXIT_USAGE, Verdict, exit_code};

/// The whole run.
#[derive(Debug)]
pub struct Run {
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
}

impl Run {
    /// The run's exit code: 4 on a setup error; 3 when no request case was sent (a run that
    /// executed nothing is never green); else as its verdicts say ([`exit_code`]).
    pub fn exit_code(&self) -> i32 {
        if self.setup.is_some() {
            return EXIT_SETUP;
        }
        if !self.sent_a_request_case() {
            return EXIT_USAGE;
        }
        let verdicts: Vec<Verdict> = self.outcomes.iter().map(|o| o.verdict.clone()).collect();
        exit_code(&verdicts)
    }

    /// Whether any case other than discovery sent a request to the device.
    pub fn sent_a_request_case(&self) -> bool {
        self.outcomes
            .iter()
            .any(|o| o.check != "discovery" && o.check != "health" && !o.exchanges.is_empty())
    }
}

/// One line of `--list`: a case that a run with these selectors would judge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub function: &'static str,
    /// The manual section of the function (`5.10`), empty for a behaviour group.
    pub section: &'static str,
    pub tier: Tier,
    pub check: &'static str,
    /// `run`, or why it would not be sent (`skipped: …`, `not applicable: …`).
    pub status: String,
}

/// The cases a run with `options` would judge, from the declaration alone: nothing is sent, so
/// the values only discovery reads (switch numbers, resolutions) are those the profile
/// implies, and a behaviour group is listed once under the prefix of its case ids.
pub fn listing(profile: &Checked, has_http: bool, options: &Options) -> Vec<Listed> {
    let firmware = options.firmware.unwrap_or(profile.firmware);
    let found = Discovered::default();
    let allowed = |tier: Tier| {
        tier.allowed_by_default() || profile.tiers.contains(&tier) || options.allow.contains(&tier)
    };
    let status = |tier: Tier, not_applicable: Option<&String>| match not_applicable {
        Some(why) => format!("not applicable: {why}"),
        None if !allowed(tier) => format!("skipped: tier {tier} not allowed (--allow {tier})"),
        None => "run".to_owned(),
    };
    let only = options.only.as_deref();
    let exact = options.case.as_deref();
    // Discovery's cross-check of the declaration runs whatever the selectors.
    let mut listed: Vec<Listed> = ["discovery.variant", "discovery.firmware"]
        .into_iter()
        .map(|id| Listed {
            id: id.to_owned(),
            function: system::info::FUNCTION.path,
            section: system::info::FUNCTION.section.number,
            tier: Tier::ReadOnly,
            check: "discovery",
            status: "run".to_owned(),
        })
        .collect();
    listed.extend(
        cases(profile, &found, firmware, has_http)
            .into_iter()
            .filter(|case| crate::select::case(only, exact, &case.id, case.function))
            .map(|case| Listed {
                status: status(case.tier, case.not_applicable.as_ref()),
                function: case.function.path,
                section: case.function.section.number,
                tier: case.tier,
                check: case.check,
                id: case.id,
            }),
    );
    for group in crate::behaviour::GROUPS {
        if crate::select::group(only, exact, group.id) {
            listed.push(Listed {
                id: group.id.to_owned(),
                function: "",
                section: "",
                tier: group.tier,
                check: "behaviour",
                status: status(group.tier, None),
            });
        }
    }
    listed
}

/// When `--only` selects nothing a run could judge: the nearest case ids and function paths.
pub fn unmatched(profile: &Checked, has_http: bool, options: &Options) -> Option<Vec<String>> {
    let only = options.only.as_deref()?;
    if listing(profile, has_http, options)
        .iter()
        .any(|l| l.check != "discovery")
    {
        return None;
    }
    let everything = listing(
        profile,
        has_http,
        &Options {
            only: None,
            case: None,
            ..options.clone()
        },
    );
    let mut candidates: Vec<&str> = everything.iter().map(|l| l.id.as_str()).collect();
    candidates.extend(helios_spec::FUNCTIONS.iter().map(|f| f.path));
    Some(
        crate::select::nearest(only, &candidates, 8)
            .into_iter()
            .map(str::to_owned)
            .collect(),
    )
}

/// Runs the suite against `target`.
pub async fn run(profile: &Checked, target: &Target, options: &Options) -> Run {
    run_with_progress(profile, target, options, &mut |_: &Outcome| {}).await
}

/// Runs the suite, telling `progress` of each outcome as it is judged.
pub async fn run_with_progress(
    profile: &Checked,
    target: &Target,
    options: &Options,
    progress: &mut (dyn FnMut(&Outcome) + Send),
) -> Run {
    let started = SystemTime::now();
    let mut session = Session::new(profile, target, options);
    if let Err(errors) = crate::preflight::check(&mut session).await {
        let setup = Some(Setup::Preflight(errors));
        return Run::ended(session, Vec::new(), started, setup);
    }
    session.discover().await;
    let mut outcomes = discovery_outcomes(profile, &session.discovered);
    for outcome in &mut outcomes {
        outcome.finish();
        progress(outcome);
    }
    let mut health = Health::read(&mut session).await;
    request_cases(&mut session, target.http.is_some(), &mut outcomes, progress).await;
    // The request cases are a group of their own for the health probe: a case that restarted
    // the device silently is charged to them.
    if session.stalled().is_none() && outcomes.iter().any(|o| !o.exchanges.is_empty()) {
        let mut probe = health.probe_after(&mut session, "requests", false).await;
        probe.finish();
        progress(&probe);
        outcomes.push(probe);
    }
    if session.stalled().is_none() {
        outcomes.extend(crate::behaviour::run(&mut session, &mut health, progress).await);
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
    Run::ended(session, outcomes, started, setup)
}

impl Run {
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
        }
    }
}

/// Every selected request case in order, each judged (a failure confirmed) as it completes,
/// until the device stops answering.
async fn request_cases(
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
        let mut outcome = run_case(session, &case).await;
        outcome.judge_findings();
        if matches!(outcome.verdict, Verdict::Fail(_)) {
            let mut reruns = Vec::new();
            for _ in 0..session.confirmations() {
                session.confirming(Some((outcome.id.clone(), outcome.replay.clone())));
                reruns.push(run_case(session, &case).await);
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
async fn run_case(session: &mut Session<'_>, case: &Case) -> Outcome {
    let mut outcome = Outcome::new(case.id.clone(), case.function, case.check);
    outcome.expected = case.expect.describe();
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
        crate::property::run(session, case, &mut outcome).await;
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
fn discovery_outcomes(profile: &Checked, found: &Discovered) -> Vec<Outcome> {
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
