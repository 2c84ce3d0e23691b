//! Verdicts: richer than pass and fail, so that a harness fault is never blamed on the device.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// The device departs from the manual.
    Fail(String),
    /// A departure the errata register names: the manual is ambiguous or real devices differ.
    NonStrict {
        erratum: &'static str,
        why: String,
    },
    /// The feature, hardware or licence is absent, or the case needs state no request can make.
    NotApplicable(String),
    /// A blast-radius tier the operator did not allow.
    Skipped(String),
    /// Undecidable from what the device did: a timing check whose own requests were late, a
    /// failure that did not reproduce.
    Inconclusive(String),
    /// The run's environment failed this case (the transport, the runner's own timeout), not
    /// the device: never counted as a device failure.
    Error(String),
}

/// The words with which a request that got no answer at all is reported, by the client
/// (`ClientError::Transport`) and the session (`SendError::NoAnswer`) alike.
pub const UNANSWERED: &str = "the request failed";

/// The start of the message of a request the session did not send because the device had
/// stopped answering.
pub const STALLED: &str = "not sent: the device stopped answering";

impl Verdict {
    /// A case that could not be decided: `error` when the reason is that a request got no
    /// answer (the transport, the runner's own timeout, a device that stopped answering), which
    /// is the run's environment; inconclusive otherwise (late, undecidable). It reads the words,
    /// for a reason that is only words by now; where the session's error is still at hand,
    /// `Stop::from(SendError)` decides by its kind ([`Stop::Unanswered`]).
    pub fn undecided(why: String) -> Self {
        if why.contains(UNANSWERED) || why.contains(STALLED) {
            Self::Error(why)
        } else {
            Self::Inconclusive(why)
        }
    }

    pub const fn id(&self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail(_) => "fail",
            Self::NonStrict { .. } => "non-strict",
            Self::NotApplicable(_) => "not-applicable",
            Self::Skipped(_) => "skipped",
            Self::Inconclusive(_) => "inconclusive",
            Self::Error(_) => "error",
        }
    }

    pub fn detail(&self) -> String {
        match self {
            Self::Pass => String::new(),
            Self::NonStrict { erratum, why } => format!("{why} (erratum {erratum})"),
            Self::Fail(why)
            | Self::NotApplicable(why)
            | Self::Skipped(why)
            | Self::Inconclusive(why)
            | Self::Error(why) => why.clone(),
        }
    }

    /// The worse of two verdicts of one case: a failure outweighs a non-strict finding,
    /// which outweighs a pass.
    pub fn worst(self, other: Self) -> Self {
        let rank = |v: &Self| match v {
            Self::Pass => 0,
            Self::NonStrict { .. } => 1,
            Self::Fail(_) => 2,
            _ => 3,
        };
        if rank(&other) > rank(&self) {
            other
        } else {
            self
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.detail().as_str() {
            "" => f.write_str(self.id()),
            detail => write!(f, "{}: {detail}", self.id()),
        }
    }
}

/// Why a check of more than one request (a model's step, an event, timing or coherence check)
/// ends short of a plain pass. Such a check returns `Result<String, Stop>`: `Ok` with what it
/// saw of a device that did as the manual says, `Err` with why not, which becomes the case's
/// verdict ([`Verdict::from`]). Its steps return `Result<_, Stop>` too, so that `?` carries a
/// departure up to the check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The device departs from the manual.
    Fail(String),
    /// A departure that the errata register rules non-strict.
    NonStrict { erratum: &'static str, why: String },
    /// The check does not apply to this device (a feature, a licence or a stimulus missing).
    NotApplicable(String),
    /// A request got no answer: the run's environment, an `error` whatever the words.
    Unanswered(String),
    /// The runner could not decide (its own requests too late, a scene that repeats, the
    /// harness failed): [`Verdict::undecided`] reads the words.
    Undecided(String),
}

/// A client's failure (a stimulus interface, a client of a check's own): undecided, by its words
/// (the client says [`UNANSWERED`] of a request that got no answer).
impl From<helios_client::ClientError> for Stop {
    fn from(error: helios_client::ClientError) -> Self {
        Self::Undecided(error.to_string())
    }
}

