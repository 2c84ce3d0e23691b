//! What a case tolerated: the departures the lenient readers of `helios-wire` recovered from (in
//! a reply's envelope, an event record, an MJPEG stream) and those a check admits by an erratum.
//! Every reader path of the runner reports here, and the case's verdict takes the worst of it
//! (`Outcome::finish`), so that a departure read anywhere is never a plain pass.
//!
//! This is the one place where the errata register decides what a tolerated departure is: a
//! finding that names an erratum whose other reading is non-strict is a non-strict finding of
//! that erratum; any other finding is a failure.

use helios_client::Exchange;
use helios_spec::Departure;
use helios_wire::Finding;
use helios_wire::envelope::{DEFAULT_MAX_BYTES, Envelope, ReadError, read_lenient, read_strict};

use crate::verdict::{Stop, Verdict};

/// The verdict the errata register gives one finding.
pub fn ruling(finding: &Finding) -> Verdict {
    match finding.erratum.and_then(helios_spec::erratum) {
        Some(erratum) if erratum.other_reading == Departure::NonStrict => Verdict::NonStrict {
            erratum: erratum.id,
            why: finding.message.clone(),
        },
        _ => Verdict::Fail(finding.to_string()),
    }
}

/// The departures one case tolerated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// The first non-strict departure of each erratum, in the order met.
    non_strict: Vec<(&'static str, String)>,
    /// Departures no erratum rules non-strict.
    failures: Vec<String>,
}

impl Findings {
    /// A departure that `erratum` rules non-strict; only the first of each erratum is kept.
    pub fn non_strict(&mut self, erratum: &'static str, why: String) {
        if !self.non_strict.iter().any(|(e, _)| *e == erratum) {
            self.non_strict.push((erratum, why));
        }
    }

    /// What a reader tolerated in `place` (a reply, an event), each finding as the errata rule
    /// it. `Err` is the first that is a failure, for checks that stop at a departure.
    pub fn tolerated(
        &mut self,
        place: &str,
        findings: impl IntoIterator<Item = Finding>,
    ) -> Result<(), Stop> {
        let mut failed = None;
        for finding in findings {
            match ruling(&finding) {
                Verdict::NonStrict { erratum, why } => {
                    self.non_strict(erratum, format!("{place}: {why}"))
                }
                _ => {
                    let why = format!("{place}: {finding}");
                    failed.get_or_insert_with(|| why.clone());
                    self.failures.push(why);
                }
            }
        }
        failed.map_or(Ok(()), |why| Err(Stop::Fail(why)))
    }

    /// Keeps another record's findings.
    pub fn absorb(&mut self, other: Self) {
        for (erratum, why) in other.non_strict {
            self.non_strict(erratum, why);
        }
        self.failures.extend(other.failures);
    }

    pub fn is_empty(&self) -> bool {
        self.non_strict.is_empty() && self.failures.is_empty()
    }

    /// The errata of the non-strict departures, in the order met.
    pub fn errata(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.non_strict.iter().map(|(erratum, _)| *erratum)
    }

    /// What they make of a case: the first failure, else the first non-strict departure (with
    /// how many other errata were met), else a pass.
    pub fn verdict(&self) -> Verdict {
        if let Some(why) = self.failures.first() {
            return Verdict::Fail(why.clone());
        }
        match self.non_strict.as_slice() {
            [] => Verdict::Pass,
            [(erratum, why)] => Verdict::NonStrict {
                erratum,
                why: why.clone(),
            },
            [(erratum, why), rest @ ..] => Verdict::NonStrict {
                erratum,
                why: format!(
                    "{why}; also non-strict by {}",
                    rest.iter().map(|(e, _)| *e).collect::<Vec<_>>().join(", ")
                ),
            },
        }
    }

    /// `verdict` with these findings taken into account: the worse of the two.
    pub fn judge(&self, verdict: Verdict) -> Verdict {
        verdict.worst(self.verdict())
    }
}

