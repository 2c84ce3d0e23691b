//! The event channel model (manual 5.24 to 5.26): `log/subscribe` (`include`, `filter`,
//! `duration`), `log/pull` (`timeout`) and `log/unsubscribe` across several channels of several
//! accounts, interleaved with actions that raise events (outputs, bistable switches, and events
//! of the outside world through the stimulus interface when the device has one).
//!
//! The model predicts, for each channel, which events it must deliver, in id order and exactly
//! once, with the params the recorder saw (`recorder.rs`): those its filter names and its
//! account may see (5.24's privilege table), raised after it opened (`new`), ever (`all`) or
//! in its last `t` seconds (`-t`, a second either way being uncertain). An event raised while
//! a request was on its way may or may not be in it. Each action must raise its event with the
//! right params, once. An unsubscribed channel and an id that never existed answer 12 naming
//! `id` (erratum `unknown-subscription`; another code is non-strict).

use std::collections::BTreeMap;
use std::time::Duration;

use helios_client::Call;
use helios_spec::ErrorCode;
use helios_spec::functions::{io, log, switch};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest_state_machine::ReferenceStateMachine;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::events::{may_see, outside_world, records, sample_params};
use super::recorder::{Recorder, Seen};
use super::{Answer, Departure, Log, Model};
use crate::case::Login;
use crate::session::Session;

/// Channels a sequence holds open at once.
const MAX_OPEN: usize = 4;
/// A channel id no subscription returned.
const NEVER_OPENED: u32 = 0x7ead_beef;

/// What can raise an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    Output {
        port: String,
    },
    Switch {
        switch: u8,
    },
    /// An event of the outside world, through the stimulus interface.
    World {
        event: String,
    },
}

/// What the model knows: the accounts, the events the device records, the sources, and which
/// channel slots are open.
#[derive(Clone, Debug, Default)]
pub struct Channels {
    pub accounts: usize,
    pub events: Vec<String>,
    pub sources: Vec<Source>,
    open: Vec<bool>,
}

