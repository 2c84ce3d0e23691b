//! Traceability: every case the suite can judge cites requirements of the spec's register,
//! only known ones, and every normative requirement is judged by some case or excused. The
//! audit runs on the catalogue of the reference declaration and the variants that exercise
//! what it cannot, and on broken copies to show each rule can fail.

use helios_conform::cites::{self, CHECKS};
use helios_conform::run::{Cited, catalogue, variants};
use helios_conform::{Profile, REFERENCE_PROFILE};
use helios_spec::requirements::{AppliesTo, Kind, Requirement, requirements};

/// Every case of every declaration the catalogue spans.
fn catalogued() -> Vec<Cited> {
    let reference = Profile::parse(REFERENCE_PROFILE).expect("the reference declaration");
    variants(&reference)
        .iter()
        .flat_map(|v| catalogue(&v.profile, &v.found, true))
        .collect()
}

#[test]
fn every_case_cites_known_requirements_and_every_requirement_is_judged() {
    let problems = cites::audit(&catalogued(), requirements());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_audit_finds_a_case_citing_nothing_or_an_unknown_requirement() {
    let mut broken = catalogued();
    broken[3].1.clear();
    broken[4].1.push("9.9/nothing".to_owned());
    let problems = cites::audit(&broken, requirements());
    let (silent, unknown) = (&broken[3].0, &broken[4].0);
    assert!(
        problems.contains(&format!("case {silent} cites no requirement")),
        "{problems:?}"
    );
    assert!(
        problems.contains(&format!(
            "case {unknown} cites unknown requirement `9.9/nothing`"
        )),
        "{problems:?}"
    );
}

#[test]
fn the_audit_finds_a_must_no_case_judges_unless_it_is_excused() {
    let mut register = requirements().to_vec();
    register.push(Requirement {
        id: "2/untested".to_owned(),
        section: "2",
        text: "A statement no case judges.".to_owned(),
        kind: Kind::Must,
        applies_to: AppliesTo::Chapter("2"),
        excused: None,
    });
    let problems = cites::audit(&catalogued(), &register);
    assert_eq!(
        problems,
        ["requirement `2/untested` is judged by no case and not excused"]
    );
    // Excused, or only an example, it is no problem.
    let last = register.len() - 1;
    register[last].excused = Some("needs a real PBX");
    assert!(cites::audit(&catalogued(), &register).is_empty());
    register[last].excused = None;
    register[last].kind = Kind::Example;
    assert!(cites::audit(&catalogued(), &register).is_empty());
    // A requirement judged only by a case that is gone is judged by none.
    let without: Vec<Cited> = catalogued()
        .into_iter()
        .filter(|(_, cited)| !cited.iter().any(|id| id == "2.3/error-13"))
        .collect();
    let problems = cites::audit(&without, requirements());
    assert!(
        problems.contains(
            &"requirement `2.3/error-13` is judged by no case and not excused".to_owned()
        ),
        "{problems:?}"
    );
}

/// Each check listed by case id belongs to a behaviour group (or is discovery's or the health
/// probe's), and each group's outcomes cite something.
#[test]
fn every_check_of_the_table_belongs_to_a_group() {
    for (prefix, cited) in CHECKS {
        // Discovery, the health probes and the declared-vs-discovered cases are the run's
        // own, outside the groups.
        let known = ["discovery", "health"].contains(prefix)
            || prefix.starts_with("declaration.")
            || helios_conform::behaviour::GROUPS.iter().any(|g| {
                *prefix == g.id
                    || prefix
                        .strip_prefix(g.id)
                        .is_some_and(|rest| rest.starts_with('.'))
            });
        assert!(known, "{prefix} names no group");
        assert!(!cited.is_empty(), "{prefix}");
    }
    for group in helios_conform::behaviour::GROUPS {
        assert!(!cites::check(group.id).is_empty(), "{}", group.id);
    }
    assert!(cites::check("events.world.KeyPressed").contains(&"4/keypad.monitoring".to_owned()));
    assert!(cites::check("coherence.clock.date").contains(&"5.2/system-status".to_owned()));
    // An event's check judges its privilege row and the privilege (the guard account lacks it).
    let call = cites::check("events.call");
    for id in [
        "5.26/event/CallStateChanged",
        "5.24/privilege/CallStateChanged",
        "4/phone.monitoring",
    ] {
        assert!(call.contains(&id.to_owned()), "{call:?}");
    }
}

/// A request case's citations follow from what it sends and expects.
#[test]
fn a_request_case_cites_its_parameter_and_error_code() {
    let cited = |id: &str| {
        catalogued()
            .into_iter()
            .find(|(case, _)| case == id)
            .map(|(_, cited)| cited)
            .unwrap_or_else(|| panic!("no case {id}"))
    };
    let missing = cited("switch_ctrl.get.missing.action");
    for id in ["5.10/switch-ctrl/action", "2.3/error-11", "2.3/negative"] {
        assert!(missing.contains(&id.to_owned()), "{missing:?}");
    }
    let duplicate = cited("switch_ctrl.get.duplicate.action.last-valid-wins");
    assert!(
        duplicate.contains(&"2.2/last-occurrence".to_owned()),
        "{duplicate:?}"
    );
    let privilege = cited("switch_ctrl.account-viewer");
    for id in ["2.3/error-10", "4/switch.control", "5/switch-ctrl"] {
        assert!(privilege.contains(&id.to_owned()), "{privilege:?}");
    }
    let plain = cited("switch_ctrl.plain-http");
    assert!(plain.contains(&"3/https".to_owned()), "{plain:?}");
}
