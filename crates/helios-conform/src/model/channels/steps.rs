//! The channel model against the device: the context its case keeps (the recorder), and each step
//! sent and judged.

use super::judge::judge_pull;
use super::known::{KnownChannels, Opened, bistable, output};
use super::raise::raise;
use super::*;

/// What lives across the sequences of the model's case.
#[derive(Debug, Default)]
pub struct Context {
    recorder: Option<Recorder>,
    stimulus: Option<helios_client::Stimulus>,
    sources: Vec<Source>,
}

impl Model for Channels {
    const ID: &'static str = "model.channel";
    const FUNCTION: &'static helios_spec::Function = &log::pull::FUNCTION;
    const EXPECTED: &'static str = "each channel delivers the events its include, filter and \
        account's privileges call for, in order, exactly once, with the params raised; closed \
        and unknown ids answer 12";
    type Context = Context;
    type Known = KnownChannels;

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
        transcript: &mut Transcript,
    ) -> Result<KnownChannels, Stop> {
        let mut known = KnownChannels::default();
        for source in &state.sources {
            match source {
                Source::Output { port } => {
                    let call = output(port, false);
                    transcript.send(session, call).await?.success()?;
                    known.outputs.insert(port.clone(), false);
                }
                Source::Switch { switch } => {
                    let call = bistable(*switch, false);
                    transcript.send(session, call).await?.success()?;
                    known.switches.insert(*switch, false);
                }
                Source::World { .. } => {}
            }
        }
        context.sources.clone_from(&state.sources);
        match &mut context.recorder {
            Some(recorder) => {
                recorder.refresh(session, transcript, 0).await?;
            }
            None => context.recorder = Some(Recorder::open(session, transcript).await?),
        }
        Ok(known)
    }

    async fn step(
        session: &mut Session<'_>,
        context: &mut Context,
        known: &mut KnownChannels,
        transition: &ChannelStep,
        transcript: &mut Transcript,
    ) -> Result<(), Stop> {
        let Context {
            recorder,
            stimulus,
            sources,
        } = context;
        let Some(recorder) = recorder else {
            return Err(Stop::Undecided("no recorder channel".into()));
        };
        match transition {
            ChannelStep::Subscribe {
                account,
                include,
                filter,
                duration,
            } => {
                // Events raised before now are known, with their times, before it opens.
                recorder.refresh(session, transcript, 0).await?;
                let call = subscribe(*include, filter, *duration);
                let answer = transcript
                    .send_as(session, Login::Account(*account), call)
                    .await?;
                opened(known, &answer, *account, *include, filter)
            }
            ChannelStep::Pull { channel, timeout } => {
                pull(session, recorder, known, *channel, *timeout, transcript).await
            }
            ChannelStep::Unsubscribe { channel } => {
                unsubscribe(session, known, *channel, transcript).await
            }
            ChannelStep::Never { unsubscribe } => {
                let function = if *unsubscribe {
                    &log::unsubscribe::FUNCTION
                } else {
                    &log::pull::FUNCTION
                };
                let answer = transcript
                    .send(session, Call::new(function).param("id", NEVER_OPENED))
                    .await?;
                closed(&answer, transcript, "an id no subscription returned")
            }
            ChannelStep::Raise { source, variant } => {
                let source = sources.get(*source).cloned();
                raise(
                    session, recorder, stimulus, known, source, *variant, transcript,
                )
                .await
            }
        }
    }

    async fn finish(session: &mut Session<'_>, _: &mut Context, known: KnownChannels) {
        let mut transcript = Transcript::default();
        for opened in known.channels.iter().filter(|c| !c.closed) {
            let call = Call::new(&log::unsubscribe::FUNCTION).param("id", opened.id);
            let login = Login::Account(opened.account);
            let _ = transcript.send_as(session, login, call).await;
        }
    }

    async fn close(session: &mut Session<'_>, context: Context) {
        if let Some(recorder) = context.recorder {
            recorder.close(session).await;
        }
    }
}

/// `log/subscribe` with these parameters.
fn subscribe(include: Include, filter: &[String], duration: u32) -> Call {
    let call = Call::new(&log::subscribe::FUNCTION)
        .param("include", include.word())
        .param("duration", duration);
    if filter.is_empty() {
        call
    } else {
        call.param("filter", filter.join(","))
    }
}

/// The channel `log/subscribe` answered with: a fresh id, now open.
fn opened(
    known: &mut KnownChannels,
    answer: &Answer,
    account: usize,
    include: Include,
    filter: &[String],
) -> Result<(), Stop> {
    let result = answer.success()?;
    let id = result["id"]
        .as_u64()
        .and_then(|id| u32::try_from(id).ok())
        .ok_or_else(|| Stop::Fail(format!("log/subscribe gave no id: {result}")))?;
    if known.channels.iter().any(|c| c.id == id && !c.closed) {
        return Err(Stop::Fail(format!(
            "log/subscribe returned id {id}, which an open channel has"
        )));
    }
    known.channels.push(Opened {
        id,
        account,
        include,
        filter: filter.to_vec(),
        sent: answer.sent,
        received: answer.received,
        last: 0,
        closed: false,
    });
    Ok(())
}

/// `log/pull` of the channel opened at index `channel`, as its account, judged against what
/// the recorder saw; 12 once it was unsubscribed.
async fn pull(
    session: &mut Session<'_>,
    recorder: &mut Recorder,
    known: &mut KnownChannels,
    channel: usize,
    timeout: u32,
    transcript: &mut Transcript,
) -> Result<(), Stop> {
    let Some(opened) = known.channels.get(channel) else {
        return Ok(());
    };
    let call = Call::new(&log::pull::FUNCTION)
        .param("id", opened.id)
        .param("timeout", timeout);
    let login = Login::Account(opened.account);
    let answer = transcript.send_as(session, login, call).await?;
    if opened.closed {
        return closed(&answer, transcript, "log/pull of an unsubscribed channel");
    }
    recorder.refresh(session, transcript, 0).await?;
    let delivered = transcript.records(answer.success()?)?;
    let sent = answer.sent;
    judge_pull(
        session,
        recorder,
        &mut known.channels[channel],
        &delivered,
        sent,
    )
}

/// `log/unsubscribe` of the channel opened at index `channel`; 12 when it already was.
async fn unsubscribe(
    session: &mut Session<'_>,
    known: &mut KnownChannels,
    channel: usize,
    transcript: &mut Transcript,
) -> Result<(), Stop> {
    let Some(opened) = known.channels.get_mut(channel) else {
        return Ok(());
    };
    let call = Call::new(&log::unsubscribe::FUNCTION).param("id", opened.id);
    let was_closed = opened.closed;
    opened.closed = true;
    // As the account that opened it: another account's may be refused (erratum
    // channel-owner).
    let login = Login::Account(opened.account);
    let answer = transcript.send_as(session, login, call).await?;
    if was_closed {
        return closed(
            &answer,
            transcript,
            "log/unsubscribe of an unsubscribed channel",
        );
    }
    answer.success().map(|_| ())
}

/// A closed or unknown channel: 12 naming id; another code is non-strict.
pub(super) fn closed(answer: &Answer, transcript: &mut Transcript, what: &str) -> Result<(), Stop> {
    let others: Vec<(ErrorCode, &'static str)> = ErrorCode::ALL
        .into_iter()
        .filter(|c| *c != ErrorCode::InvalidParameter)
        .map(|c| (c, "unknown-subscription"))
        .collect();
    answer.refused(
        transcript,
        what,
        ErrorCode::InvalidParameter,
        Some("id"),
        &others,
    )
}
