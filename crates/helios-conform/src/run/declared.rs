//! The declared-vs-discovered cases: the hardware the declaration claims against what
//! discovery read (switch/caps, io/caps, camera/caps, display/caps, phone/status). One case per
//! kind of fact and kind of difference, so that a lab sees at once which fact and which way:
//! `.absent` (declared, but the device does not report it), `.undeclared` (the device reports
//! it, the declaration does not) and `.differs` (both, but not alike). They send nothing of
//! their own and judge discovery's replies, whatever the selectors; the request cases draw
//! switch numbers, ports and resolutions from discovery, never from the declaration, so that a
//! declaration that is wrong fails here and nowhere else.

use helios_spec::functions::{camera, display, io, log, phone, switch};
use helios_spec::{Function, Version};

use crate::declaration::{Hardware, SwitchMode, SwitchRow, told_by_log_caps};
use crate::discovery::{Discovered, SwitchCaps};
use crate::outcome::Outcome;
use crate::profile::Checked;
use crate::verdict::Verdict;

/// The check of every declaration case.
pub(super) const CHECK: &str = "declaration";

/// One kind of fact: its id, the section that declares it, the function that reports it,
/// whether its facts have attributes that may differ (a switch's mode, a port's type), and how
/// each side states its facts (the declaration's `None`: the section is not declared).
struct Kind {
    id: &'static str,
    section: &'static str,
    function: &'static Function,
    attributes: bool,
    declared: fn(&Hardware, Version) -> Option<Vec<Fact>>,
    reported: fn(&Discovered, Version) -> Vec<Fact>,
}

const KINDS: [Kind; 7] = [
    Kind {
        id: "switches",
        section: "[[switches]]",
        function: &switch::caps::FUNCTION,
        attributes: true,
        declared: |hardware, _| {
            Some(
                hardware
                    .switches
                    .as_ref()?
                    .iter()
                    .map(switch_fact)
                    .collect(),
            )
        },
        reported: |found, _| found.switch_caps.iter().map(caps_fact).collect(),
    },
    Kind {
        id: "ports",
        section: "[[ports]]",
        function: &io::caps::FUNCTION,
        attributes: true,
        declared: |hardware, _| {
            let ports = hardware.ports.as_ref()?.iter();
            Some(
                ports
                    .map(|p| (p.port.clone(), p.kind.name().to_owned()))
                    .collect(),
            )
        },
        reported: |found, _| {
            let outputs = found
                .outputs
                .iter()
                .map(|p| (p.clone(), "output".to_owned()));
            let inputs = found.inputs.iter().map(|p| (p.clone(), "input".to_owned()));
            outputs.chain(inputs).collect()
        },
    },
    Kind {
        id: "camera.sources",
        section: "[camera] sources",
        function: &camera::caps::FUNCTION,
        attributes: false,
        declared: |hardware, _| Some(names(hardware.camera.as_ref()?.sources.iter())),
        reported: |found, _| names(found.sources.iter()),
    },
    Kind {
        id: "camera.resolutions",
        section: "[camera] resolutions",
        function: &camera::caps::FUNCTION,
        attributes: false,
        declared: |hardware, _| Some(sizes(&hardware.camera.as_ref()?.resolutions)),
        reported: |found, _| sizes(&found.resolutions),
    },
    Kind {
        id: "displays",
        section: "[[displays]]",
        function: &display::caps::FUNCTION,
        attributes: false,
        declared: |hardware, _| {
            Some(names(
                hardware.displays.as_ref()?.iter().map(|d| &d.display),
            ))
        },
        reported: |found, _| names(found.displays.iter()),
    },
    Kind {
        id: "sip-accounts",
        section: "[[sip_accounts]]",
        function: &phone::status::FUNCTION,
        attributes: true,
        declared: |hardware, _| {
            let accounts = hardware.sip_accounts.as_ref()?.iter();
            Some(
                accounts
                    .map(|a| (a.account.to_string(), number(&a.number)))
                    .collect(),
            )
        },
        reported: |found, _| {
            let accounts = found.sip_accounts.iter();
            accounts
                .map(|(a, said)| (a.to_string(), number(said)))
                .collect()
        },
    },
    // Of the features, those log/caps tells on the firmware: each has an event of its own.
    Kind {
        id: "features",
        section: "[device] features",
        function: &log::caps::FUNCTION,
        attributes: false,
        declared: |hardware, firmware| {
            let told = told_by_log_caps(firmware);
            let features = hardware
                .features
                .as_ref()?
                .iter()
                .filter(|f| told.contains(f));
            Some(names(features.map(|f| f.id())))
        },
        reported: |found, firmware| {
            let features = crate::discovery::features(found, firmware);
            names(features.iter().map(|f| f.id()))
        },
    },
];

/// A fact: what names it (a switch number, a port) and what is said of it.
type Fact = (String, String);

