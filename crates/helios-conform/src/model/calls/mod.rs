//! The call model (manual 5.15 to 5.18): `call/dial`, `call/answer`, `call/hangup` and
//! `call/status` across several sessions, and incoming calls rung through the stimulus
//! interface when the device has one.
//!
//! The far end is the world's: a call may progress or end at any moment, so the model checks
//! what the manual fixes whatever the far end does. A dialled call is outgoing and its state
//! only moves forward (connecting, ringing, connected); an incoming call is never
//! `connecting`; an answered call is connected; a call hung up or seen ended never comes back;
//! answering an outgoing or unanswerable call and naming an ended or unknown session answer
//! 12 naming `session` (14 is non-strict: errata `call-answer-state`, `unknown-session`); a
//! refusal of a live call is only right when the call has in fact ended, which the runner
//! checks. At most four calls at once (erratum `call-limit`: another limit is non-strict).

use helios_client::{Call, Stimulus};
use helios_spec::ErrorCode;
use helios_spec::functions::call;
use proptest::prelude::*;
use proptest::sample::select;
use proptest_state_machine::ReferenceStateMachine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Departure, Log, Model};
use crate::session::Session;

/// The calls the reference intercom holds at once (erratum `call-limit`).
const CALL_LIMIT: usize = 4;
/// A session id no sequence reaches: far above any id a device counting from 1 hands out.
const UNKNOWN_SESSION: u32 = 0x7fff_fff0;
/// Who rings the device's incoming calls.
const CALLER: &str = "sip:2229@192.0.2.7";

/// What the model may do and the calls it made: whether each is incoming and whether it was
/// hung up.
#[derive(Clone, Debug, Default)]
pub struct Calls {
    pub numbers: Vec<String>,
    /// The stimulus interface's URL: incoming calls can be rung.
    pub stimulus: Option<String>,
    calls: Vec<(bool, bool)>,
}

impl Calls {
    pub fn new(numbers: Vec<String>, stimulus: Option<String>) -> Self {
        Self {
            numbers,
            stimulus,
            calls: Vec::new(),
        }
    }

    fn live(&self) -> usize {
        self.calls.iter().filter(|(_, ended)| !ended).count()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Answer,
    Hangup,
    Status,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "lowercase")]
pub enum CallStep {
    /// Dials the profile's number at this index.
    Dial {
        number: usize,
    },
    /// An incoming call rings (stimulus interface).
    Ring,
    /// Sends `op` for the call made at this index of the sequence.
    Session {
        op: Op,
        call: usize,
        reason: Option<String>,
    },
    /// Sends `op` for a session that never existed.
    Unknown {
        op: Op,
    },
    /// `call/status` of every call.
    Status,
    Wait {
        ms: u64,
    },
}

impl ReferenceStateMachine for Calls {
    type State = Self;
    type Transition = CallStep;

    /// A device with nothing to dial; the driver starts from the profile's numbers instead.
    fn init_state() -> BoxedStrategy<Self> {
        Just(Self::default()).boxed()
    }

    fn transitions(state: &Self) -> BoxedStrategy<CallStep> {
        if state.numbers.is_empty() {
            return Just(CallStep::Status).boxed();
        }
        let ring = if state.stimulus.is_some() { 2 } else { 0 };
        let ops = vec![Op::Answer, Op::Hangup, Op::Hangup, Op::Status];
        let reasons = vec![None, Some("normal"), Some("rejected"), Some("busy")];
        let made = state.calls.len().max(1);
        prop_oneof![
            3 => (0..state.numbers.len()).prop_map(|number| CallStep::Dial { number }),
            ring => Just(CallStep::Ring),
            6 => (select(ops.clone()), 0..made, select(reasons)).prop_map(|(op, call, reason)| {
                CallStep::Session { op, call, reason: reason.map(str::to_owned) }
            }),
            1 => select(ops).prop_map(|op| CallStep::Unknown { op }),
            3 => Just(CallStep::Status),
            1 => select(vec![100u64, 400]).prop_map(|ms| CallStep::Wait { ms }),
        ]
        .boxed()
    }

    fn preconditions(state: &Self, transition: &CallStep) -> bool {
        match transition {
            CallStep::Dial { number } => *number < state.numbers.len() && state.live() < CALL_LIMIT,
            CallStep::Ring => state.stimulus.is_some() && state.live() < CALL_LIMIT,
            CallStep::Session { call, .. } => *call < state.calls.len(),
            _ => true,
        }
    }

    fn apply(mut state: Self, transition: &CallStep) -> Self {
        match transition {
            CallStep::Dial { .. } => state.calls.push((false, false)),
            CallStep::Ring => state.calls.push((true, false)),
            CallStep::Session {
                op: Op::Hangup,
                call,
                ..
            } => {
                if let Some(made) = state.calls.get_mut(*call) {
                    made.1 = true;
                }
            }
            _ => {}
        }
        state
    }
}

