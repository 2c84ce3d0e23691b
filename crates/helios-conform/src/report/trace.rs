//! The traceability view of a run: each requirement of the spec's register with the cases that
//! cite it and what their verdicts say of it, rolled up per chapter, and the coverage figure
//! (requirements judged ÷ requirements applicable to this declaration). `report.html` shows it.

use std::collections::BTreeMap;

use helios_spec::requirements::{Requirement, requirement, requirements};

use crate::outcome::Outcome;
use crate::profile::Profile;
use crate::run::{catalogue, variants};
use crate::verdict::Verdict;

/// What a run says of a requirement, worst first: a failed case makes it failed, else a
/// non-strict one non-strict, else a pass passed; cases that could not be judged make it
/// inconclusive. When no case judged it: excused when the register says why; skipped when a
/// case citing it was of a tier not allowed; not applicable when its cases were; not covered
/// when no case of the run cites it.
pub const STATUSES: [&str; 8] = [
    "failed",
    "non-strict",
    "passed",
    "inconclusive",
    "skipped",
    "not-applicable",
    "not-covered",
    "excused",
];

/// A requirement as the view shows it.
#[derive(Debug)]
pub struct RequirementRow {
    pub id: String,
    pub section: &'static str,
    pub chapter: &'static str,
    pub kind: &'static str,
    pub text: String,
    pub status: &'static str,
    /// Why it is excused or, without cases, why nothing judged it.
    pub why: String,
    /// Each case that cites it, with its verdict.
    pub cases: Vec<(String, &'static str)>,
}

/// One chapter's requirements: how many have each status, and its coverage.
#[derive(Debug)]
pub struct ChapterRow {
    pub chapter: &'static str,
    pub title: &'static str,
    pub counts: [usize; STATUSES.len()],
    pub judged: usize,
    pub applicable: usize,
}

/// The whole view.
#[derive(Debug)]
pub struct Traceability {
    pub rows: Vec<RequirementRow>,
    pub chapters: Vec<ChapterRow>,
    pub judged: usize,
    pub applicable: usize,
}

impl Traceability {
    /// The coverage as a percentage with one decimal, or `-` when nothing is applicable.
    pub fn coverage(&self) -> String {
        percent(self.judged, self.applicable)
    }
}

impl ChapterRow {
    pub fn coverage(&self) -> String {
        percent(self.judged, self.applicable)
    }
}

fn percent(judged: usize, applicable: usize) -> String {
    if applicable == 0 {
        return "-".to_owned();
    }
    let tenths = judged * 1000 / applicable;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// The chapters of the manual that hold requirements, with their titles.
const CHAPTERS: [(&str, &str); 4] = [
    ("2", "HTTP API Description"),
    ("3", "HTTP API Services Security"),
    ("4", "User Accounts"),
    ("5", "Overview of HTTP API Functions"),
];

/// Whether a status counts as judged (the numerator of the coverage).
fn judged(status: &str) -> bool {
    matches!(status, "failed" | "non-strict" | "passed")
}

/// Whether a requirement with this status is applicable to the declaration (the denominator):
/// a normative one neither excused nor not applicable (a skipped one is: the operator chose
/// not to judge it).
fn applicable(requirement: &Requirement, status: &str) -> bool {
    requirement.kind.normative() && !matches!(status, "excused" | "not-applicable")
}

/// The view of a run's `outcomes`, whose declaration was `profile_text`, over the spec's
/// register.
pub fn traceability(outcomes: &[Outcome], profile_text: &str) -> Traceability {
    let mut citing: BTreeMap<&str, Vec<&Outcome>> = BTreeMap::new();
    for outcome in outcomes {
        for id in &outcome.requirements {
            citing.entry(id.as_str()).or_default().push(outcome);
        }
    }
    let reasons = uncovered(profile_text);
    let rows: Vec<RequirementRow> = requirements()
        .iter()
        .map(|r| {
            let cases = citing.get(r.id.as_str()).map_or(&[][..], Vec::as_slice);
            let mut row = row(r, cases);
            if row.status == "not-covered"
                && let Some(why) = reasons.get(r.id.as_str())
            {
                row.why.clone_from(why);
            }
            row
        })
        .collect();
    let chapters = CHAPTERS
        .iter()
        .map(|&(chapter, title)| chapter_row(chapter, title, &rows))
        .collect();
    let (judged, applicable) = tally(requirements().iter().zip(&rows));
    Traceability {
        rows,
        chapters,
        judged,
        applicable,
    }
}

/// How many of these requirements were judged, and how many are applicable.
fn tally<'a>(rows: impl Iterator<Item = (&'a Requirement, &'a RequirementRow)>) -> (usize, usize) {
    rows.fold((0, 0), |(judged_so_far, applicable_so_far), (r, row)| {
        let counts = applicable(r, row.status);
        (
            judged_so_far + usize::from(counts && judged(row.status)),
            applicable_so_far + usize::from(counts),
        )
    })
}

/// Why a requirement no case of a run cites was not covered, by id: the declaration's own
/// catalogue has cases for it (the run's selectors left them out), or only a variant of the
/// declaration does (what it would take), or none does.
fn uncovered(profile_text: &str) -> BTreeMap<&'static str, String> {
    let Ok(profile) = Profile::parse(profile_text) else {
        return BTreeMap::new();
    };
    let mut reasons = BTreeMap::new();
    for (at, variant) in variants(&profile).iter().enumerate() {
        let why = if at == 0 {
            "the declaration has cases for it, but this run did not select them".to_owned()
        } else {
            format!(
                "this declaration cannot exercise it: it needs {}",
                variant.name
            )
        };
        for (_, cited) in catalogue(&variant.profile, &variant.found, true) {
            for id in cited {
                if let Some(requirement) = requirement(&id) {
                    reasons
                        .entry(requirement.id.as_str())
                        .or_insert_with(|| why.clone());
                }
            }
        }
    }
    reasons
}

