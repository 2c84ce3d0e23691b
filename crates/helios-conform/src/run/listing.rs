//! What a run with these selectors would judge (`--list`), from the declaration alone, and the
//! nearest ids when `--only` selects nothing.

use helios_spec::Tier;
use helios_spec::functions::system;

use crate::discovery::Discovered;
use crate::generate::cases;
use crate::options::Options;
use crate::profile::Checked;

/// One line of `--list`: a case that a run with these selectors would judge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub function: &'static str,
    /// The manual section of the function (`5.10`), empty for a behaviour group.
    pub section: &'static str,
    pub tier: Tier,
    pub check: &'static str,
    /// `run`, or why it would not be sent (`skipped: …`, `not applicable: …`).
    pub status: String,
}

/// The cases a run with `options` would judge, from the declaration alone: nothing is sent, so
/// the values only discovery reads (switch numbers, resolutions) are those the profile
/// implies ([`implied`]), and a behaviour group is listed once under the prefix of its case
/// ids.
pub fn listing(profile: &Checked, has_http: bool, options: &Options) -> Vec<Listed> {
    let firmware = options.firmware.unwrap_or(profile.firmware);
    let found = implied(profile);
    let allowed = |tier: Tier| {
        tier.allowed_by_default() || profile.tiers.contains(&tier) || options.allow.contains(&tier)
    };
    let status = |tier: Tier, not_applicable: Option<&String>| match not_applicable {
        Some(why) => format!("not applicable: {why}"),
        None if !allowed(tier) => format!("skipped: tier {tier} not allowed (--allow {tier})"),
        None => "run".to_owned(),
    };
    let selection = options.selection(options.case.as_deref());
    // Discovery's cross-check of the declaration runs whatever the selectors.
    let mut listed: Vec<Listed> = ["discovery.variant", "discovery.firmware"]
        .into_iter()
        .filter(|id| selection.reports(id))
        .map(|id| Listed {
            id: id.to_owned(),
            function: system::info::FUNCTION.path,
            section: system::info::FUNCTION.section.number,
            tier: Tier::ReadOnly,
            check: "discovery",
            status: "run".to_owned(),
        })
        .collect();
    // So does its cross-check with what the device reports.
    listed.extend(
        super::declared::ids()
            .into_iter()
            .filter(|(id, _)| selection.reports(id))
            .map(|(id, function)| Listed {
                id,
                function: function.path,
                section: function.section.number,
                tier: Tier::ReadOnly,
                check: super::declared::CHECK,
                status: "run".to_owned(),
            }),
    );
    listed.extend(
        cases(profile, &found, firmware, has_http)
            .into_iter()
            .filter(|case| selection.case(&case.id, case.function))
            .map(|case| Listed {
                status: status(case.tier, case.not_applicable.as_ref()),
                function: case.function.path,
                section: case.function.section.number,
                tier: case.tier,
                check: case.check,
                id: case.id,
            }),
    );
    for group in crate::behaviour::GROUPS {
        if selection.group(group.id) {
            listed.push(Listed {
                id: group.id.to_owned(),
                function: "",
                section: "",
                tier: group.tier,
                check: "behaviour",
                status: status(group.tier, None),
            });
        }
    }
    listed
}

/// When `--only` selects nothing a run could judge: the nearest case ids and function paths.
pub fn unmatched(profile: &Checked, has_http: bool, options: &Options) -> Option<Vec<String>> {
    let only = options.only.as_deref()?;
    if listing(profile, has_http, options)
        .iter()
        .any(|l| l.check != "discovery" && l.check != super::declared::CHECK)
    {
        return None;
    }
    let everything = listing(
        profile,
        has_http,
        &Options {
            only: None,
            case: None,
            ..options.clone()
        },
    );
    let mut candidates: Vec<&str> = everything.iter().map(|l| l.id.as_str()).collect();
    candidates.extend(helios_spec::FUNCTIONS.iter().map(|f| f.path));
    Some(
        crate::select::nearest(only, &candidates, 8)
            .into_iter()
            .map(str::to_owned)
            .collect(),
    )
}

/// What discovery would find on the device `profile` declares: each hardware section it
/// declares as declared, one of everything it does not (which cases exist depends on a list
/// being empty or not, so that `--list` and `--only` know every case a run could send).
pub(super) fn implied(profile: &Checked) -> Discovered {
    let hardware = &profile.hardware;
    let mut found = super::catalogue::typical();
    if let Some(switches) = &hardware.switches {
        found.switches = switches.iter().map(|s| (s.switch, s.enabled)).collect();
    }
    if let Some(ports) = &hardware.ports {
        let named = |kind: crate::declaration::PortKind| {
            ports
                .iter()
                .filter(|p| p.kind == kind)
                .map(|p| p.port.clone())
                .collect()
        };
        found.outputs = named(crate::declaration::PortKind::Output);
        found.inputs = named(crate::declaration::PortKind::Input);
    }
    if let Some(camera) = &hardware.camera {
        found.sources.clone_from(&camera.sources);
        found.resolutions.clone_from(&camera.resolutions);
    }
    if let Some(displays) = &hardware.displays {
        found.displays = displays.iter().map(|d| d.display.clone()).collect();
    }
    found
}
