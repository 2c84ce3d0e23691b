//! Properties: a case whose parameters proptest draws from their domains and the device's caps,
//! `--cases` times from a seed, and whose first failure is shrunk to the smallest request that
//! still fails before it is reported. A replay sends that smallest request exactly.

use std::fmt::Write as _;

use helios_client::{Call, ParamValue, Transfer};
use proptest::prelude::*;
use proptest::strategy::{SBoxedStrategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::case::{Case, Values};
use crate::judge::judge;
use crate::outcome::{Outcome, observed};
use crate::session::{SendError, Session};
use crate::verdict::Verdict;

/// How many shrinking steps one failure may take at most: each is a request to the device.
const MAX_SHRINK_STEPS: u32 = 64;

impl Values {
    fn strategy(&self) -> SBoxedStrategy<Vec<(String, String)>> {
        let named = |name: &String| {
            let name = name.clone();
            move |value: String| vec![(name.clone(), value)]
        };
        match self {
            Self::Range { name, min, max } => (*min..=*max)
                .prop_map(|n| n.to_string())
                .prop_map(named(name))
                .sboxed(),
            Self::Words { name, words } => proptest::sample::select(words.clone())
                .prop_map(named(name))
                .sboxed(),
            Self::Items(items) => proptest::sample::select(items.clone()).sboxed(),
            Self::Outside { name, min, max } => {
                let mut choices: Vec<SBoxedStrategy<String>> =
                    vec!["[a-z][a-z0-9]{0,5}".prop_map(|s| s).sboxed()];
                if let Some(above) = max.checked_add(1) {
                    let far = above.saturating_add(1 << 40);
                    choices.push((above..=far).prop_map(|n| n.to_string()).sboxed());
                }
                if let Some(below) = min.checked_sub(1) {
                    let far = below.saturating_sub(1 << 40);
                    // Shrinks toward `below`, the value next to the domain.
                    choices.push(
                        (0..=below.abs_diff(far))
                            .prop_map(move |d| (below - d as i64).to_string())
                            .sboxed(),
                    );
                }
                proptest::strategy::Union::new(choices)
                    .prop_map(named(name))
                    .sboxed()
            }
            Self::NotWord { name, words } => {
                let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
                "[a-z]{1,12}"
                    .prop_filter("a word of the domain", move |w| !words.contains(w))
                    .prop_map(named(name))
                    .sboxed()
            }
        }
    }
}

/// One generated request: the parameters drawn, and how they travel.
type Drawn = (Vec<Vec<(String, String)>>, Transfer);

fn strategy(case: &Case, transfers: &[Transfer]) -> SBoxedStrategy<Drawn> {
    let values: Vec<_> = case.generated.iter().map(Values::strategy).collect();
    (values, proptest::sample::select(transfers.to_vec())).sboxed()
}

/// The case with the drawn parameters set, replacing fixed values of the same names.
fn instance(case: &Case, params: &[(String, String)], transfer: Transfer) -> Case {
    let mut one = case.clone();
    one.call
        .params
        .retain(|(name, _)| !params.iter().any(|(drawn, _)| drawn == name));
    one.call.params.extend(
        params
            .iter()
            .map(|(n, v)| (n.clone(), ParamValue::Text(v.clone()))),
    );
    one.call.transfer = transfer;
    one
}

fn flatten(drawn: &Drawn) -> (Vec<(String, String)>, Transfer) {
    (drawn.0.concat(), drawn.1)
}

/// The seed of one property: the run's seed and the case id, so that `--only` changes nothing.
fn rng(seed: u64, id: &str) -> TestRng {
    let digest = Sha256::new()
        .chain_update(seed.to_le_bytes())
        .chain_update(id.as_bytes())
        .finalize();
    TestRng::from_seed(RngAlgorithm::ChaCha, &digest)
}

/// The transfers a property may draw: the query, and the bodies of 2.2 where POST is allowed.
fn transfers(call: &Call) -> Vec<Transfer> {
    if call.method == helios_spec::Method::Post {
        vec![Transfer::Query, Transfer::UrlEncoded, Transfer::Multipart]
    } else {
        vec![call.transfer]
    }
}

fn describe(params: &[(String, String)], transfer: Transfer) -> String {
    let mut text = String::new();
    for (name, value) in params {
        let _ = write!(text, "{name}={value:?} ");
    }
    let _ = write!(text, "in the {transfer:?}");
    text
}

fn recording(params: &[(String, String)], transfer: Transfer) -> Value {
    json!({ "params": params, "transfer": format!("{transfer:?}") })
}

fn from_recording(value: &Value) -> Option<(Vec<(String, String)>, Transfer)> {
    let params = serde_json::from_value(value.get("params")?.clone()).ok()?;
    let transfer = match value.get("transfer")?.as_str()? {
        "Query" => Transfer::Query,
        "UrlEncoded" => Transfer::UrlEncoded,
        "Multipart" => Transfer::Multipart,
        _ => return None,
    };
    Some((params, transfer))
}

/// Sends one instance; `Err` is the harness's failure, `Ok(None)` a pass.
async fn attempt(
    session: &mut Session<'_>,
    outcome: &mut Outcome,
    case: &Case,
) -> Result<Option<Verdict>, SendError> {
    let exchange = session
        .send(case.transport, case.login, case.call.clone())
        .await?;
    let verdict = judge(case, &exchange, session.firmware);
    outcome.observed = observed(&exchange);
    outcome.exchanges.push(exchange);
    Ok(match verdict {
        Verdict::Pass => None,
        other => Some(other),
    })
}

/// Runs a property case: `session.cases()` drawn requests, the first failure shrunk.
pub async fn check(session: &mut Session<'_>, case: &Case, outcome: &mut Outcome) {
    let replayed = session.replay_of(&case.id).and_then(from_recording);
    if let Some((params, transfer)) = replayed {
        let one = instance(case, &params, transfer);
        outcome.verdict = match attempt(session, outcome, &one).await {
            Ok(found) => found.unwrap_or(Verdict::Pass),
            Err(why) => Verdict::Error(why.to_string()),
        };
        outcome.replay = Some(recording(&params, transfer));
        return;
    }
    let draws = Draws {
        case,
        seed: session.seed(),
        cases: session.cases(),
    };
    let mut worst: Option<Verdict> = None;
    for index in 0..draws.cases {
        let Some((drawn, _)) = draws.tree(index, &[]) else {
            outcome.verdict = Verdict::Inconclusive("no values to draw".into());
            return;
        };
        let (params, transfer) = flatten(&drawn);
        let found = match attempt(session, outcome, &instance(case, &params, transfer)).await {
            Ok(found) => found,
            Err(why) => {
                outcome.verdict = Verdict::Error(why.to_string());
                return;
            }
        };
        match found {
            None => continue,
            Some(Verdict::Fail(first)) => {
                let (smallest, why, steps) = shrink(session, outcome, &draws, index, first).await;
                let (params, transfer) = smallest;
                outcome.verdict = Verdict::Fail(format!(
                    "{why}; smallest failing request after {steps} shrinking steps: {}",
                    describe(&params, transfer)
                ));
                outcome.replay = Some(recording(&params, transfer));
                return;
            }
            Some(other) => {
                worst = Some(worst.map_or(other.clone(), |w| w.worst(other)));
            }
        }
    }
    outcome.verdict = worst.unwrap_or(Verdict::Pass);
    outcome.observed = format!(
        "{} generated requests (seed {}), each answered as expected",
        draws.cases, draws.seed
    );
}

/// A move of shrinking.
#[derive(Clone, Copy)]
enum Step {
    Simplify,
    Complicate,
}

/// The draws of one property. proptest's value trees are not `Send`, and the runner's future
/// must be (a lab spawns runs), so no tree lives across a request: each is rebuilt from the
/// seed and the shrinking moves made so far, which proptest makes deterministic.
struct Draws<'c> {
    case: &'c Case,
    seed: u64,
    cases: u32,
}

