//! Two devices, one suite: the same generated cases (same profile, options and seed) run
//! against both, and every case whose behaviour differs is reported: two firmware versions of
//! one model, or a device against the reference intercom.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use helios_wire::envelope::Envelope;

use crate::outcome::Outcome;
use crate::run::Report;

/// What a case showed of a device, without what legitimately varies between two runs (body
/// sizes, times, nonces): the verdict, and the last reply's status, media type and code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Behaviour {
    pub verdict: &'static str,
    pub reply: Option<String>,
}

impl Behaviour {
    pub fn of(outcome: &Outcome) -> Self {
        let reply = outcome.exchanges.last().map(|exchange| {
            let response = &exchange.response;
            let media = response.media_type().unwrap_or_default();
            match exchange.envelope() {
                Ok((Envelope::Failure { code, param, .. }, _)) => format!(
                    "HTTP {} {media} error {code}{}",
                    response.status,
                    param.map(|p| format!(" naming {p}")).unwrap_or_default()
                ),
                Ok((Envelope::Success { .. }, _)) => {
                    format!("HTTP {} {media} success", response.status)
                }
                Err(_) => format!("HTTP {} {media}", response.status),
            }
        });
        Self {
            verdict: outcome.verdict.id(),
            reply,
        }
    }

    fn describe(&self) -> String {
        match &self.reply {
            Some(reply) => format!("{} ({reply})", self.verdict),
            None => self.verdict.to_owned(),
        }
    }
}

/// One case that differs: absent on a side, or behaving otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub id: String,
    pub a: Option<Behaviour>,
    pub b: Option<Behaviour>,
}

/// Every case whose behaviour differs between the two runs, in case id order.
pub fn differences(a: &Report, b: &Report) -> Vec<Difference> {
    let mut cases: BTreeMap<&str, (Option<Behaviour>, Option<Behaviour>)> = BTreeMap::new();
    for outcome in &a.outcomes {
        cases.entry(&outcome.id).or_default().0 = Some(Behaviour::of(outcome));
    }
    for outcome in &b.outcomes {
        cases.entry(&outcome.id).or_default().1 = Some(Behaviour::of(outcome));
    }
    cases
        .into_iter()
        .filter(|(_, (a, b))| a != b)
        .map(|(id, (a, b))| Difference {
            id: id.to_owned(),
            a,
            b,
        })
        .collect()
}

/// The terminal table of differences.
pub fn table(differences: &[Difference], a: &str, b: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "A = {a}\nB = {b}");
    if differences.is_empty() {
        let _ = writeln!(out, "no case behaves differently");
        return out;
    }
    for difference in differences {
        let side = |behaviour: &Option<Behaviour>| {
            behaviour
                .as_ref()
                .map_or_else(|| "(no such case)".to_owned(), Behaviour::describe)
        };
        let _ = writeln!(
            out,
            "{}\n  A: {}\n  B: {}",
            difference.id,
            side(&difference.a),
            side(&difference.b)
        );
    }
    let _ = writeln!(out, "{} cases behave differently", differences.len());
    out
}
