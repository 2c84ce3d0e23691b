//! Sending one sequence (from the model's initial state, step by step, stopping at the first
//! departure) and shrinking a failing one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use proptest::collection::SizeRange;
use proptest::strategy::{Just, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use proptest_state_machine::ReferenceStateMachine;
use proptest_state_machine::strategy::Sequential;
use sha2::{Digest, Sha256};

use super::Model;
use super::transcript::Transcript;
use crate::session::Session;
use crate::verdict::Stop;

/// The longest generated sequence.
const MAX_STEPS: usize = 16;
/// How many shrunk candidates are sent at most, and for how long, before the shortest failing
/// sequence found so far is kept.
const MAX_SHRINK_RUNS: usize = 96;
const MAX_SHRINK_TIME: Duration = Duration::from_secs(90);

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

/// Where a sequence stopped before its end, and why.
#[derive(Debug)]
pub(super) struct Stopped {
    /// The step it stopped at (`None`: while the device was being brought to the model's
    /// initial state).
    pub(super) at: Option<usize>,
    pub(super) stop: Stop,
}

/// One sequence sent.
#[derive(Debug)]
pub(super) struct Execution<T> {
    /// The transitions sent, the one it stopped at last.
    pub(super) sent: Vec<T>,
    /// `None` when every step answered as the model predicts.
    pub(super) stopped: Option<Stopped>,
    pub(super) transcript: Transcript,
}

impl<T> Execution<T> {
    /// Whether the device departed from the model.
    pub(super) fn failed(&self) -> bool {
        matches!(
            self.stopped,
            Some(Stopped {
                stop: Stop::Fail(_),
                ..
            })
        )
    }
}

pub(super) async fn execute<M: Model>(
    session: &mut Session<'_>,
    context: &mut M::Context,
    state: &M::State,
    transitions: &[M::Transition],
    seen: Option<&AtomicUsize>,
) -> Execution<M::Transition> {
    let mut transcript = Transcript::default();
    let mut sent = Vec::new();
    let mut known = match M::start(session, context, state, &mut transcript).await {
        Ok(known) => known,
        Err(stop) => {
            let stop = match stop {
                Stop::Fail(why) => {
                    Stop::Fail(format!("bringing the device to a known state: {why}"))
                }
                other => other,
            };
            return Execution {
                sent,
                stopped: Some(Stopped { at: None, stop }),
                transcript,
            };
        }
    };
    let mut stopped = None;
    for (index, transition) in transitions.iter().enumerate() {
        if let Some(seen) = seen {
            seen.fetch_add(1, Ordering::SeqCst);
        }
        sent.push(transition.clone());
        transcript.note(format!("{}. {transition:?}", index + 1));
        match M::step(session, context, &mut known, transition, &mut transcript).await {
            Ok(()) => {}
            Err(stop) => {
                stopped = Some(Stopped {
                    at: Some(index),
                    stop,
                });
                break;
            }
        }
    }
    M::finish(session, context, known).await;
    Execution {
        sent,
        stopped,
        transcript,
    }
}

pub(super) type Tree<M> = <Sequential<
    <M as ReferenceStateMachine>::State,
    <M as ReferenceStateMachine>::Transition,
    Just<<M as ReferenceStateMachine>::State>,
    proptest::strategy::BoxedStrategy<<M as ReferenceStateMachine>::Transition>,
> as Strategy>::Tree;

/// A move of shrinking, with how many transitions the device had been sent when it was made
/// (proptest-state-machine shrinks by what the last execution reached).
#[derive(Clone, Copy, Debug)]
pub(super) enum Move {
    Simplify(usize),
    Complicate(usize),
}

/// One drawn sequence: the initial state, the transitions, and proptest's counter of those
/// the device was sent.
pub(super) type Drawn<M> = (
    <M as ReferenceStateMachine>::State,
    Vec<<M as ReferenceStateMachine>::Transition>,
    Option<Arc<AtomicUsize>>,
);

/// Where the sequences of one model's case come from. proptest's value trees are not `Send`, and
/// the runner's future must be (a lab spawns runs), so no tree lives across a request: each
/// draw is rebuilt from the seed, its index and the shrinking moves made so far, which
/// proptest makes deterministic.
pub(super) struct Source<M: Model> {
    pub(super) init: M::State,
    pub(super) seed: u64,
}

impl<M: Model> Source<M> {
    /// The `index`th sequence after `moves`, and whether the last move changed it.
    pub(super) fn draw(&self, index: usize, moves: &[Move]) -> Result<(Drawn<M>, bool), Stop> {
        let first = self.init.clone();
        let strategy = Sequential::new(
            SizeRange::from(1..=MAX_STEPS),
            move || Just(first.clone()),
            M::preconditions,
            M::transitions,
            M::apply,
        );
        let config = Config {
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(config, rng(self.seed, M::ID));
        let why = |why| Stop::Undecided(format!("generating a sequence: {why}"));
        let mut tree: Tree<M> = strategy.new_tree(&mut runner).map_err(why)?;
        for _ in 0..index {
            tree = strategy.new_tree(&mut runner).map_err(why)?;
        }
        let mut moved = true;
        for step in moves {
            let (Move::Simplify(reached) | Move::Complicate(reached)) = *step;
            if let (_, _, Some(seen)) = tree.current() {
                seen.store(reached, Ordering::SeqCst);
            }
            moved = match step {
                Move::Simplify(_) => tree.simplify(),
                Move::Complicate(_) => tree.complicate(),
            };
        }
        Ok((tree.current(), moved))
    }
}

/// How many transitions an execution reached, by proptest's counter.
pub(super) fn reached(seen: Option<&Arc<AtomicUsize>>) -> usize {
    seen.map_or(0, |seen| seen.load(Ordering::SeqCst))
}

/// Shrinks a failing sequence: each simpler candidate is sent; one that still fails is kept
/// and simplified further, one that passes is complicated back. The shortest failure wins.
pub(super) async fn shrink<M: Model>(
    session: &mut Session<'_>,
    context: &mut M::Context,
    source: &Source<M>,
    index: usize,
    failed: Execution<M::Transition>,
    reached_first: usize,
) -> Execution<M::Transition> {
    let started = tokio::time::Instant::now();
    let mut best = failed;
    let mut moves = vec![Move::Simplify(reached_first)];
    let mut runs = 0;
    while runs < MAX_SHRINK_RUNS && started.elapsed() < MAX_SHRINK_TIME {
        let Ok(((state, transitions, seen), true)) = source.draw(index, &moves) else {
            break;
        };
        runs += 1;
        let candidate = execute::<M>(session, context, &state, &transitions, seen.as_deref()).await;
        let now = reached(seen.as_ref());
        if candidate.failed() {
            if candidate.sent.len() <= best.sent.len() {
                best = candidate;
            }
            moves.push(Move::Simplify(now));
        } else {
            moves.push(Move::Complicate(now));
        }
    }
    best
}