/// A call as the runner knows it.
impl Model for Calls {
    const ID: &'static str = "model.call";
    const FUNCTION: &'static helios_spec::Function = &call::dial::FUNCTION;
    const EXPECTED: &'static str = "call/dial, answer, hangup and status follow the call state \
        machine across sessions, whatever the far end does";
    /// The stimulus interface's client, made once.
    type Context = Option<Stimulus>;
    type Run = Run;

    fn not_applicable(state: &Self) -> Option<String> {
        state
            .numbers
            .is_empty()
            .then(|| "the profile names no number the runner may dial ([calls] numbers)".into())
    }

    async fn start(
        session: &mut Session<'_>,
        _: &mut Option<Stimulus>,
        _: &Self,
        log: &mut Log,
    ) -> Result<Run, Departure> {
        hang_up_all(session, log).await?;
        Ok(Run::default())
    }

    async fn step(
        session: &mut Session<'_>,
        ringer: &mut Option<Stimulus>,
        run: &mut Run,
        transition: &CallStep,
        log: &mut Log,
    ) -> Result<(), Departure> {
        match transition {
            CallStep::Dial { number } => {
                let number = session
                    .profile
                    .dial_numbers
                    .get(*number)
                    .cloned()
                    .unwrap_or_default();
                let call = Call::new(&call::dial::FUNCTION).param("number", number.as_str());
                let answer = log.send(session, call).await?;
                let made = match &answer.reply {
                    Ok(result) => Some(session_id(result, &answer.request)?),
                    Err(refusal)
                        if refusal.code == u64::from(ErrorCode::ProcessingError.code()) =>
                    {
                        limit(run, log)?;
                        None
                    }
                    Err(_) => {
                        answer.success()?;
                        None
                    }
                };
                fresh(run, made)?;
                run.calls.push(Tracked {
                    session: made,
                    incoming: false,
                    phase: 0,
                    ended: false,
                });
                Ok(())
            }
            CallStep::Ring => {
                let stimulus = match ringer {
                    Some(stimulus) => stimulus,
                    None => ringer.insert(super::stimulus(session)?),
                };
                let made = match stimulus.incoming_call(CALLER).await {
                    Ok(answer) => Some(session_id(&answer, "the stimulus interface's call")?),
                    Err(_) => {
                        limit(run, log)?;
                        None
                    }
                };
                fresh(run, made)?;
                run.calls.push(Tracked {
                    session: made,
                    incoming: true,
                    phase: 1,
                    ended: false,
                });
                Ok(())
            }
            CallStep::Unknown { op } => {
                let answer = log
                    .send(session, op_call(*op, UNKNOWN_SESSION, None))
                    .await?;
                let what = format!("{op:?} of session {UNKNOWN_SESSION}, which never existed");
                unknown(&answer, log, &what)
            }
            CallStep::Status => status(session, run, log).await,
            CallStep::Session { op, call, reason } => {
                let Some(tracked) = run.calls.get(*call) else {
                    return Ok(());
                };
                let Some(id) = tracked.session else {
                    return Ok(());
                };
                let answer = log
                    .send(session, op_call(*op, id, reason.as_deref()))
                    .await?;
                let what = format!("{op:?} of session {id}");
                let (ended, incoming, phase) = (tracked.ended, tracked.incoming, tracked.phase);
                if ended {
                    return unknown(&answer, log, &format!("{what}, which ended"));
                }
                let refused_code = answer.reply.as_ref().err().map(|r| r.code);
                match (op, refused_code) {
                    (Op::Answer, _) if !incoming || phase == 2 => answer.refused(
                        log,
                        &format!("{what}, which is not a ringing incoming call"),
                        ErrorCode::InvalidParameter,
                        Some("session"),
                        &[(ErrorCode::ProcessingError, "call-answer-state")],
                    ),
                    (Op::Answer, None) => {
                        run.calls[*call].phase = 2;
                        Ok(())
                    }
                    (Op::Hangup, None) => {
                        run.calls[*call].ended = true;
                        Ok(())
                    }
                    (Op::Status, None) => {
                        let result = answer.success()?.clone();
                        observe(run, &result, Some(id), log)
                    }
                    // A refusal is right only if the far end ended the call meanwhile.
                    (_, Some(_)) => {
                        unknown(&answer, log, &what)?;
                        confirm_ended(session, id, log, &what).await?;
                        run.calls[*call].ended = true;
                        Ok(())
                    }
                }
            }
            CallStep::Wait { ms } => {
                tokio::time::sleep(std::time::Duration::from_millis(*ms)).await;
                Ok(())
            }
        }
    }

    async fn finish(_: &mut Session<'_>, _: &mut Option<Stimulus>, _: Run) {}

    async fn close(session: &mut Session<'_>, _: Option<Stimulus>) {
        let _ = hang_up_all(session, &mut Log::default()).await;
    }
}

mod track;
pub use track::Run;
use track::{
    Tracked, confirm_ended, fresh, hang_up_all, limit, observe, op_call, session_id, status,
    unknown,
};
