//! Baselines: the departures a team has already filed (`--baseline FILE`). Each entry names the
//! cases it covers (a case id or a glob, or the requirement id or glob they cite), the verdict
//! it accepts, why, the team's bug and an
//! expiry date. A case whose verdict an unexpired entry accepts is *known*: it keeps its
//! verdict in every report, marked known with the entry's reason and link, and does not count
//! towards the exit code. An entry past its date accepts nothing and is reported expired; one
//! whose cases ran and none departed as it says is reported stale, so that the file shrinks.
//!
//! ```toml
//! [[known]]
//! case = "switch_ctrl.get.missing.*"   # a case id, or a glob (`*`, `?`, `[...]`); or
//!                                      # requirement = "5.10/*": the cases citing it
//! verdict = "fail"                     # fail, non-strict, inconclusive or error
//! reason = "firmware 2.21.1 answers 12 for a missing action"
//! link = "https://bugs.example/FW-1234"
//! expires = "2027-03-31"               # YYYY-MM-DD; the entry accepts nothing after it
//! ```

use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::outcome::{Known, Outcome};

/// The verdicts an entry may accept: the ones that keep a run from being green.
const ACCEPTABLE: [&str; 4] = ["fail", "non-strict", "inconclusive", "error"];

/// A baseline file.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    #[serde(default)]
    pub known: Vec<Entry>,
}

/// One filed departure.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// A case id or a glob of case ids.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub case: String,
    /// Or a requirement id or glob: the cases that cite it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub requirement: String,
    /// The verdict it accepts.
    pub verdict: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub link: String,
    /// The last day it accepts anything (`YYYY-MM-DD`).
    pub expires: String,
}

/// Why a baseline file is refused: a usage error (exit 3), naming the entry.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("reading {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Toml {
        path: String,
        source: toml::de::Error,
    },
    #[error("{path}: [[known]] entry {index} (`{case}`): {why}")]
    Entry {
        path: String,
        index: usize,
        case: String,
        why: String,
    },
}

/// What applying a baseline found, besides the known cases it marked.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// How many cases are known.
    pub known: usize,
    /// Entries past their date (their cases count again).
    pub expired: Vec<Entry>,
    /// Entries whose cases ran and none had the verdict accepted (remove them).
    pub stale: Vec<Entry>,
    /// Entries that matched no case of this run (another selection or device, perhaps).
    pub unmatched: Vec<Entry>,
}

impl Baseline {
    /// Reads and checks a baseline file: globs that compile, accepted verdicts, dates.
    pub fn read(path: &Path) -> Result<Self, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: shown.clone(),
            source,
        })?;
        let baseline: Self = toml::from_str(&text).map_err(|source| BaselineError::Toml {
            path: shown.clone(),
            source,
        })?;
        for (index, entry) in baseline.known.iter().enumerate() {
            entry.check().map_err(|why| BaselineError::Entry {
                path: shown.clone(),
                index: index + 1,
                case: entry.name(),
                why,
            })?;
        }
        Ok(baseline)
    }

    /// Marks the outcomes that an unexpired entry accepts as known (first entry wins), as of
    /// `today`, and says which entries are expired, stale or matched nothing.
    pub fn apply(&self, outcomes: &mut [Outcome], today: NaiveDate) -> Applied {
        let mut applied = Applied::default();
        for entry in &self.known {
            let matching: Vec<&mut Outcome> =
                outcomes.iter_mut().filter(|o| entry.covers(o)).collect();
            if entry.expired(today) {
                applied.expired.push(entry.clone());
                continue;
            }
            if matching.is_empty() {
                applied.unmatched.push(entry.clone());
                continue;
            }
            let mut accepted = 0;
            for outcome in matching {
                if outcome.verdict.id() == entry.verdict && outcome.known.is_none() {
                    outcome.known = Some(entry.known());
                    accepted += 1;
                }
            }
            if accepted == 0 {
                applied.stale.push(entry.clone());
            }
            applied.known += accepted;
        }
        applied
    }

    /// This baseline with an entry for each departure of `report` that none covers (expiring
    /// `days` after `today`), and without the entries `applied` found stale.
    pub fn updated(
        &self,
        outcomes: &[Outcome],
        applied: &Applied,
        today: NaiveDate,
        days: u64,
    ) -> Self {
        let expires = (today + chrono::Days::new(days))
            .format("%Y-%m-%d")
            .to_string();
        let mut known: Vec<Entry> = self
            .known
            .iter()
            .filter(|e| !applied.stale.contains(e))
            .cloned()
            .collect();
        for outcome in outcomes {
            let verdict = outcome.verdict.id();
            if !ACCEPTABLE.contains(&verdict) || outcome.known.is_some() {
                continue;
            }
            if known
                .iter()
                .any(|e| e.covers(outcome) && e.verdict == verdict && !e.expired(today))
            {
                continue;
            }
            known.push(Entry {
                case: outcome.id.clone(),
                requirement: String::new(),
                verdict: verdict.to_owned(),
                reason: format!("{} since {today}: {}", verdict, outcome.verdict.detail()),
                link: String::new(),
                expires: expires.clone(),
            });
        }
        Self { known }
    }

    /// The file's text.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# Known departures (helios-conform --baseline): each accepts its cases' verdict until it expires.\n",
        );
        out.push_str(&toml::to_string_pretty(self).unwrap_or_default());
        out
    }
}

