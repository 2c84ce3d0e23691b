//! The simulated far end of a call: what it does and when, as the table of the `calls` module
//! documentation says. Outgoing calls behave by the dialled number; incoming calls ring until
//! answered or [`NO_ANSWER_TIME`] has passed.

use std::time::Duration;

use super::state::{CallState, Direction};

/// How long an outgoing call is `connecting` before the far end answers the INVITE.
pub const CONNECTING_TIME: Duration = Duration::from_secs(1);
/// How long a far end that answers (or rejects) lets its phone ring.
pub const RINGING_TIME: Duration = Duration::from_secs(2);
/// How long a call rings before it ends unanswered, in both directions.
pub const NO_ANSWER_TIME: Duration = Duration::from_secs(30);

/// What the far end of a call does, decided by the number dialled (named after the SIP response
/// each number ending stands for).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FarEnd {
    Answers,
    /// 486 Busy Here.
    Busy,
    /// 603 Decline.
    Rejects,
    /// 408 Request Timeout.
    NeverAnswers,
}

impl FarEnd {
    pub(super) fn of(target: &str) -> Self {
        let user = user_part(target);
        if user.ends_with("486") {
            Self::Busy
        } else if user.ends_with("603") {
            Self::Rejects
        } else if user.ends_with("408") {
            Self::NeverAnswers
        } else {
            Self::Answers
        }
    }
}

/// The user part of a SIP URI (`sip:USER@host;params`), or the number itself.
pub(super) fn user_part(target: &str) -> &str {
    let Some(rest) = target
        .strip_prefix("sip:")
        .or_else(|| target.strip_prefix("sips:"))
    else {
        return target;
    };
    let end = rest.find(['@', ';', '?']).unwrap_or(rest.len());
    &rest[..end]
}

/// What happens to a call when its due time `at` comes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// The call moves to `state`; the far end acts again at `due`, if ever.
    Becomes {
        state: CallState,
        due: Option<Duration>,
    },
    /// The call is terminated with this reason.
    Ends(&'static str),
}

/// The far end's move for a call in `state` whose due time `at` has come.
pub(super) fn step(direction: Direction, state: CallState, far_end: FarEnd, at: Duration) -> Step {
    match (direction, state, far_end) {
        (Direction::Outgoing, CallState::Connecting, FarEnd::Busy) => Step::Ends("busy"),
        (Direction::Outgoing, CallState::Connecting, FarEnd::NeverAnswers) => Step::Becomes {
            state: CallState::Ringing,
            due: Some(at + NO_ANSWER_TIME),
        },
        (Direction::Outgoing, CallState::Connecting, _) => Step::Becomes {
            state: CallState::Ringing,
            due: Some(at + RINGING_TIME),
        },
        (Direction::Outgoing, CallState::Ringing, FarEnd::Answers) => Step::Becomes {
            state: CallState::Connected,
            due: None,
        },
        (Direction::Outgoing, CallState::Ringing, FarEnd::Rejects) => Step::Ends("rejected"),
        (_, CallState::Ringing, _) => Step::Ends("noanswer"),
        // A connected call (and an incoming one that never connects) has no due time; should one
        // come, the call stays as it is.
        (_, state, _) => Step::Becomes { state, due: None },
    }
}