/// The reply envelope of `exchange`: strictly if it can be read so, else leniently, with what the
/// lenient reader tolerated recorded in `findings`.
pub fn envelope(exchange: &Exchange, findings: &mut Findings) -> Result<Envelope, ReadError> {
    let body = &exchange.response.body;
    if let Ok(envelope) = read_strict(body, DEFAULT_MAX_BYTES) {
        return Ok(envelope);
    }
    let (envelope, found) = read_lenient(body, DEFAULT_MAX_BYTES)?;
    let _ = findings.tolerated(&reply_of(exchange), found);
    Ok(envelope)
}

/// "the reply of /api/log/pull", from the request's URL.
pub fn reply_of(exchange: &Exchange) -> String {
    let url = exchange.request.url.as_str();
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |at| &after_scheme[at..])
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    format!("the reply of {path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_register_decides() {
        let trailing = Finding::new(Some("trailing-comma"), "a trailing comma at byte 9");
        assert_eq!(
            ruling(&trailing),
            Verdict::NonStrict {
                erratum: "trailing-comma",
                why: "a trailing comma at byte 9".into()
            }
        );
        // No erratum, an erratum that rules the other reading a failure, an unknown one.
        for erratum in [None, Some("switch-domain"), Some("no-such-erratum")] {
            let finding = Finding::new(erratum, "something");
            assert!(matches!(ruling(&finding), Verdict::Fail(_)), "{erratum:?}");
        }
    }

    /// What the readers of `helios-wire` tolerate names errata the register rules non-strict:
    /// an event's 0/1 for a boolean and number for a string, a trailing comma, MJPEG framing.
    #[test]
    fn the_readers_findings_are_non_strict() {
        let rulings = |found: Vec<Finding>| -> Vec<Verdict> { found.iter().map(ruling).collect() };
        let record = |params: serde_json::Value| {
            let value = serde_json::json!({"id": 2, "utcTime": 1, "upTime": 1,
                "event": params["event"], "params": params["params"]});
            helios_wire::event::EventRecord::read(&value)
                .expect("a record")
                .1
        };
        let cases = [
            (
                record(serde_json::json!({"event": "SwitchStateChanged",
                    "params": {"switch": 1, "state": 1}})),
                "switch-event-state-type",
            ),
            (
                record(serde_json::json!({"event": "InputChanged",
                    "params": {"port": "input1", "state": 0}})),
                "io-state-type",
            ),
            (
                record(serde_json::json!({"event": "UserAuthenticated",
                    "params": {"name": "Jiri", "index": 51}})),
                "user-authenticated-index",
            ),
            (
                read_lenient(br#"{"success":true,}"#, DEFAULT_MAX_BYTES)
                    .expect("lenient")
                    .1,
                "trailing-comma",
            ),
            (
                {
                    let mut reader =
                        helios_wire::mjpeg::MjpegReader::new("frame").expect("a boundary");
                    let part = b"--frame\r\nContent-Length: 2\r\n\r\nab--frame\r\n";
                    reader.push(part).expect("readable");
                    reader.findings()
                },
                "mjpeg-framing",
            ),
        ];
        for (found, erratum) in cases {
            let verdicts = rulings(found);
            assert!(!verdicts.is_empty(), "{erratum}: no finding");
            for verdict in verdicts {
                assert!(
                    matches!(&verdict, Verdict::NonStrict { erratum: e, .. } if *e == erratum),
                    "{erratum}: {verdict:?}"
                );
            }
        }
    }

    #[test]
    fn the_worst_finding_is_the_verdict() {
        let mut findings = Findings::default();
        assert_eq!(findings.verdict(), Verdict::Pass);
        let io = Finding::new(Some("io-state-type"), "InputChanged state is 1");
        assert_eq!(findings.tolerated("an event", [io.clone(), io]), Ok(()));
        findings.non_strict("trailing-comma", "a comma".into());
        match findings.verdict() {
            Verdict::NonStrict { erratum, why } => {
                assert_eq!(erratum, "io-state-type");
                assert!(why.starts_with("an event: InputChanged"), "{why}");
                assert!(why.ends_with("also non-strict by trailing-comma"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        let bom = Finding::new(None, "a byte order mark");
        assert!(findings.tolerated("a reply", [bom]).is_err());
        assert!(matches!(findings.verdict(), Verdict::Fail(_)));
        assert_eq!(
            findings.judge(Verdict::Inconclusive("late".into())),
            Verdict::Inconclusive("late".into())
        );
    }
}