impl Entry {
    fn check(&self) -> Result<(), String> {
        if self.case.is_empty() == self.requirement.is_empty() {
            return Err("name the cases with exactly one of `case` and `requirement`".into());
        }
        let (key, pattern) = self.pattern();
        glob::Pattern::new(pattern).map_err(|e| format!("`{key}` is not a glob: {e}"))?;
        if !ACCEPTABLE.contains(&self.verdict.as_str()) {
            return Err(format!(
                "`verdict = \"{}\"`: a baseline accepts one of {}",
                self.verdict,
                ACCEPTABLE.join(", ")
            ));
        }
        if self.reason.trim().is_empty() {
            return Err("`reason` is empty: say why the departure is accepted".into());
        }
        self.date().map(|_| ())
    }

    fn date(&self) -> Result<NaiveDate, String> {
        NaiveDate::parse_from_str(&self.expires, "%Y-%m-%d")
            .map_err(|e| format!("`expires = \"{}\"` is not YYYY-MM-DD: {e}", self.expires))
    }

    /// The key naming the entry's cases and its pattern.
    fn pattern(&self) -> (&'static str, &str) {
        if self.requirement.is_empty() {
            ("case", &self.case)
        } else {
            ("requirement", &self.requirement)
        }
    }

    /// The entry as the reports name it: its case pattern, or `requirement <pattern>`.
    pub fn name(&self) -> String {
        match self.pattern() {
            ("case", pattern) => pattern.to_owned(),
            (key, pattern) => format!("{key} {pattern}"),
        }
    }

    /// Whether the entry names the case of `outcome`: by its id, or a requirement it cites.
    pub fn covers(&self, outcome: &Outcome) -> bool {
        let Ok(pattern) = glob::Pattern::new(self.pattern().1) else {
            return false;
        };
        if self.requirement.is_empty() {
            pattern.matches(&outcome.id)
        } else {
            outcome.requirements.iter().any(|r| pattern.matches(r))
        }
    }

    /// Whether `today` is after the entry's last day.
    pub fn expired(&self, today: NaiveDate) -> bool {
        self.date().is_ok_and(|last| today > last)
    }

    fn known(&self) -> Known {
        Known {
            entry: self.name(),
            reason: self.reason.clone(),
            link: self.link.clone(),
            expires: self.expires.clone(),
        }
    }
}

/// Today's date in UTC.
pub fn today() -> NaiveDate {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).date_naive()
}