impl Draws<'_> {
    /// The `index`th draw after `steps`, and whether the last step moved.
    fn tree(&self, index: u32, steps: &[Step]) -> Option<(Drawn, bool)> {
        let config = Config {
            cases: self.cases,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(config, rng(self.seed, &self.case.id));
        let strategy = strategy(self.case, &transfers(&self.case.call));
        let mut tree = strategy.new_tree(&mut runner).ok()?;
        for _ in 0..index {
            tree = strategy.new_tree(&mut runner).ok()?;
        }
        let mut moved = true;
        for step in steps {
            moved = match step {
                Step::Simplify => tree.simplify(),
                Step::Complicate => tree.complicate(),
            };
        }
        Some((tree.current(), moved))
    }
}

/// Shrinks a failing draw: each simpler candidate is sent, kept when it still fails.
async fn shrink(
    session: &mut Session<'_>,
    outcome: &mut Outcome,
    draws: &Draws<'_>,
    index: u32,
    first: String,
) -> ((Vec<(String, String)>, Transfer), String, u32) {
    let case = draws.case;
    let mut smallest = draws.tree(index, &[]).map_or_else(
        || (Vec::new(), case.call.transfer),
        |(drawn, _)| flatten(&drawn),
    );
    let mut seen = outcome.observed.clone();
    let mut smallest_at = outcome.exchanges.len().checked_sub(1);
    let mut why = first;
    let mut moves = vec![Step::Simplify];
    let mut count = 0;
    while count < MAX_SHRINK_STEPS {
        let Some((drawn, true)) = draws.tree(index, &moves) else {
            break;
        };
        count += 1;
        let (params, transfer) = flatten(&drawn);
        match attempt(session, outcome, &instance(case, &params, transfer)).await {
            Ok(Some(Verdict::Fail(still))) => {
                smallest = (params, transfer);
                seen = outcome.observed.clone();
                smallest_at = outcome.exchanges.len().checked_sub(1);
                why = still;
                moves.push(Step::Simplify);
            }
            // A pass, another verdict or a harness failure: this candidate went too far.
            _ => moves.push(Step::Complicate),
        }
    }
    let steps = count;
    // The smallest failing exchange goes last: it is the one reports reproduce.
    outcome.observed = seen;
    if let Some(at) = smallest_at {
        let exchange = outcome.exchanges.remove(at);
        outcome.exchanges.push(exchange);
    }
    (smallest, why, steps)
}
