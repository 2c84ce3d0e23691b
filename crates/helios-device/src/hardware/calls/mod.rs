//! Telephone calls (manual 5.15 to 5.18 and the `CallStateChanged` event) with a simulated far
//! end, so that every call state can be reached over the API alone.
//!
//! # Sessions
//!
//! Every call, incoming or outgoing, gets a session id: a `u32` counting from 1, never reused
//! while the device runs. A call is active from its creation until it is terminated; terminated
//! sessions disappear from `call/status`. At most [`MAX_CALLS`] calls are active at once
//! (erratum `call-limit`).
//!
//! # Peers
//!
//! `peer` is always a SIP URI: a SIP URI is kept as given, a plain number `N` becomes
//! `sip:N@DOMAIN`, where `DOMAIN` is the `domain` of the profile's lowest-numbered SIP account
//! (`localhost` when the profile has none).
//!
//! # How the far end behaves
//!
//! An outgoing call is `connecting` from `call/dial` for [`CONNECTING_TIME`] (1 s). What happens
//! next depends on how the dialled number ends (for a SIP URI, its user part), after the SIP
//! response code each ending stands for:
//!
//! | number ends in | far end | states and times after `call/dial` |
//! |---|---|---|
//! | `486` (Busy Here) | busy | terminated, reason `busy`, at 1 s |
//! | `603` (Decline) | rejects | ringing at 1 s; terminated, reason `rejected`, at 3 s |
//! | `408` (Request Timeout) | never answers | ringing at 1 s; terminated, reason `noanswer`, at 31 s |
//! | anything else | answers | ringing at 1 s; connected at 3 s ([`RINGING_TIME`] of 2 s) |
//!
//! A connected call stays connected until `call/hangup`. An incoming call
//! ([`SimCalls::incoming`], the simulation's stimulus) is `ringing` at once; `call/answer`
//! connects it, and if nobody answers the caller gives up after [`NO_ANSWER_TIME`] (30 s):
//! terminated, reason `noanswer`. `call/hangup` terminates any active call with the reason it
//! gives (`normal` by default). Each change is one `CallStateChanged` event, with `reason` only
//! when the state is `terminated` (and only on firmware 2.14 or later, which added it).

use std::time::Duration;

use helios_spec::TextRule;
use helios_wire::event::Event;

use crate::profile::Profile;

mod far_end;
mod state;

pub use far_end::{CONNECTING_TIME, NO_ANSWER_TIME, RINGING_TIME};
use far_end::{FarEnd, Step};
pub use state::{CallState, Direction};

/// The most calls active at once (erratum `call-limit`).
pub const MAX_CALLS: usize = 4;

/// An active call.
#[derive(Clone, Debug)]
pub struct Session {
    pub session: u32,
    pub direction: Direction,
    pub state: CallState,
    pub peer: String,
    far_end: FarEnd,
    /// When the far end acts next, if it does.
    due: Option<Duration>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("session {0} is not an active call")]
    Unknown(u32),
    #[error("session {0} is not a ringing incoming call")]
    NotRinging(u32),
    #[error("{MAX_CALLS} calls are active already")]
    TooMany,
    #[error("`{0}` is neither a phone number nor a SIP URI")]
    InvalidPeer(String),
    #[error("every session id has been used")]
    Exhausted,
}

/// The active calls.
#[derive(Clone, Debug)]
pub struct SimCalls {
    sessions: Vec<Session>,
    next_session: Option<u32>,
    domain: String,
    /// Whether `CallStateChanged` carries `reason` on this firmware.
    with_reason: bool,
}

impl SimCalls {
    /// No calls; plain numbers are completed with `domain`.
    pub fn new(domain: String, with_reason: bool) -> Self {
        Self {
            sessions: Vec::new(),
            next_session: Some(1),
            domain,
            with_reason,
        }
    }

    /// The calls of a device with `profile`: plain numbers are completed with the domain of its
    /// lowest-numbered SIP account, and `reason` is sent when its firmware has it.
    pub fn from_profile(profile: &Profile) -> Self {
        let domain = profile
            .sip_accounts
            .iter()
            .min_by_key(|account| account.account)
            .map_or_else(|| "localhost".to_owned(), |account| account.domain.clone());
        let with_reason = helios_spec::event("CallStateChanged").is_some_and(|event| {
            event.params.iter().any(|field| {
                field.name == "reason"
                    && field.origin_in(event.origin).present_in(profile.firmware())
            })
        });
        Self::new(domain, with_reason)
    }