fn chapter_row(chapter: &'static str, title: &'static str, rows: &[RequirementRow]) -> ChapterRow {
    let mut counts = [0; STATUSES.len()];
    for row in rows.iter().filter(|row| row.chapter == chapter) {
        if let Some(at) = STATUSES.iter().position(|s| *s == row.status) {
            counts[at] += 1;
        }
    }
    let (judged, applicable) = tally(
        requirements()
            .iter()
            .zip(rows)
            .filter(|(_, row)| row.chapter == chapter),
    );
    ChapterRow {
        chapter,
        title,
        counts,
        judged,
        applicable,
    }
}

fn row(requirement: &Requirement, cases: &[&Outcome]) -> RequirementRow {
    let (status, why) = status(requirement, cases);
    RequirementRow {
        id: requirement.id.clone(),
        section: requirement.section,
        chapter: requirement.chapter(),
        kind: requirement.kind.id(),
        text: requirement.text.clone(),
        status,
        why,
        cases: cases
            .iter()
            .map(|o| (o.id.clone(), o.verdict.id()))
            .collect(),
    }
}

/// What the verdicts of the cases citing a requirement say of it, and why when no case judged it.
fn status(requirement: &Requirement, cases: &[&Outcome]) -> (&'static str, String) {
    let any = |test: fn(&Verdict) -> bool| cases.iter().any(|o| test(&o.verdict));
    if any(|v| matches!(v, Verdict::Fail(_))) {
        ("failed", String::new())
    } else if any(|v| matches!(v, Verdict::NonStrict { .. })) {
        ("non-strict", String::new())
    } else if any(|v| matches!(v, Verdict::Pass)) {
        ("passed", String::new())
    } else if any(|v| matches!(v, Verdict::Inconclusive(_) | Verdict::Error(_))) {
        (
            "inconclusive",
            "no case citing it could be judged".to_owned(),
        )
    } else if let Some(why) = requirement.excused {
        ("excused", why.to_owned())
    } else if let Some(skipped) = cases
        .iter()
        .find(|o| matches!(o.verdict, Verdict::Skipped(_)))
    {
        ("skipped", skipped.verdict.detail())
    } else if let Some(first) = cases.first() {
        ("not-applicable", first.verdict.detail())
    } else {
        (
            "not-covered",
            "no case of any declaration cites it".to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use helios_spec::functions::switch;

    use super::*;

    fn outcome(id: &str, verdict: Verdict, cites: &[&str]) -> Outcome {
        let mut outcome = Outcome::new(id, &switch::ctrl::FUNCTION, "parameters");
        outcome.verdict = verdict;
        outcome.requirements = cites.iter().map(|c| (*c).to_owned()).collect();
        outcome
    }

    fn status_of<'a>(view: &'a Traceability, id: &str) -> &'a str {
        view.rows
            .iter()
            .find(|r| r.id == id)
            .map_or("absent", |r| r.status)
    }

    /// The worst verdict of a requirement's cases decides; excused, skipped, not applicable and
    /// not covered say why nothing judged it; the coverage counts judged of applicable.
    #[test]
    fn each_requirement_takes_the_worst_verdict_of_its_cases() {
        let action = "5.10/switch-ctrl/action";
        let missing = "2.3/error-11";
        let view = traceability(
            &[
                outcome("a", Verdict::Pass, &[action, missing]),
                outcome("b", Verdict::Fail("no".into()), &[action]),
                outcome(
                    "c",
                    Verdict::NonStrict {
                        erratum: "trailing-comma",
                        why: "a comma".into(),
                    },
                    &[missing],
                ),
                outcome(
                    "d",
                    Verdict::Skipped("tier".into()),
                    &["5.3/system-restart"],
                ),
                outcome(
                    "e",
                    Verdict::NotApplicable("no".into()),
                    &["5.28/email-send"],
                ),
                outcome(
                    "f",
                    Verdict::NotApplicable("no".into()),
                    &["5.16/call-dial"],
                ),
                outcome(
                    "g",
                    Verdict::Inconclusive("late".into()),
                    &["5.26/log-pull"],
                ),
            ],
            crate::REFERENCE_PROFILE,
        );
        assert_eq!(status_of(&view, action), "failed");
        assert_eq!(status_of(&view, missing), "non-strict");
        assert_eq!(status_of(&view, "5.3/system-restart"), "skipped");
        assert_eq!(status_of(&view, "5.28/email-send"), "excused");
        assert_eq!(status_of(&view, "5.16/call-dial"), "not-applicable");
        assert_eq!(status_of(&view, "5.26/log-pull"), "inconclusive");
        assert_eq!(status_of(&view, "2.3/error-12"), "not-covered");
        assert_eq!(status_of(&view, "2/host-header"), "excused");
        let why = |id: &str| view.rows.iter().find(|r| r.id == id).map(|r| r.why.clone());
        assert_eq!(
            why("2.3/error-4").as_deref(),
            Some("this declaration cannot exercise it: it needs every service disabled")
        );
        assert_eq!(
            why("2.3/error-12").as_deref(),
            Some("the declaration has cases for it, but this run did not select them")
        );
        let failed = view.rows.iter().find(|r| r.id == action).expect("the row");
        assert_eq!(
            failed.cases,
            [("a".to_owned(), "pass"), ("b".to_owned(), "fail")]
        );
        // Judged: the action and error 11. Not applicable: excused ones, examples, mays and
        // call/dial; everything else (skipped and not covered too) is applicable.
        assert_eq!(view.judged, 2);
        let normative = requirements().iter().filter(|r| r.kind.normative());
        let excused = normative.clone().filter(|r| r.excused.is_some()).count();
        assert_eq!(view.applicable, normative.count() - excused - 1);
        let chapters: usize = view
            .chapters
            .iter()
            .map(|c| c.counts.iter().sum::<usize>())
            .sum();
        assert_eq!(chapters, requirements().len());
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(0, 0), "-");
    }
}
