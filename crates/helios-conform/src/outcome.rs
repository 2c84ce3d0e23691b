//! One case's outcome: its verdict, what was expected and observed, the exchanges that are its
//! evidence, and what its readers tolerated ([`Findings`]), which [`Outcome::finish`] takes into
//! the verdict.

use std::time::{Duration, SystemTime};

use helios_client::Exchange;
use helios_wire::envelope::Envelope;

use crate::findings::Findings;
use crate::verdict::Verdict;

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
    /// What a replay must send to repeat exactly what was judged (see [`crate::options::Options::replay`]).
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
    /// When a failure was sent again to confirm it (`--confirm`): each attempt's verdict, the
    /// first one's included.
    pub attempts: Vec<Attempt>,
    /// The ids of the requirements of the spec's register the case judges: a request case's
    /// derived from it ([`crate::cites::case`]), else from the case id when it is judged
    /// ([`crate::cites::check`]).
    pub requirements: Vec<String>,
    /// Set when a baseline entry accepts this case's verdict (`--baseline`): it keeps its
    /// verdict in the reports, marked known, and does not count towards the exit code.
    pub known: Option<Known>,
}

/// The baseline entry that accepts a case's departure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    /// The entry's case id or glob.
    pub entry: String,
    pub reason: String,
    /// The team's bug, if the entry names one.
    pub link: String,
    /// The entry's last day (`YYYY-MM-DD`).
    pub expires: String,
}

/// One attempt at a case whose failure was sent again.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub verdict: Verdict,
    pub observed: String,
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
            attempts: Vec::new(),
            requirements: Vec::new(),
            known: None,
        }
    }

    /// Folds the reruns of a failure into this outcome (the first attempt): a failure that
    /// every rerun repeats stands; one that some rerun does not repeat is inconclusive, "did not
    /// reproduce (k of n)". Every attempt is kept, and the reruns' exchanges too.
    pub fn confirm_with(&mut self, reruns: Vec<Outcome>) {
        self.judge_findings();
        if reruns.is_empty() || !matches!(self.verdict, Verdict::Fail(_)) {
            return;
        }
        self.attempts.push(Attempt {
            verdict: self.verdict.clone(),
            observed: self.observed.clone(),
        });
        for mut rerun in reruns {
            rerun.judge_findings();
            self.attempts.push(Attempt {
                verdict: rerun.verdict,
                observed: rerun.observed,
            });
            self.exchanges.extend(rerun.exchanges);
        }
        let failed = self
            .attempts
            .iter()
            .filter(|a| matches!(a.verdict, Verdict::Fail(_)))
            .count();
        if failed < self.attempts.len() {
            let first = self.verdict.detail();
            self.verdict = Verdict::Inconclusive(format!(
                "did not reproduce ({failed} of {}): the first attempt failed: {first}",
                self.attempts.len()
            ));
        }
    }

    /// Marks the case judged now: its duration runs from [`Outcome::new`] to here, unless it
    /// was set already, and its verdict is the worse of the one given and its findings'.
    pub fn finish(&mut self) {
        self.judge_findings();
        if self.requirements.is_empty() {
            self.requirements = crate::cites::check(&self.id);
        }
        if self.duration.is_zero() {
            self.duration = self.started.elapsed().unwrap_or_default();
        }
    }

    /// Takes what the case's readers tolerated into its verdict: the worse of the two. Judging
    /// twice changes nothing.
    pub fn judge_findings(&mut self) {
        self.verdict = self
            .findings
            .judge(std::mem::replace(&mut self.verdict, Verdict::Pass));
    }

    /// Keeps `text` in the reports under `name`.
    pub fn attach(&mut self, name: &str, text: String) {
        self.attachments.push((name.to_owned(), text));
    }
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
