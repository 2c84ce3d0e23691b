//! Sending one sequence (from the model's initial state, step by step, stopping at the first
//! departure) and shrinking a failing one.

use super::*;

/// How one sequence ended.
#[derive(Debug)]
pub(super) enum End {
    Pass,
    /// The device departed from the model at this step (`None`: while being brought to the
    /// model's initial state).
    Fail {
        at: Option<usize>,
        why: String,
    },
    Harness(String),
}

/// One sequence sent.
#[derive(Debug)]
pub(super) struct Execution<T> {
    /// The transitions sent, the failing one last.
    pub(super) sent: Vec<T>,
    pub(super) end: End,
    pub(super) log: Log,
}

impl<T> Execution<T> {
    pub(super) fn failed(&self) -> bool {
        matches!(self.end, End::Fail { .. })
    }
}

pub(super) async fn execute<M: Model>(
    session: &mut Session<'_>,
    context: &mut M::Context,
    state: &M::State,
    transitions: &[M::Transition],
    seen: Option<&AtomicUsize>,
) -> Execution<M::Transition> {
    let mut log = Log::default();
    let mut sent = Vec::new();
    let mut run = match M::start(session, context, state, &mut log).await {
        Ok(run) => run,
        Err(departure) => {
            let end = match departure {
                Departure::Fail(why) => End::Fail {
                    at: None,
                    why: format!("bringing the device to a known state: {why}"),
                },
                Departure::Harness(why) => End::Harness(why),
            };
            return Execution { sent, end, log };
        }
    };
    let mut end = End::Pass;
    for (index, transition) in transitions.iter().enumerate() {
        if let Some(seen) = seen {
            seen.fetch_add(1, Ordering::SeqCst);
        }
        sent.push(transition.clone());
        log.note(format!("{}. {transition:?}", index + 1));
        match M::step(session, context, &mut run, transition, &mut log).await {
            Ok(()) => {}
            Err(Departure::Fail(why)) => {
                end = End::Fail {
                    at: Some(index),
                    why,
                };
                break;
            }
            Err(Departure::Harness(why)) => {
                end = End::Harness(why);
                break;
            }
        }
    }
    M::finish(session, context, run).await;
    Execution { sent, end, log }
}

pub(super) type Tree<M> = <Sequential<
    <M as ReferenceStateMachine>::State,
    <M as ReferenceStateMachine>::Transition,
    Just<<M as ReferenceStateMachine>::State>,
    proptest::strategy::BoxedStrategy<<M as ReferenceStateMachine>::Transition>,
> as Strategy>::Tree;

/// Shrinks a failing sequence: each simpler candidate is sent; one that still fails is kept
/// and simplified further, one that passes is complicated back. The shortest failure wins.
pub(super) async fn shrink<M: Model>(
    session: &mut Session<'_>,
    context: &mut M::Context,
    tree: &mut Tree<M>,
    failed: Execution<M::Transition>,
) -> Execution<M::Transition> {
    let started = tokio::time::Instant::now();
    let mut best = failed;
    let mut more = tree.simplify();
    let mut runs = 0;
    while more && runs < MAX_SHRINK_RUNS && started.elapsed() < MAX_SHRINK_TIME {
        runs += 1;
        let (state, transitions, seen) = tree.current();
        let candidate = execute::<M>(session, context, &state, &transitions, seen.as_deref()).await;
        if candidate.failed() {
            if candidate.sent.len() <= best.sent.len() {
                best = candidate;
            }
            more = tree.simplify();
        } else {
            more = tree.complicate();
        }
    }
    best
}