    /// `call/dial`: a new outgoing call, `connecting`. Returns its session and event.
    pub fn dial(&mut self, target: &str, now: Duration) -> Result<(u32, Event), CallError> {
        let peer = self.peer_uri(target)?;
        let far_end = FarEnd::of(target);
        self.open(
            Direction::Outgoing,
            CallState::Connecting,
            peer,
            far_end,
            now + CONNECTING_TIME,
        )
    }

    /// A call arrives from `peer` (a SIP URI or a number): `ringing` until answered, hung up, or
    /// [`NO_ANSWER_TIME`] has passed. Returns its session and event.
    pub fn incoming(&mut self, peer: &str, now: Duration) -> Result<(u32, Event), CallError> {
        let peer = self.peer_uri(peer)?;
        self.open(
            Direction::Incoming,
            CallState::Ringing,
            peer,
            FarEnd::Answers,
            now + NO_ANSWER_TIME,
        )
    }

    fn open(
        &mut self,
        direction: Direction,
        state: CallState,
        peer: String,
        far_end: FarEnd,
        due: Duration,
    ) -> Result<(u32, Event), CallError> {
        if self.sessions.len() >= MAX_CALLS {
            return Err(CallError::TooMany);
        }
        let session = self.next_session.ok_or(CallError::Exhausted)?;
        self.next_session = session.checked_add(1);
        let call = Session {
            session,
            direction,
            state,
            peer,
            far_end,
            due: Some(due),
        };
        let event = self.event(&call, None);
        self.sessions.push(call);
        Ok((session, event))
    }

    /// `call/answer`: connects a ringing incoming call.
    pub fn answer(&mut self, session: u32) -> Result<Event, CallError> {
        let call = self
            .sessions
            .iter_mut()
            .find(|call| call.session == session)
            .ok_or(CallError::Unknown(session))?;
        if (call.direction, call.state) != (Direction::Incoming, CallState::Ringing) {
            return Err(CallError::NotRinging(session));
        }
        call.state = CallState::Connected;
        call.due = None;
        let call = call.clone();
        Ok(self.event(&call, None))
    }

    /// `call/hangup`: terminates an active call with `reason`.
    pub fn hangup(&mut self, session: u32, reason: &str) -> Result<Event, CallError> {
        let index = self
            .sessions
            .iter()
            .position(|call| call.session == session)
            .ok_or(CallError::Unknown(session))?;
        let call = self.sessions.remove(index);
        Ok(self.event(&call, Some(reason)))
    }

    /// Lets the far ends act up to `now`, each change at its due time, in time order.
    pub fn settle(&mut self, now: Duration) -> Vec<(Duration, Event)> {
        let mut changes = Vec::new();
        while let Some(index) = self.earliest_due(now) {
            let call = &mut self.sessions[index];
            let at = call.due.unwrap_or(now);
            let ended = match far_end::step(call.direction, call.state, call.far_end, at) {
                Step::Becomes { state, due } => {
                    call.state = state;
                    call.due = due;
                    None
                }
                Step::Ends(reason) => Some(reason),
            };
            let call = match ended {
                Some(_) => self.sessions.remove(index),
                None => self.sessions[index].clone(),
            };
            changes.push((at, self.event(&call, ended)));
        }
        changes
    }

    fn earliest_due(&self, now: Duration) -> Option<usize> {
        self.sessions
            .iter()
            .enumerate()
            .filter_map(|(index, call)| call.due.filter(|due| *due <= now).map(|due| (due, index)))
            .min()
            .map(|(_, index)| index)
    }

    /// The earliest moment a far end acts.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.sessions.iter().filter_map(|call| call.due).min()
    }

    /// The active calls, oldest first.
    pub fn sessions(&self) -> impl Iterator<Item = &Session> {
        self.sessions.iter()
    }

    fn peer_uri(&self, target: &str) -> Result<String, CallError> {
        if TextRule::SipUri.matches(target) {
            Ok(target.to_owned())
        } else if TextRule::DialTarget.matches(target) {
            Ok(format!("sip:{target}@{}", self.domain))
        } else {
            Err(CallError::InvalidPeer(target.to_owned()))
        }
    }

    /// The `CallStateChanged` of `call` now in its state, or terminated with `reason`.
    fn event(&self, call: &Session, terminated: Option<&str>) -> Event {
        Event::CallStateChanged {
            direction: call.direction.name().to_owned(),
            state: match terminated {
                Some(_) => "terminated".to_owned(),
                None => call.state.name().to_owned(),
            },
            peer: call.peer.clone(),
            reason: terminated.filter(|_| self.with_reason).map(str::to_owned),
            session: call.session,
            call: None,
        }
    }
}

#[cfg(test)]
mod tests;