/// Every declaration case's id and function, in the order judged: what `--list` shows.
pub fn ids() -> Vec<(String, &'static Function)> {
    let mut ids = Vec::new();
    for kind in &KINDS {
        for difference in differences(kind) {
            ids.push((
                format!("declaration.{}.{difference}", kind.id),
                kind.function,
            ));
        }
    }
    ids
}

fn differences(kind: &Kind) -> &'static [&'static str] {
    if kind.attributes {
        &["absent", "undeclared", "differs"]
    } else {
        &["absent", "undeclared"]
    }
}

/// The declaration against discovery: each difference a failed case of its own.
pub(super) fn outcomes(profile: &Checked, found: &Discovered) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    let firmware = found.firmware(profile.firmware);
    for kind in &KINDS {
        let declared = (kind.declared)(&profile.hardware, firmware);
        let reported = found
            .answered
            .contains(&kind.function.path)
            .then(|| (kind.reported)(found, firmware));
        for difference in differences(kind) {
            let id = format!("declaration.{}.{difference}", kind.id);
            let mut outcome = Outcome::new(id, kind.function, CHECK);
            judge(
                &mut outcome,
                kind,
                difference,
                declared.as_deref(),
                reported.as_deref(),
            );
            outcome.finish();
            outcomes.push(outcome);
        }
    }
    outcomes
}

/// One case's verdict: not applicable when nothing is declared, inconclusive when the device
/// did not say, else the facts that differ this way.
fn judge(
    outcome: &mut Outcome,
    kind: &Kind,
    difference: &str,
    declared: Option<&[Fact]>,
    reported: Option<&[Fact]>,
) {
    let path = kind.function.path;
    let (Some(declared), Some(reported)) = (declared, reported) else {
        outcome.verdict = match declared {
            None => Verdict::NotApplicable(format!("the declaration has no {}", kind.section)),
            Some(_) => Verdict::Inconclusive(format!("{path} did not answer: nothing to compare")),
        };
        return;
    };
    let names = |facts: &[Fact]| {
        facts
            .iter()
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>()
    };
    let (expected, observed, wrong): (String, String, Vec<String>) = match difference {
        "absent" => (
            format!("{path} reports every {} declared", kind.section),
            names(reported).join(", "),
            missing(declared, reported),
        ),
        "undeclared" => (
            format!("{} declares everything {path} reports", kind.section),
            names(declared).join(", "),
            missing(reported, declared),
        ),
        _ => (
            format!("{path} reports each fact of {} as declared", kind.section),
            describe(reported),
            unlike(declared, reported),
        ),
    };
    outcome.expected = expected;
    outcome.observed = observed;
    outcome.verdict = if wrong.is_empty() {
        Verdict::Pass
    } else {
        let says = match difference {
            "absent" => format!("declared but absent from {path}"),
            "undeclared" => format!("reported by {path} but not declared in {}", kind.section),
            _ => format!("declared otherwise than {path} reports"),
        };
        Verdict::Fail(format!(
            "{says}: {} (the device or its declaration is wrong)",
            wrong.join(", ")
        ))
    };
}

/// The names of `these` that `those` lacks.
fn missing(these: &[Fact], those: &[Fact]) -> Vec<String> {
    these
        .iter()
        .filter(|(name, _)| !those.iter().any(|(other, _)| other == name))
        .map(|(name, _)| name.clone())
        .collect()
}

/// The facts of both whose attributes differ, each with what was declared and reported.
fn unlike(declared: &[Fact], reported: &[Fact]) -> Vec<String> {
    declared
        .iter()
        .filter_map(|(name, said)| {
            let (_, seen) = reported.iter().find(|(other, _)| other == name)?;
            (said != seen).then(|| format!("{name}: declared {said}, reported {seen}"))
        })
        .collect()
}

fn describe(facts: &[Fact]) -> String {
    facts
        .iter()
        .map(|(name, said)| format!("{name} ({said})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Facts that are names alone.
fn names<T: ToString>(names: impl Iterator<Item = T>) -> Vec<Fact> {
    names
        .map(|name| (name.to_string(), String::new()))
        .collect()
}

fn sizes(resolutions: &[(u32, u32)]) -> Vec<Fact> {
    names(resolutions.iter().map(|(w, h)| format!("{w}x{h}")))
}

fn number(number: &str) -> String {
    if number.is_empty() {
        "no number".to_owned()
    } else {
        format!("number {number}")
    }
}

fn switch_fact(row: &SwitchRow) -> Fact {
    let said = match (row.enabled, row.mode, row.duration) {
        (false, _, _) => "disabled".to_owned(),
        (true, Some(SwitchMode::Monostable), duration) => {
            format!("monostable, {} s", duration.unwrap_or_default())
        }
        (true, _, _) => "bistable".to_owned(),
    };
    (row.switch.to_string(), said)
}

fn caps_fact(caps: &SwitchCaps) -> Fact {
    let said = match (caps.enabled, caps.monostable) {
        (false, _) => "disabled".to_owned(),
        (true, Some(duration)) => format!("monostable, {duration} s"),
        (true, None) => "bistable".to_owned(),
    };
    (caps.switch.to_string(), said)
}
