//! The channel model against the device: the context a run keeps (the recorder), the channels
//! a sequence opened, and each step sent and judged.

use super::judge::judge_pull;
use super::raise::raise;
use super::*;

/// What lives across the sequences of a run.
#[derive(Debug, Default)]
pub struct Context {
    recorder: Option<Recorder>,
    stimulus: Option<helios_client::Stimulus>,
    sources: Vec<Source>,
}

/// A channel the sequence opened.
#[derive(Debug)]
pub(super) struct Opened {
    pub(super) id: u32,
    pub(super) account: usize,
    pub(super) include: Include,
    pub(super) filter: Vec<String>,
    pub(super) sent: Instant,
    pub(super) received: Instant,
    /// The id of the last event it delivered.
    pub(super) last: u32,
    pub(super) closed: bool,
}

/// What one sequence knows.
#[derive(Debug, Default)]
pub struct Run {
    pub(super) channels: Vec<Opened>,
    pub(super) outputs: BTreeMap<String, bool>,
    pub(super) switches: BTreeMap<u8, bool>,
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
                    log.send(session, call).await?.success()?;
                    run.outputs.insert(port.clone(), false);
                }
                Source::Switch { switch } => {
                    let call = bistable(*switch, false);
                    log.send(session, call).await?.success()?;
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
                let result = answer.success()?;
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
                let delivered = log.records(answer.success()?)?;
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
                answer.success().map(|_| ())
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

pub(super) fn output(port: &str, on: bool) -> Call {
    Call::new(&io::ctrl::FUNCTION)
        .param("port", port)
        .param("action", if on { "on" } else { "off" })
}

pub(super) fn bistable(switch: u8, on: bool) -> Call {
    Call::new(&switch::ctrl::FUNCTION)
        .param("switch", switch)
        .param("action", if on { "on" } else { "off" })
}

/// A closed or unknown channel: 12 naming id; another code is non-strict.
pub(super) fn closed(answer: &Answer, log: &mut Log, what: &str) -> Result<(), Departure> {
    let others: Vec<(ErrorCode, &'static str)> = ErrorCode::ALL
        .into_iter()
        .filter(|c| *c != ErrorCode::InvalidParameter)
        .map(|c| (c, "unknown-subscription"))
        .collect();
    answer.refused(log, what, ErrorCode::InvalidParameter, Some("id"), &others)
}
