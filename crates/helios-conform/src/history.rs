//! Stored runs: a report directory read back from its `results.ndjson` (the source of truth),
//! and two stored runs compared (`helios-conform diff A B`): firmware N against N+1, yesterday
//! against today. What changed is classified once here, for the text, the HTML page and the
//! exit code alike.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use askama::Template;
use serde_json::Value;

/// One case of a stored run, as its `results.ndjson` line has it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredCase {
    pub id: String,
    pub function: String,
    pub service: String,
    pub verdict: String,
    /// Why, when it is not a pass (the line's `detail`, else `observed`).
    pub why: String,
    /// The whole line, for what a reader of this module does not name.
    pub line: Value,
}

/// A report directory read back.
#[derive(Clone, Debug)]
pub struct StoredRun {
    pub dir: PathBuf,
    /// The cases in the order the run judged them.
    pub cases: Vec<StoredCase>,
    /// The `{"summary": …}` line's object.
    pub summary: Value,
}

/// Why a report directory could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("reading {path}: {source} (is it a report directory written with --report-dir?)")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: not a line of results.ndjson: {why}")]
    Line {
        path: PathBuf,
        line: usize,
        why: String,
    },
    #[error("{path}: no summary line: the run did not finish writing its results")]
    NoSummary { path: PathBuf },
}

impl StoredRun {
    /// Reads `dir/results.ndjson`.
    pub fn read(dir: &Path) -> Result<Self, HistoryError> {
        let path = dir.join("results.ndjson");
        let text = std::fs::read_to_string(&path).map_err(|source| HistoryError::Read {
            path: path.clone(),
            source,
        })?;
        let mut cases = Vec::new();
        let mut summary = None;
        for (number, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let bad = |why: String| HistoryError::Line {
                path: path.clone(),
                line: number + 1,
                why,
            };
            let value: Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
            if let Some(object) = value.get("summary") {
                summary = Some(object.clone());
                continue;
            }
            cases.push(StoredCase::of_line(value).map_err(bad)?);
        }
        let summary = summary.ok_or(HistoryError::NoSummary { path })?;
        Ok(Self {
            dir: dir.to_owned(),
            cases,
            summary,
        })
    }

    /// The ids of the cases whose verdict is `fail` (what `--rerun-failed` runs again).
    pub fn failed_ids(&self) -> std::collections::BTreeSet<String> {
        self.cases
            .iter()
            .filter(|case| case.verdict == "fail")
            .map(|case| case.id.clone())
            .collect()
    }
}

impl StoredCase {
    fn of_line(line: Value) -> Result<Self, String> {
        let text = |key: &str| line.get(key).and_then(Value::as_str).map(str::to_owned);
        let id = text("id").ok_or("no `id`")?;
        let verdict = text("verdict").ok_or("no `verdict`")?;
        let why = text("detail")
            .filter(|d| !d.is_empty())
            .or_else(|| text("observed"))
            .unwrap_or_default();
        Ok(Self {
            id,
            function: text("function").unwrap_or_default(),
            service: text("service").unwrap_or_default(),
            verdict,
            why,
            line,
        })
    }
}

/// How a case changed from run A to run B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Failing in B, not in A: a regression.
    NewlyFailing,
    /// Passing in B, not in A.
    NewlyPassing,
    /// Another change of verdict (pass to non-strict, skipped to not applicable, …).
    Changed,
    /// In B only.
    Added,
    /// In A only.
    Removed,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Self::NewlyFailing => "newly failing",
            Self::NewlyPassing => "newly passing",
            Self::Changed => "verdict changed",
            Self::Added => "added",
            Self::Removed => "removed",
        }
    }

    fn of(a: Option<&str>, b: Option<&str>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) if a == b => None,
            (Some(_), Some("fail")) => Some(Self::NewlyFailing),
            (Some(_), Some("pass")) => Some(Self::NewlyPassing),
            (Some(_), Some(_)) => Some(Self::Changed),
            (None, Some(_)) => Some(Self::Added),
            (Some(_), None) => Some(Self::Removed),
            (None, None) => None,
        }
    }
}

/// One case that differs between the two runs.
#[derive(Clone, Debug)]
pub struct Difference {
    pub change: Change,
    pub id: String,
    pub service: String,
    /// The verdict in A and in B ("-" where the case is absent).
    pub before: String,
    pub after: String,
    /// Why B's verdict (or A's for a removed case).
    pub why: String,
}

