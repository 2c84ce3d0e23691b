//! `docs/requirements.md`: the register of requirements (`helios_spec::requirements`), each
//! with the cases that judge it for the reference declaration and its status: covered, covered
//! only by a declaration that differs from the reference (which says what it takes), excused
//! (and why), or not covered.

use std::collections::BTreeMap;
use std::fmt::Write;

use helios_conform::run::{Cited, Variant, catalogue, variants};
use helios_conform::{Profile, REFERENCE_PROFILE};
use helios_spec::requirements::{Requirement, requirements};

/// How many case ids a row names before it says how many more.
const SHOWN: usize = 4;

/// For each requirement id, the cases citing it, each with the index of its declaration in
/// [`variants`].
type ByRequirement = BTreeMap<String, Vec<(usize, String)>>;

/// The cases citing each requirement, per declaration in the order of [`variants`].
fn cases_by_requirement() -> (Vec<Variant>, ByRequirement) {
    let reference = Profile::parse(REFERENCE_PROFILE).expect("the reference profile parses");
    let variants = variants(&reference);
    let mut by = ByRequirement::new();
    for (at, variant) in variants.iter().enumerate() {
        let cited: Vec<Cited> = catalogue(&variant.profile, &variant.found, true);
        for (case, ids) in cited {
            for id in ids {
                let cases = by.entry(id).or_default();
                if !cases.iter().any(|(_, c)| *c == case) {
                    cases.push((at, case.clone()));
                }
            }
        }
    }
    (variants, by)
}

/// The status column: covered, covered by another declaration, excused or not covered.
fn status(requirement: &Requirement, cases: &[(usize, String)], variants: &[Variant]) -> String {
    if cases.iter().any(|(at, _)| *at == 0) {
        "covered".to_owned()
    } else if let Some((at, _)) = cases.first() {
        format!(
            "not covered by the reference declaration: needs {}",
            variants[*at].name
        )
    } else if let Some(why) = requirement.excused {
        format!("excused: {why}")
    } else if !requirement.kind.normative() {
        format!(
            "not covered ({}: no case needs to judge it)",
            requirement.kind.id()
        )
    } else {
        "not covered".to_owned()
    }
}

/// The cases column: the first few ids of the reference declaration's (or else another's).
fn cases_cell(cases: &[(usize, String)]) -> String {
    let first = cases.first().map_or(0, |(at, _)| *at);
    let own: Vec<&str> = cases
        .iter()
        .filter(|(at, _)| *at == first)
        .map(|(_, case)| case.as_str())
        .collect();
    let mut cell: Vec<String> = own.iter().take(SHOWN).map(|c| format!("`{c}`")).collect();
    if own.len() > SHOWN {
        cell.push(format!("and {} more", own.len() - SHOWN));
    }
    cell.join(", ")
}

pub(crate) fn requirements_md() -> String {
    let (variants, by) = cases_by_requirement();
    let mut out = String::from(crate::docs::HEADER);
    out.push_str("# Requirements\n\nThe register of the manual's requirements (`helios_spec::requirements`): every statement a device must follow, with a stable id that the conformance cases cite (in `results.ndjson`, `junit.xml` and the traceability view of `report.html`). *Cases* are those of the reference declaration (`crates/helios-conform/profiles/reference.toml`) that judge it; a requirement the reference cannot exercise names the declaration that does.\n\n");
    let judged = requirements()
        .iter()
        .filter(|r| {
            by.get(&r.id)
                .is_some_and(|c| c.iter().any(|(at, _)| *at == 0))
        })
        .count();
    let excused = requirements()
        .iter()
        .filter(|r| r.excused.is_some())
        .count();
    let _ = writeln!(
        out,
        "{} requirements: {judged} covered by the reference declaration, {excused} excused.\n",
        requirements().len()
    );
    chapters(&mut out, &by, &variants);
    out.push_str("| Id | Section | Kind | Text | Cases | Status |\n|---|---|---|---|---|---|\n");
    for requirement in requirements() {
        let cases = by.get(&requirement.id).map_or(&[][..], Vec::as_slice);
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            requirement.id,
            requirement.section,
            requirement.kind.id(),
            requirement.text.replace('|', "\\|"),
            cases_cell(cases),
            status(requirement, cases, &variants),
        );
    }
    out
}

/// Per chapter: how many requirements, and how many of them are covered, need another
/// declaration, are excused, or are not covered.
fn chapters(out: &mut String, by: &ByRequirement, variants: &[Variant]) {
    out.push_str("| Chapter | Requirements | Covered | Needs another declaration | Excused | Not covered |\n|---|---|---|---|---|---|\n");
    for chapter in ["2", "3", "4", "5"] {
        let mut counts = [0usize; 5];
        for requirement in requirements().iter().filter(|r| r.chapter() == chapter) {
            let cases = by.get(&requirement.id).map_or(&[][..], Vec::as_slice);
            let status = status(requirement, cases, variants);
            let at = if status == "covered" {
                1
            } else if status.starts_with("not covered by the reference") {
                2
            } else if status.starts_with("excused") {
                3
            } else {
                4
            };
            counts[0] += 1;
            counts[at] += 1;
        }
        let [all, covered, other, excused, none] = counts;
        let _ = writeln!(
            out,
            "| {chapter} | {all} | {covered} | {other} | {excused} | {none} |"
        );
    }
    out.push('\n');
}
