//! Running a suite: a session with the device (discovery), then every request case in order,
//! each judged as it completes, then the groups that check behaviour over time.

use std::time::{Duration, SystemTime};

use helios_client::Exchange;
use helios_spec::Tier;
use helios_spec::functions::system;
use helios_wire::envelope::Envelope;

use crate::behaviour::Health;
use crate::case::{Case, Expect};
use crate::discovery::Discovered;
use crate::findings::Findings;
use crate::generate::cases;
use crate::judge::judge;
use crate::profile::Checked;
use crate::session::Session;
use crate::verdict::Verdict;

/// Where the device answers.
#[derive(Clone, Debug)]
pub struct Target {
    pub http: Option<String>,
    pub https: Option<String>,
    /// Accept a self-signed certificate.
    pub insecure: bool,
    /// Pin this certificate (PEM).
    pub ca_pem: Option<Vec<u8>>,
}

/// What the operator chose.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only cases whose id or function path contains this.
    pub only: Option<String>,
    /// Only the case with exactly this id (a replay).
    pub case: Option<String>,
    /// What a replay sends exactly: the recording of the case's earlier outcome (the shrunk
    /// request of a property, the shrunk sequence of a model).
    pub replay: Option<serde_json::Value>,
    /// Judge by this firmware generation instead of the one the device reports.
    pub firmware: Option<helios_spec::Version>,
    /// Tiers beyond the profile's.
    pub allow: Vec<Tier>,
    pub rate: Option<u32>,
    pub timeout: Option<Duration>,
    /// The seed of generated values.
    pub seed: Option<u64>,
    /// Generated requests (or sequences) per property.
    pub cases: Option<u32>,
    /// Ask the operator to raise the events only someone at the device can (a card on the
    /// reader), when the device has no stimulus interface.
    pub interactive: bool,
    /// How many times a failure is sent again before it is reported (`--confirm`); `None` is
    /// [`DEFAULT_CONFIRM`].
    pub confirm: Option<u32>,
}

/// Reruns of a failure before it is reported, by default.
pub const DEFAULT_CONFIRM: u32 = 1;

/// One case's outcome.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub id: String,
    pub function: &'static str,
    pub service: &'static str,
    pub check: &'static str,
    pub verdict: Verdict,
    pub expected: String,
    pub observed: String,
    pub exchanges: Vec<Exchange>,
    /// What a replay must send to repeat exactly what was judged (see [`Options::replay`]).
    pub replay: Option<serde_json::Value>,
    /// Named texts the reports keep beside the case (a configuration's before/after
    /// difference).
    pub attachments: Vec<(String, String)>,
    /// When the case began (wall clock, for the reports' timestamps).
    pub started: SystemTime,
    /// How long it took, set by [`Outcome::finish`] when it is judged.
    pub duration: Duration,
    /// What the replies and events the case read departed in, as the lenient readers tolerated
    /// it: [`Outcome::finish`] takes it into the verdict.
    pub findings: Findings,
}

impl Outcome {
    /// A passing outcome of `function` to be filled in.
    pub fn new(
        id: impl Into<String>,
        function: &helios_spec::Function,
        check: &'static str,
    ) -> Self {
        Self {
            id: id.into(),
            function: function.path,
            service: function.service.name(),
            check,
            verdict: Verdict::Pass,
            expected: String::new(),
            observed: String::new(),
            exchanges: Vec::new(),
            replay: None,
            attachments: Vec::new(),
            started: SystemTime::now(),
            duration: Duration::ZERO,
            findings: Findings::default(),
        }
    }

    /// Marks the case judged now: its duration runs from [`Outcome::new`] to here, unless it
    /// was set already, and its verdict is the worse of the one given and its findings'.
    pub fn finish(&mut self) {
        self.verdict = self
            .findings
            .judge(std::mem::replace(&mut self.verdict, Verdict::Pass));
        if self.duration.is_zero() {
            self.duration = self.started.elapsed().unwrap_or_default();
        }
    }

    /// Keeps `text` in the reports under `name`.
    pub fn attach(&mut self, name: &str, text: String) {
        self.attachments.push((name.to_owned(), text));
    }
}

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
    let mut session = Session::open(profile, target, options).await;
    let mut outcomes = discovery_outcomes(profile, &session.discovered);
    for outcome in &outcomes {
        progress(outcome);
    }
    let firmware = session.firmware;
    let mut health = Health::read(&mut session).await;
    for case in cases(
        profile,
        &session.discovered,
        firmware,
        target.http.is_some(),
    ) {
        if !session.selected(&case.id, case.function) {
            continue;
        }
        let mut outcome = run_case(&mut session, &case).await;
        outcome.finish();
        progress(&outcome);
        outcomes.push(outcome);
    }
    // The request cases are a group of their own for the health probe: a case that restarted
    // the device silently is charged to them.
    if outcomes.iter().any(|o| !o.exchanges.is_empty()) {
        let mut probe = health.probe_after(&mut session, "requests", false).await;
        probe.finish();
        progress(&probe);
        outcomes.push(probe);
    }
    outcomes.extend(crate::behaviour::run(&mut session, &mut health, progress).await);
    Run {
        seed: session.seed(),
        cases: session.cases(),
        allow: options.allow.clone(),
        discovered: session.discovered,
        outcomes,
        started,
        duration: started.elapsed().unwrap_or_default(),
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
                outcome.verdict = Verdict::Error(error);
            }
        }
    }
    outcome
}

/// A short description of what came back.
pub fn observed(exchange: &Exchange) -> String {
    let response = &exchange.response;
    let media = response.media_type().unwrap_or_default();
    match exchange.envelope() {
        Ok((Envelope::Failure { code, param, .. }, _)) => format!(
            "HTTP {} error {code}{}",
            response.status,
            param.map(|p| format!(" naming {p}")).unwrap_or_default()
        ),
        Ok((Envelope::Success { .. }, _)) => format!("HTTP {} success", response.status),
        Err(_) => format!(
            "HTTP {} {media}, {} bytes",
            response.status,
            response.body.len()
        ),
    }
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
