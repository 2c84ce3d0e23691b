//! The stateful models: one reference model per area, written from the manual, that predicts
//! what the device answers to random sequences of requests. Each model is a proptest
//! `ReferenceStateMachine` (which generates the sequences and shrinks them); this module drives
//! it against the device over HTTP, which `apply` cannot do, being synchronous.
//!
//! A sequence runs from a known state (each model's `start` puts the device there). When the
//! device departs from the model, the sequence is shrunk (proptest's `simplify`/`complicate`,
//! each candidate sent again) to the shortest one that still fails, and that sequence is what
//! the outcome records for `cargo xtask conform replay`, which sends exactly it once.

mod drive;

pub mod calls;
pub mod channels;
pub mod events;
pub mod log;
pub mod outputs;
pub mod recorder;
pub mod switches;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use helios_spec::Function;
use proptest::collection::SizeRange;
use proptest::strategy::{Just, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use proptest_state_machine::ReferenceStateMachine;
use proptest_state_machine::strategy::Sequential;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::outcome::Outcome;
use crate::session::Session;
use crate::verdict::Verdict;

use drive::{End, Execution, Source, execute, reached, shrink};
pub use log::{Answer, Departure, Log};

/// The longest generated sequence.
pub const MAX_STEPS: usize = 16;
/// How many shrunk candidates are sent at most, and for how long, before the shortest failing
/// sequence found so far is kept.
const MAX_SHRINK_RUNS: usize = 96;
const MAX_SHRINK_TIME: Duration = Duration::from_secs(90);

/// A model of one area and how to run its transitions against a device.
#[allow(async_fn_in_trait)]
pub trait Model:
    ReferenceStateMachine<State: Send + Sync, Transition: Serialize + DeserializeOwned>
{
    /// The case id of the model's outcome (`model.switch`).
    const ID: &'static str;
    /// The function the outcome is filed under.
    const FUNCTION: &'static Function;
    /// What the model checks, for the report.
    const EXPECTED: &'static str;
    /// What lives across the sequences of one run (a recorder channel, ids seen so far).
    type Context: Default;
    /// What one sequence learns of the device as it runs.
    type Run;

    /// Why the model cannot run against this device, if it cannot.
    fn not_applicable(state: &Self::State) -> Option<String>;

    /// Brings the device to the model's initial state.
    async fn start(
        session: &mut Session<'_>,
        context: &mut Self::Context,
        state: &Self::State,
        log: &mut Log,
    ) -> Result<Self::Run, Departure>;

    /// Sends one transition and compares the answers with the model.
    async fn step(
        session: &mut Session<'_>,
        context: &mut Self::Context,
        run: &mut Self::Run,
        transition: &Self::Transition,
        log: &mut Log,
    ) -> Result<(), Departure>;

    /// Leaves the device as `start` found it (best effort).
    async fn finish(session: &mut Session<'_>, context: &mut Self::Context, run: Self::Run);

    /// Ends the run (closes what the context holds).
    async fn close(session: &mut Session<'_>, context: Self::Context);
}

/// The stimulus interface the profile declares.
pub fn stimulus(session: &Session<'_>) -> Result<helios_client::Stimulus, Departure> {
    let url =
        session.profile.stimulus_url.as_deref().ok_or_else(|| {
            Departure::Harness("the profile declares no stimulus interface".into())
        })?;
    helios_client::Stimulus::new(url, session.timeout)
        .map_err(|e| Departure::Harness(e.to_string()))
}

/// The seed of a model's generator: the run's seed and the model's id, so that models do not
/// share sequences and one run's sequences repeat with the same `--seed`.
fn rng(seed: u64, id: &str) -> TestRng {
    let digest = Sha256::new()
        .chain_update(seed.to_le_bytes())
        .chain_update(id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&digest);
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

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
        Ok((execution, summary)) => judge(outcome, execution, summary, session.seed()),
        Err(why) => {
            outcome.verdict = Verdict::undecided(why);
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
) -> Result<(Execution<M::Transition>, String), String> {
    let sequence: Vec<M::Transition> = serde_json::from_value(recorded["sequence"].clone())
        .map_err(|e| format!("the recorded sequence does not fit this model: {e}"))?;
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
) -> Result<(Execution<M::Transition>, String), String> {
    let source = Source::<M> {
        init,
        seed: session.seed(),
    };
    let cases = session.cases();
    let started = tokio::time::Instant::now();
    let mut steps = 0;
    let mut findings = Log::default();
    for case in 0..cases {
        let ((state, transitions, seen), _) = source.draw(case as usize, &[])?;
        let execution = execute::<M>(session, context, &state, &transitions, seen.as_deref()).await;
        steps += execution.sent.len();
        match execution.end {
            End::Pass => findings.absorb_findings(execution.log),
            End::Harness(_) => return Ok((execution, format!("sequence {}", case + 1))),
            End::Fail { .. } => {
                let reached_first = reached(seen.as_ref());
                let shrunk = shrink::<M>(
                    session,
                    context,
                    &source,
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
            end: End::Pass,
            log: findings,
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

/// The outcome of a model run.
fn judge<T: Serialize + std::fmt::Debug>(
    mut outcome: Outcome,
    execution: Execution<T>,
    summary: String,
    seed: u64,
) -> Outcome {
    outcome.exchanges = execution.log.exchanges;
    outcome.findings = execution.log.findings;
    match execution.end {
        End::Pass => {
            outcome.observed = summary;
        }
        End::Harness(why) => {
            outcome.observed = summary;
            outcome.verdict = Verdict::undecided(why);
        }
        End::Fail { at, why } => {
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
                "log": execution.log.notes,
            }));
        }
    }
    outcome
}