impl Applied {
    /// What the terminal says about the baseline: the known cases, and each entry to look at.
    pub fn summary(&self, outcomes: &[Outcome]) -> String {
        let mut out = format!("baseline: {} known departures\n", self.known);
        for outcome in outcomes.iter().filter(|o| o.known.is_some()) {
            if let Some(known) = &outcome.known {
                let _ = writeln!(
                    out,
                    "  known {} {}: {}{}",
                    outcome.verdict.id(),
                    outcome.id,
                    known.reason,
                    if known.link.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", known.link)
                    }
                );
            }
        }
        for (label, entries) in [
            (
                "EXPIRED (its cases count again; renew or fix)",
                &self.expired,
            ),
            (
                "stale (its cases no longer depart so: remove it)",
                &self.stale,
            ),
            ("matched no case of this run", &self.unmatched),
        ] {
            for entry in entries {
                let _ = writeln!(
                    out,
                    "  entry `{}` ({}, expires {}): {label}",
                    entry.name(),
                    entry.verdict,
                    entry.expires
                );
            }
        }
        out
    }

    /// The baseline's part of `results.ndjson`'s summary line.
    pub fn json(&self) -> serde_json::Value {
        let cases = |entries: &[Entry]| entries.iter().map(Entry::name).collect::<Vec<_>>();
        serde_json::json!({
            "known": self.known,
            "expired": cases(&self.expired),
            "stale": cases(&self.stale),
            "unmatched": cases(&self.unmatched),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(toml: &str) -> String {
        let path = std::env::temp_dir().join(format!("baseline-test-{}.toml", std::process::id()));
        std::fs::write(&path, toml).expect("written");
        let error = Baseline::read(&path).expect_err("refused").to_string();
        let _ = std::fs::remove_file(path);
        error
    }

    const ENTRY: &str = "[[known]]\ncase = \"a.*\"\nverdict = \"fail\"\nreason = \"filed\"\nexpires = \"2027-01-31\"\n";

    #[test]
    fn a_bad_entry_is_refused_naming_it_and_its_key() {
        assert!(
            refused(&ENTRY.replace("\"fail\"", "\"pass\""))
                .contains("entry 1 (`a.*`): `verdict = \"pass\"`")
        );
        assert!(
            refused(&ENTRY.replace("2027-01-31", "31.1.2027"))
                .contains("`expires = \"31.1.2027\"` is not YYYY-MM-DD")
        );
        assert!(refused(&ENTRY.replace("a.*", "a.[")).contains("`case` is not a glob"));
        assert!(refused(&ENTRY.replace("\"filed\"", "\" \"")).contains("`reason` is empty"));
        assert!(refused(&format!("{ENTRY}colour = \"red\"\n")).contains("unknown field"));
        assert!(
            refused(&format!("{ENTRY}requirement = \"5.10/*\"\n"))
                .contains("exactly one of `case` and `requirement`")
        );
    }

    #[test]
    fn an_entry_accepts_its_verdict_until_its_last_day() {
        let baseline: Baseline = toml::from_str(ENTRY).expect("a baseline");
        let function = &helios_spec::FUNCTIONS[0];
        let mut outcomes = vec![
            Outcome::new("a.b", function, "t"),
            Outcome::new("b.c", function, "t"),
        ];
        outcomes[0].verdict = crate::verdict::Verdict::Fail("x".into());
        outcomes[1].verdict = crate::verdict::Verdict::Fail("y".into());
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date");
        let applied = baseline.apply(&mut outcomes, day("2027-01-31"));
        assert_eq!(
            (
                applied.known,
                outcomes[0].known.is_some(),
                outcomes[1].known.is_some()
            ),
            (1, true, false)
        );
        let mut later = outcomes.clone();
        later[0].known = None;
        let applied = baseline.apply(&mut later, day("2027-02-01"));
        assert_eq!((applied.known, applied.expired.len()), (0, 1));
        // An entry by requirement covers the cases citing it.
        let by_requirement: Baseline =
            toml::from_str(&ENTRY.replace("case = \"a.*\"", "requirement = \"5.10/*\""))
                .expect("a baseline");
        let mut cited = outcomes.clone();
        cited[0].known = None;
        cited[1].requirements = vec!["5.10/switch-ctrl".into()];
        let applied = by_requirement.apply(&mut cited, day("2027-01-31"));
        assert_eq!((applied.known, cited[0].known.is_some()), (1, false));
        assert_eq!(
            cited[1].known.as_ref().map(|k| k.entry.as_str()),
            Some("requirement 5.10/*")
        );
        // Updating adds the uncovered departure and keeps the entry.
        let updated = baseline.updated(&outcomes, &Applied::default(), day("2027-01-01"), 90);
        let cases: Vec<&str> = updated.known.iter().map(|e| e.case.as_str()).collect();
        assert_eq!(cases, ["a.*", "b.c"]);
        assert_eq!(updated.known[1].expires, "2027-04-01");
    }
}