impl From<Stop> for Verdict {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::Fail(why) => Self::Fail(why),
            Stop::NonStrict { erratum, why } => Self::NonStrict { erratum, why },
            Stop::NotApplicable(why) => Self::NotApplicable(why),
            Stop::Unanswered(why) => Self::Error(why),
            Stop::Undecided(why) => Self::undecided(why),
        }
    }
}

/// Exit code: no case failed and at least one ran.
pub const EXIT_PASS: i32 = 0;
/// Exit code: the device departs from the manual in at least one case.
pub const EXIT_FAIL: i32 = 1;
/// Exit code: nothing failed, but what stands is undecided (inconclusive cases only, or cases
/// the run's environment failed).
pub const EXIT_UNDECIDED: i32 = 2;
/// Exit code: a usage, profile or declaration error, a selector that matches nothing, or a run
/// that sent no request case.
pub const EXIT_USAGE: i32 = 3;
/// Exit code: a setup error found by the preflight, or the device stopped answering: the lab's
/// problem, not a verdict on the device.
pub const EXIT_SETUP: i32 = 4;

/// The exit code of a run's verdicts: 4 when most cases that ran are `error` (the environment,
/// not the device); else 1 on any failure; else 2 when some case is `error` (a run whose
/// environment failed part of it is never green); else 0 when at least one case passed; else 2.
pub fn exit_code(verdicts: &[Verdict]) -> i32 {
    let errors = verdicts
        .iter()
        .filter(|v| matches!(v, Verdict::Error(_)))
        .count();
    let executed = verdicts
        .iter()
        .filter(|v| !matches!(v, Verdict::NotApplicable(_) | Verdict::Skipped(_)))
        .count();
    let failed = verdicts.iter().any(|v| matches!(v, Verdict::Fail(_)));
    let ran = verdicts
        .iter()
        .any(|v| matches!(v, Verdict::Pass | Verdict::NonStrict { .. }));
    if errors > 0 && errors * 2 >= executed {
        EXIT_SETUP
    } else if failed {
        EXIT_FAIL
    } else if errors > 0 {
        EXIT_UNDECIDED
    } else if ran {
        EXIT_PASS
    } else {
        EXIT_UNDECIDED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_that_executes_nothing_is_never_green() {
        assert_eq!(exit_code(&[]), 2);
        assert_eq!(exit_code(&[Verdict::Skipped("tier".into())]), 2);
        assert_eq!(exit_code(&[Verdict::Inconclusive("refused".into())]), 2);
        assert_eq!(
            exit_code(&[Verdict::Pass, Verdict::Inconclusive("x".into())]),
            0
        );
        assert_eq!(exit_code(&[Verdict::Pass, Verdict::Fail("x".into())]), 1);
    }

    #[test]
    fn a_request_without_an_answer_is_an_error_and_a_late_one_inconclusive() {
        let refused = format!("switch/ctrl: {UNANSWERED}: connection refused");
        assert_eq!(Verdict::undecided(refused.clone()), Verdict::Error(refused));
        // The client says it in the same words.
        let transport = format!("{}: reset", helios_client::UNANSWERED);
        assert!(matches!(Verdict::undecided(transport), Verdict::Error(_)));
        let late = "the reply came 2 s late".to_owned();
        assert_eq!(
            Verdict::undecided(late.clone()),
            Verdict::Inconclusive(late)
        );
    }

    #[test]
    fn errors_are_the_environment_never_the_device() {
        let error = || Verdict::Error("connection refused".into());
        assert_eq!(exit_code(&[error(), error(), Verdict::Pass]), EXIT_SETUP);
        assert_eq!(exit_code(&[error(), Verdict::Fail("x".into())]), EXIT_SETUP);
        assert_eq!(
            exit_code(&[
                error(),
                Verdict::Pass,
                Verdict::Pass,
                Verdict::Fail("x".into())
            ]),
            EXIT_FAIL
        );
        assert_eq!(
            exit_code(&[error(), Verdict::Pass, Verdict::Pass]),
            EXIT_UNDECIDED
        );
    }
}
