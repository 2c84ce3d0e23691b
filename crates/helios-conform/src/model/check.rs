//! A model's case: `--cases` sequences drawn from the seed (or, when the case is replayed, the
//! recorded sequence once), the first failing one shrunk, and the outcome that reports it.

use helios_spec::Function;
use serde::Serialize;
use serde_json::{Value, json};

use super::Model;
use super::drive::{Draws, Execution, Stopped, execute, reached, shrink};
use super::transcript::Transcript;
use crate::outcome::Outcome;
use crate::session::Session;
use crate::verdict::{Stop, Verdict};

/// Runs a model: `session.cases()` sequences from `init`, the first failing one shrunk; or,
/// when this case is being replayed, exactly the recorded sequence once.
pub async fn check<M: Model>(session: &mut Session<'_>, init: M::State) -> Outcome {
    let mut outcome = Outcome::new(M::ID, M::FUNCTION, "model");
    outcome.expected = M::EXPECTED.into();
    if let Some(why) = session
        .unavailable(M::FUNCTION)
        .or_else(|| M::not_applicable(&init))
    {
        outcome.verdict = Verdict::NotApplicable(why);
        return outcome;
    }
    let mut context = M::Context::default();
    let replay = session.replay_of(M::ID).cloned();
    let result = match replay {
        Some(recorded) => replayed::<M>(session, &mut context, &init, &recorded).await,
        None => generated::<M>(session, &mut context, init).await,
    };
    M::close(session, context).await;
    match result {
        Ok((execution, summary)) => outcome_of(outcome, execution, summary, session.seed()),
        Err(stop) => {
            outcome.verdict = stop.into();
            outcome
        }
    }
}

/// Sends the recorded sequence once.
async fn replayed<M: Model>(
    session: &mut Session<'_>,
    context: &mut M::Context,
    init: &M::State,
    recorded: &Value,
) -> Result<(Execution<M::Transition>, String), Stop> {
    let sequence: Vec<M::Transition> = serde_json::from_value(recorded["sequence"].clone())
        .map_err(|e| {
            Stop::Undecided(format!(
                "the recorded sequence does not fit this model: {e}"
            ))
        })?;
    let execution = execute::<M>(session, context, init, &sequence, None).await;
    let summary = format!(
        "the recorded sequence of {} steps, sent once",
        sequence.len()
    );
    Ok((execution, summary))
}

/// Generates sequences until one fails or `cases` passed; shrinks a failing one.
async fn generated<M: Model>(
    session: &mut Session<'_>,
    context: &mut M::Context,
    init: M::State,
) -> Result<(Execution<M::Transition>, String), Stop> {
    let draws = Draws::<M> {
        init,
        seed: session.seed(),
    };
    let cases = session.cases();
    let started = tokio::time::Instant::now();
    let mut steps = 0;
    let mut findings = Transcript::default();
    for case in 0..cases {
        let ((state, transitions, seen), _) = draws.draw(case as usize, &[])?;
        let execution = execute::<M>(session, context, &state, &transitions, seen.as_deref()).await;
        steps += execution.sent.len();
        match execution.stopped {
            None => findings.absorb_findings(execution.transcript),
            Some(_) if !execution.failed() => {
                return Ok((execution, format!("sequence {}", case + 1)));
            }
            Some(_) => {
                let reached_first = reached(seen.as_ref());
                let shrunk = shrink::<M>(
                    session,
                    context,
                    &draws,
                    case as usize,
                    execution,
                    reached_first,
                )
                .await;
                let summary = format!(
                    "sequence {} of {cases} failed; shrunk to {} steps",
                    case + 1,
                    shrunk.sent.len()
                );
                return Ok((shrunk, summary));
            }
        }
    }
    let summary = format!(
        "{cases} sequences, {steps} steps in {:.1} s, as the model predicts",
        started.elapsed().as_secs_f64()
    );
    Ok((
        Execution {
            sent: Vec::new(),
            stopped: None,
            transcript: findings,
        },
        summary,
    ))
}

/// The function a request URL calls.
fn function_of(url: &str) -> Option<&'static Function> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |at| &after_scheme[at..])
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    helios_spec::FUNCTIONS
        .iter()
        .copied()
        .find(|f| f.path == path)
}

/// The outcome of a model's case: the sequence that ended it, and how it ended.
fn outcome_of<T: Serialize + std::fmt::Debug>(
    mut outcome: Outcome,
    execution: Execution<T>,
    summary: String,
    seed: u64,
) -> Outcome {
    outcome.exchanges = execution.transcript.exchanges;
    outcome.findings = execution.transcript.findings;
    match execution.stopped {
        None => {
            outcome.observed = summary;
        }
        Some(Stopped {
            at,
            stop: Stop::Fail(why),
        }) => {
            // The case is filed under the function whose answer departed: the last request of
            // the failing step.
            if let Some(function) = outcome
                .exchanges
                .last()
                .and_then(|exchange| function_of(&exchange.request.url))
            {
                outcome.function = function.path;
                outcome.service = function.service.name();
            }
            let steps: Vec<String> = execution.sent.iter().map(|t| format!("{t:?}")).collect();
            outcome.observed = format!("{summary}: {}", steps.join(", "));
            outcome.verdict = Verdict::Fail(match at {
                Some(at) => format!("step {} of {}: {why}", at + 1, execution.sent.len()),
                None => why,
            });
            outcome.replay = Some(json!({
                "model": outcome.id,
                "seed": seed,
                "sequence": execution.sent,
                "log": execution.transcript.notes,
            }));
        }
        Some(Stopped { stop, .. }) => {
            outcome.observed = summary;
            outcome.verdict = stop.into();
        }
    }
    outcome
}