/// Every case whose verdict differs, regressions first, then by id.
pub fn diff(a: &StoredRun, b: &StoredRun) -> Vec<Difference> {
    let by_id = |run: &StoredRun| -> BTreeMap<String, StoredCase> {
        run.cases
            .iter()
            .map(|c| (c.id.clone(), c.clone()))
            .collect()
    };
    let (before, after) = (by_id(a), by_id(b));
    let ids: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut found: Vec<Difference> = ids
        .into_iter()
        .filter_map(|id| {
            let (old, new) = (before.get(id), after.get(id));
            let change = Change::of(
                old.map(|c| c.verdict.as_str()),
                new.map(|c| c.verdict.as_str()),
            )?;
            let shown = new.or(old)?;
            Some(Difference {
                change,
                id: id.clone(),
                service: shown.service.clone(),
                before: old.map_or("-".into(), |c| c.verdict.clone()),
                after: new.map_or("-".into(), |c| c.verdict.clone()),
                why: shown.why.clone(),
            })
        })
        .collect();
    found.sort_by(|x, y| (x.change, &x.id).cmp(&(y.change, &y.id)));
    found
}

/// Whether B regressed against A: a case present in both now fails that did not.
pub fn regressed(differences: &[Difference]) -> bool {
    differences.iter().any(|d| d.change == Change::NewlyFailing)
}

/// The differences as text: a count per kind, then one line per case.
pub fn text(a: &StoredRun, b: &StoredRun, differences: &[Difference]) -> String {
    use std::fmt::Write as _;
    let mut out = format!("A: {}\nB: {}\n", a.dir.display(), b.dir.display());
    for change in KINDS {
        let count = differences.iter().filter(|d| d.change == change).count();
        let _ = writeln!(out, "{:<16} {count}", change.label());
    }
    for d in differences {
        let _ = writeln!(
            out,
            "{:<16} {:<56} {:>14} -> {:<14} {}",
            d.change.label(),
            d.id,
            d.before,
            d.after,
            d.why
        );
    }
    if differences.is_empty() {
        out.push_str("no case changed its verdict\n");
    }
    out
}

const KINDS: [Change; 5] = [
    Change::NewlyFailing,
    Change::NewlyPassing,
    Change::Changed,
    Change::Added,
    Change::Removed,
];

#[derive(Template)]
#[template(path = "diff.html")]
struct Page<'a> {
    a: String,
    b: String,
    regressed: bool,
    counts: Vec<(&'static str, usize)>,
    /// Each difference with its label and the CSS class of its row.
    rows: Vec<(&'static str, String, &'a Difference)>,
}

/// The differences as one self-contained HTML page (askama escapes every value).
pub fn html(
    a: &StoredRun,
    b: &StoredRun,
    differences: &[Difference],
) -> Result<String, askama::Error> {
    Page {
        a: a.dir.display().to_string(),
        b: b.dir.display().to_string(),
        regressed: regressed(differences),
        counts: KINDS
            .iter()
            .map(|&k| {
                (
                    k.label(),
                    differences.iter().filter(|d| d.change == k).count(),
                )
            })
            .collect(),
        rows: differences
            .iter()
            .map(|d| (d.change.label(), d.change.label().replace(' ', "-"), d))
            .collect(),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(cases: &[(&str, &str)]) -> StoredRun {
        StoredRun {
            dir: PathBuf::from("x"),
            cases: cases
                .iter()
                .map(|(id, verdict)| {
                    StoredCase::of_line(json!({"id": id, "verdict": verdict, "service": "S"}))
                        .expect("a line")
                })
                .collect(),
            summary: json!({}),
        }
    }

    #[test]
    fn each_kind_of_change_is_named_and_only_a_new_failure_regresses() {
        let a = run(&[
            ("same", "pass"),
            ("breaks", "pass"),
            ("heals", "fail"),
            ("odd", "pass"),
            ("gone", "pass"),
        ]);
        let b = run(&[
            ("same", "pass"),
            ("breaks", "fail"),
            ("heals", "pass"),
            ("odd", "non-strict"),
            ("new", "fail"),
        ]);
        let found = diff(&a, &b);
        let kinds: Vec<(&str, Change)> = found.iter().map(|d| (d.id.as_str(), d.change)).collect();
        assert_eq!(
            kinds,
            [
                ("breaks", Change::NewlyFailing),
                ("heals", Change::NewlyPassing),
                ("odd", Change::Changed),
                ("new", Change::Added),
                ("gone", Change::Removed),
            ]
        );
        assert!(regressed(&found));
        assert!(!regressed(&diff(&a, &a)));
        // A case added failing is not a regression of the device: it is new to the suite.
        assert!(!regressed(&diff(&run(&[]), &run(&[("new", "fail")]))));
    }
}
