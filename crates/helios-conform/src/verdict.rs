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
    /// The network or the harness failed, not the device.
    Inconclusive(String),
}

impl Verdict {
    pub const fn id(&self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail(_) => "fail",
            Self::NonStrict { .. } => "non-strict",
            Self::NotApplicable(_) => "not-applicable",
            Self::Skipped(_) => "skipped",
            Self::Inconclusive(_) => "inconclusive",
        }
    }

    pub fn detail(&self) -> String {
        match self {
            Self::Pass => String::new(),
            Self::NonStrict { erratum, why } => format!("{why} (erratum {erratum})"),
            Self::Fail(why)
            | Self::NotApplicable(why)
            | Self::Skipped(why)
            | Self::Inconclusive(why) => why.clone(),
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

/// The exit code of a run: 0 when nothing failed and at least one case ran, 1 on any failure,
/// 2 when only inconclusive cases stand (or nothing ran), 3 is for usage and profile errors.
pub fn exit_code(verdicts: &[Verdict]) -> i32 {
    let failed = verdicts.iter().any(|v| matches!(v, Verdict::Fail(_)));
    let ran = verdicts
        .iter()
        .any(|v| matches!(v, Verdict::Pass | Verdict::NonStrict { .. }));
    if failed {
        1
    } else if ran {
        0
    } else {
        2
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
}