impl Channels {
    pub fn new(session: &Session<'_>) -> Self {
        let found = &session.discovered;
        let mut sources: Vec<Source> = found
            .outputs
            .iter()
            .map(|port| Source::Output { port: port.clone() })
            .collect();
        sources.extend(
            found
                .switch_caps
                .iter()
                .filter(|c| c.enabled && c.monostable.is_none())
                .map(|c| Source::Switch { switch: c.switch }),
        );
        if session.profile.stimulus_url.is_some() {
            sources.extend(
                outside_world(&found.events, session.firmware)
                    .into_iter()
                    .map(|e| Source::World {
                        event: e.name.to_owned(),
                    }),
            );
        }
        Self {
            accounts: session.profile.accounts.len(),
            events: found.events.clone(),
            sources,
            open: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Include {
    New,
    All,
    Last(u32),
}

impl Include {
    fn word(self) -> String {
        match self {
            Self::New => "new".into(),
            Self::All => "all".into(),
            Self::Last(seconds) => format!("-{seconds}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "lowercase")]
pub enum ChannelStep {
    Subscribe {
        account: usize,
        include: Include,
        filter: Vec<String>,
        duration: u32,
    },
    Pull {
        channel: usize,
        timeout: u32,
    },
    Unsubscribe {
        channel: usize,
    },
    /// Pulls (or unsubscribes, with `unsubscribe`) an id no subscription returned.
    Never {
        unsubscribe: bool,
    },
    Raise {
        source: usize,
        variant: bool,
    },
}

impl ReferenceStateMachine for Channels {
    type State = Self;
    type Transition = ChannelStep;

    /// A device with no accounts; the driver starts from the discovered state instead.
    fn init_state() -> BoxedStrategy<Self> {
        Just(Self::default()).boxed()
    }

    fn transitions(state: &Self) -> BoxedStrategy<ChannelStep> {
        let accounts = state.accounts.max(1);
        let slots = state.open.len().max(1);
        let sources = state.sources.len().max(1);
        let events = state.events.clone();
        let filter = if events.is_empty() {
            Just(Vec::new()).boxed()
        } else {
            prop_oneof![
                2 => Just(Vec::new()),
                3 => subsequence(events.clone(), 1..=events.len().min(3)),
            ]
            .boxed()
        };
        let include = prop_oneof![
            4 => Just(Include::New),
            1 => Just(Include::All),
            1 => select(vec![2u32, 3600]).prop_map(Include::Last),
        ];
        prop_oneof![
            3 => (0..accounts, include, filter, select(vec![60u32, 600])).prop_map(
                |(account, include, filter, duration)| ChannelStep::Subscribe {
                    account, include, filter, duration
                }
            ),
            5 => (0..slots, prop_oneof![9 => Just(0u32), 1 => Just(1u32)])
                .prop_map(|(channel, timeout)| ChannelStep::Pull { channel, timeout }),
            1 => (0..slots).prop_map(|channel| ChannelStep::Unsubscribe { channel }),
            1 => any::<bool>().prop_map(|unsubscribe| ChannelStep::Never { unsubscribe }),
            5 => (0..sources, any::<bool>())
                .prop_map(|(source, variant)| ChannelStep::Raise { source, variant }),
        ]
        .boxed()
    }

    fn preconditions(state: &Self, transition: &ChannelStep) -> bool {
        match transition {
            ChannelStep::Subscribe { account, .. } => {
                *account < state.accounts.max(1)
                    && state.open.iter().filter(|o| **o).count() < MAX_OPEN
            }
            ChannelStep::Pull { channel, .. } | ChannelStep::Unsubscribe { channel } => {
                *channel < state.open.len()
            }
            ChannelStep::Raise { source, .. } => *source < state.sources.len(),
            ChannelStep::Never { .. } => true,
        }
    }

    fn apply(mut state: Self, transition: &ChannelStep) -> Self {
        match transition {
            ChannelStep::Subscribe { .. } => state.open.push(true),
            ChannelStep::Unsubscribe { channel } => {
                if let Some(open) = state.open.get_mut(*channel) {
                    *open = false;
                }
            }
            _ => {}
        }
        state
    }
}

/// What lives across the sequences of a run.
#[derive(Debug, Default)]
pub struct Context {
    recorder: Option<Recorder>,
    stimulus: Option<helios_client::Stimulus>,
    sources: Vec<Source>,
}

/// A channel the sequence opened.
#[derive(Debug)]
struct Opened {
    id: u32,
    account: usize,
    include: Include,
    filter: Vec<String>,
    sent: Instant,
    received: Instant,
    /// The id of the last event it delivered.
    last: u32,
    closed: bool,
}

/// Whether a channel must, may or must not carry an event, by when it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    Must,
    May,
    Never,
}

/// What one sequence knows.
#[derive(Debug, Default)]
pub struct Run {
    channels: Vec<Opened>,
    outputs: BTreeMap<String, bool>,
    switches: BTreeMap<u8, bool>,
}

impl Model for Channels {
    const ID: &'static str = "model.channel";
    const FUNCTION: &'static helios_spec::Function = &log::pull::FUNCTION;
    const EXPECTED: &'static str = "each channel delivers the events its include, filter and \
        account's privileges call for, in order, exactly once, with the params raised; closed \
        and unknown ids answer 12";
    type Context = Context;
    type Run = Run;

    fn not_applicable(state: &Self) -> Option<String> {
        state
            .sources
            .is_empty()
            .then(|| "the device has no output, bistable switch or stimulus interface".into())
    }

    async fn start(
        session: &mut Session<'_>,
        context: &mut Context,
        state: &Self,
        log: &mut Log,
    ) -> Result<Run, Departure> {
        let mut run = Run::default();
        for source in &state.sources {
            match source {
                Source::Output { port } => {
                    let call = output(port, false);
                    log.send(session, call).await?.success("io/ctrl off")?;
                    run.outputs.insert(port.clone(), false);
                }
                Source::Switch { switch } => {
                    let call = bistable(*switch, false);
                    log.send(session, call).await?.success("switch/ctrl off")?;
                    run.switches.insert(*switch, false);
                }
                Source::World { .. } => {}
            }
        }
        context.sources.clone_from(&state.sources);
        match &mut context.recorder {
            Some(recorder) => {
                recorder.refresh(session, log, 0).await?;
            }
            None => context.recorder = Some(Recorder::open(session, log).await?),
        }
        Ok(run)
    }

    async fn step(
        session: &mut Session<'_>,
        context: &mut Context,
        run: &mut Run,
        transition: &ChannelStep,
        log: &mut Log,
    ) -> Result<(), Departure> {
        let Context {
            recorder,
            stimulus,
            sources,
        } = context;
        let Some(recorder) = recorder else {
            return Err(Departure::Harness("no recorder channel".into()));
        };
        match transition {
            ChannelStep::Subscribe {
                account,
                include,
                filter,
                duration,
            } => {
                // Events raised before now are known, with their times, before it opens.
                recorder.refresh(session, log, 0).await?;
                let mut call = Call::new(&log::subscribe::FUNCTION)
                    .param("include", include.word())
                    .param("duration", *duration);
                if !filter.is_empty() {
                    call = call.param("filter", filter.join(","));
                }
                let answer = log.send_as(session, Login::Account(*account), call).await?;
                let result = answer.success("log/subscribe")?;
                let id = result["id"]
                    .as_u64()
                    .and_then(|id| u32::try_from(id).ok())
                    .ok_or_else(|| {
                        Departure::Fail(format!("log/subscribe gave no id: {result}"))
                    })?;
                if run.channels.iter().any(|c| c.id == id && !c.closed) {
                    return Err(Departure::Fail(format!(
                        "log/subscribe returned id {id}, which an open channel has"
                    )));
                }
                run.channels.push(Opened {
                    id,
                    account: *account,
                    include: *include,
                    filter: filter.clone(),
                    sent: answer.sent,
                    received: answer.received,
                    last: 0,
                    closed: false,
                });
                Ok(())
            }
            ChannelStep::Pull { channel, timeout } => {
                let Some(opened) = run.channels.get(*channel) else {
                    return Ok(());
                };
                let call = Call::new(&log::pull::FUNCTION)
                    .param("id", opened.id)
                    .param("timeout", *timeout);
                let login = Login::Account(opened.account);
                let answer = log.send_as(session, login, call).await?;
                if opened.closed {
                    return closed(&answer, log, "log/pull of an unsubscribed channel");
                }
                recorder.refresh(session, log, 0).await?;
                let delivered = records(answer.success("log/pull")?).map_err(Departure::Fail)?;
                let sent = answer.sent;
                judge_pull(
                    session,
                    recorder,
                    &mut run.channels[*channel],
                    &delivered,
                    sent,
                )
            }
            ChannelStep::Unsubscribe { channel } => {
                let Some(opened) = run.channels.get_mut(*channel) else {
                    return Ok(());
                };
                let call = Call::new(&log::unsubscribe::FUNCTION).param("id", opened.id);
                let was_closed = opened.closed;
                opened.closed = true;
                let answer = log.send(session, call).await?;
                if was_closed {
                    return closed(&answer, log, "log/unsubscribe of an unsubscribed channel");
                }
                answer.success("log/unsubscribe").map(|_| ())
            }
            ChannelStep::Never { unsubscribe } => {
                let function = if *unsubscribe {
                    &log::unsubscribe::FUNCTION
                } else {
                    &log::pull::FUNCTION
                };
                let answer = log
                    .send(session, Call::new(function).param("id", NEVER_OPENED))
                    .await?;
                closed(&answer, log, "an id no subscription returned")
            }
            ChannelStep::Raise { source, variant } => {
                let source = sources.get(*source).cloned();
                raise(session, recorder, stimulus, run, source, *variant, log).await
            }
        }
    }

    async fn finish(session: &mut Session<'_>, _: &mut Context, run: Run) {
        let mut log = Log::default();
        for opened in run.channels.iter().filter(|c| !c.closed) {
            let call = Call::new(&log::unsubscribe::FUNCTION).param("id", opened.id);
            let _ = log.send(session, call).await;
        }
    }

    async fn close(session: &mut Session<'_>, context: Context) {
        if let Some(recorder) = context.recorder {
            recorder.close(session).await;
        }
    }
}

fn output(port: &str, on: bool) -> Call {
    Call::new(&io::ctrl::FUNCTION)
        .param("port", port)
        .param("action", if on { "on" } else { "off" })
}

fn bistable(switch: u8, on: bool) -> Call {
    Call::new(&switch::ctrl::FUNCTION)
        .param("switch", switch)
        .param("action", if on { "on" } else { "off" })
}

/// A closed or unknown channel: 12 naming id; another code is non-strict.
fn closed(answer: &Answer, log: &mut Log, what: &str) -> Result<(), Departure> {
    let others: Vec<(ErrorCode, &'static str)> = ErrorCode::ALL
        .into_iter()
        .filter(|c| *c != ErrorCode::InvalidParameter)
        .map(|c| (c, "unknown-subscription"))
        .collect();
    answer.refused(log, what, ErrorCode::InvalidParameter, Some("id"), &others)
}

/// Sends an action that raises an event, then checks that the recorder saw exactly the
/// events the model predicts, with their params.
async fn raise(
    session: &mut Session<'_>,
    recorder: &mut Recorder,
    stimulus: &mut Option<helios_client::Stimulus>,
    run: &mut Run,
    source: Option<Source>,
    variant: bool,
    log: &mut Log,
) -> Result<(), Departure> {
    let Some(source) = source else {
        return Ok(());
    };
    let (what, expected, answer) = match &source {
        Source::Output { port } => {
            let was = run.outputs.insert(port.clone(), variant).unwrap_or(false);
            let answer = log.send(session, output(port, variant)).await?;
            answer.success("io/ctrl")?;
            let event = json!({"port": port, "state": variant});
            let expected = (was != variant).then_some(("OutputChanged".to_owned(), event));
            (format!("io/ctrl port={port}"), expected, answer)
        }
        Source::Switch { switch } => {
            let was = run.switches.insert(*switch, variant).unwrap_or(false);
            let answer = log.send(session, bistable(*switch, variant)).await?;
            answer.success("switch/ctrl")?;
            let event = json!({"switch": switch, "state": variant});
            let expected = (was != variant).then_some(("SwitchStateChanged".to_owned(), event));
            (format!("switch/ctrl switch={switch}"), expected, answer)
        }
        Source::World { event } => {
            let Some(spec) = helios_spec::event(event) else {
                return Ok(());
            };
            let params = sample_params(spec, variant);
            let stimulus = match stimulus {
                Some(stimulus) => stimulus,
                None => stimulus.insert(super::stimulus(session)?),
            };
            let sent = Instant::now();
            stimulus
                .event(event, &params)
                .await
                .map_err(|e| Departure::Harness(e.to_string()))?;
            let answer = Answer {
                sent,
                received: Instant::now(),
                reply: Ok(Value::Null),
            };
            (
                format!("the stimulus {event}"),
                Some((event.clone(), params)),
                answer,
            )
        }
    };
    let before = recorder.seen.len();
    recorder.refresh(session, log, 0).await?;
    let wait = session.profile.tolerances.event_ms.div_ceil(1000);
    let found = |recorder: &Recorder, name: &str, params: &Value| {
        recorder.seen[before..]
            .iter()
            .filter(|s| s.record.is(name, params))
            .count()
    };
    if let Some((name, params)) = &expected
        && found(recorder, name, params) == 0
    {
        recorder.refresh(session, log, wait).await?;
    }
    // What the action raised happened while it was on its way.
    let mut matched = 0;
    for seen in &mut recorder.seen[before..] {
        if let Some((name, params)) = &expected
            && seen.record.is(name, params)
        {
            seen.lo = Some(answer.sent);
            seen.hi = answer.received;
            matched += 1;
        }
    }
    match (&expected, matched) {
        (None, _) | (Some(_), 1) => Ok(()),
        (Some((name, params)), 0) => Err(Departure::Fail(format!(
            "{what} raised no {name} {params} within {} ms",
            session.profile.tolerances.event_ms
        ))),
        (Some((name, params)), count) => Err(Departure::Fail(format!(
            "{what} raised {name} {params} {count} times"
        ))),
    }
}

/// When the channel must carry an event.
fn due(channel: &Opened, seen: &Seen) -> Due {
    let after_open = seen.lo.is_some_and(|lo| lo > channel.received);
    let before_open = seen.hi < channel.sent;
    match channel.include {
        Include::All => Due::Must,
        Include::New if after_open => Due::Must,
        Include::New if before_open => Due::Never,
        Include::New => Due::May,
        Include::Last(_) if after_open => Due::Must,
        Include::Last(seconds) => {
            // The device counts whole seconds: a second either way is uncertain.
            let window = Duration::from_secs(u64::from(seconds));
            let second = Duration::from_secs(1);
            let recent = seen
                .lo
                .is_some_and(|lo| channel.received.saturating_duration_since(lo) + second < window);
            let old = channel.sent.saturating_duration_since(seen.hi) > window + second;
            if recent {
                Due::Must
            } else if old {
                Due::Never
            } else {
                Due::May
            }
        }
    }
}

/// Judges what one pull delivered.
fn judge_pull(
    session: &Session<'_>,
    recorder: &Recorder,
    channel: &mut Opened,
    delivered: &[super::events::Record],
    pull_sent: Instant,
) -> Result<(), Departure> {
    let account = session.profile.accounts.get(channel.account);
    let user = account.map_or("anonymous", |a| a.user.as_str());
    let carries = |name: &str| {
        (channel.filter.is_empty() || channel.filter.iter().any(|f| f == name))
            && may_see(account, name)
    };
    let label = format!(
        "channel {} ({user}, include={}, filter={:?})",
        channel.id,
        channel.include.word(),
        channel.filter
    );
    for record in delivered {
        if record.id <= channel.last {
            return Err(Departure::Fail(format!(
                "{label} delivered event {} after event {}: twice, or out of order",
                record.id, channel.last
            )));
        }
        let Some(seen) = recorder.find(record.id) else {
            if Login::Account(channel.account) != session.full_login() {
                // An event the recorder's account may not see: nothing to compare it with.
                channel.last = record.id;
                continue;
            }
            return Err(Departure::Fail(format!(
                "{label} delivered event {} ({}), which the device's history does not hold",
                record.id, record.name
            )));
        };
        if seen.record.name != record.name || seen.record.params != record.params {
            return Err(Departure::Fail(format!(
                "{label} delivered event {} as {} {}, the history has {} {}",
                record.id, record.name, record.params, seen.record.name, seen.record.params
            )));
        }
        if !carries(&record.name) {
            return Err(Departure::Fail(format!(
                "{label} delivered {} {}, which its filter or {user}'s privileges exclude",
                record.name, record.params
            )));
        }
        if due(channel, seen) == Due::Never {
            return Err(Departure::Fail(format!(
                "{label} delivered {} {} (event {}), raised before its include allows",
                record.name, record.params, record.id
            )));
        }
        // Nothing due may be skipped on the way.
        if let Some(skipped) = owed(recorder, channel, &carries, record.id, None) {
            return Err(Departure::Fail(format!(
                "{label} skipped {} {} (event {}) before delivering event {}",
                skipped.record.name, skipped.record.params, skipped.record.id, record.id
            )));
        }
        channel.last = record.id;
    }
    // A pull short of a full batch delivers everything due that happened before it was sent.
    if delivered.len() < helios_spec::functions::log::PULL_BATCH
        && let Some(missing) = owed(recorder, channel, &carries, u32::MAX, Some(pull_sent))
    {
        return Err(Departure::Fail(format!(
            "{label} did not deliver {} {} (event {})",
            missing.record.name, missing.record.params, missing.record.id
        )));
    }
    Ok(())
}

/// The first event the channel owes below `below`, raised before `by` when given.
fn owed<'r>(
    recorder: &'r Recorder,
    channel: &Opened,
    carries: &dyn Fn(&str) -> bool,
    below: u32,
    by: Option<Instant>,
) -> Option<&'r Seen> {
    recorder.seen.iter().find(|seen| {
        seen.record.id > channel.last
            && seen.record.id < below
            && by.is_none_or(|by| seen.hi < by)
            && carries(&seen.record.name)
            && due(channel, seen) == Due::Must
    })
}
