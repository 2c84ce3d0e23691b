//! The catalogue of a declaration: every case a run could judge, each with the requirements it
//! cites, from the declaration and what discovery would find, sending nothing. The audit of
//! citations (`tests/requirements.rs`) and `docs/requirements.md` read it.

use helios_spec::{Auth, EVENTS, FUNCTIONS};

use crate::behaviour::GROUPS;
use crate::cites::{CHECKS, WORLD_EVENTS, case, check};
use crate::discovery::Discovered;
use crate::generate::cases;
use crate::model::events::outside_world;
use crate::profile::Checked;

/// One case of the catalogue: its id (or the prefix of a check's ids) and what it cites.
pub type Cited = (String, Vec<String>);

/// Every case a run against a device declared by `profile` and discovered as `found` could
/// judge, whatever the tiers allowed: discovery's, the request cases (but those no request
/// alone can make valid, which a behaviour group judges if anything does), and each behaviour
/// group's checks with the health probe after it.
pub fn catalogue(profile: &Checked, found: &Discovered, has_http: bool) -> Vec<Cited> {
    let cited = |id: &str| (id.to_owned(), check(id));
    let mut all: Vec<Cited> = ["discovery.variant", "discovery.firmware"]
        .into_iter()
        .map(cited)
        .collect();
    all.extend(super::declared::ids().iter().map(|(id, _)| cited(id)));
    all.extend(
        cases(profile, found, profile.firmware, has_http)
            .iter()
            .filter(|c| c.not_applicable.is_none())
            .map(|c| (c.id.clone(), case(c, profile.security(c.function.service)))),
    );
    all.push(cited("health.after.requests"));
    for group in GROUPS {
        let within = |prefix: &str| {
            prefix == group.id
                || prefix
                    .strip_prefix(group.id)
                    .is_some_and(|rest| rest.starts_with('.'))
        };
        all.extend(
            CHECKS
                .iter()
                .map(|(prefix, _)| *prefix)
                .filter(|prefix| within(prefix))
                .map(cited),
        );
        if WORLD_EVENTS.starts_with(&format!("{}.", group.id)) {
            let names: Vec<String> = EVENTS.iter().map(|e| e.name.to_owned()).collect();
            for event in outside_world(&names, profile.firmware) {
                all.push(cited(&format!("{WORLD_EVENTS}{}", event.name)));
            }
        }
        all.push(cited(&format!("health.after.{}", group.id)));
    }
    all
}

/// A device whose caps list one of everything: which cases exist depends on the lists being
/// empty or not, never on what they hold.
pub fn typical() -> Discovered {
    Discovered {
        switches: vec![(1, true)],
        outputs: vec!["relay1".into()],
        inputs: vec!["input1".into()],
        resolutions: vec![(640, 480)],
        sources: vec!["internal".into()],
        displays: vec!["ext1".into()],
        events: EVENTS.iter().map(|e| e.name.to_owned()).collect(),
        ..Discovered::default()
    }
}

/// A declaration the catalogue spans: what it is, the declaration, what discovery finds.
#[derive(Debug)]
pub struct Variant {
    pub name: &'static str,
    pub profile: Checked,
    pub found: Discovered,
}

/// The declarations the catalogue spans: `reference` on a typical device first, then each
/// change that exercises what it cannot (a service disabled, a licence missing, Basic
/// authentication, a model without the hardware a function needs).
pub fn variants(reference: &Checked) -> Vec<Variant> {
    let variant = |name, edit: &dyn Fn(&mut Checked)| {
        let mut profile = reference.clone();
        edit(&mut profile);
        Variant {
            name,
            profile,
            found: typical(),
        }
    };
    let mut unsupported = variant("a model without the hardware", &|_| {});
    unsupported.found.unsupported = FUNCTIONS
        .iter()
        .filter(|f| f.hardware.is_some())
        .map(|f| f.path)
        .collect();
    vec![
        variant("the reference declaration", &|_| {}),
        variant("every service disabled", &|p| {
            p.services.values_mut().for_each(|s| s.enabled = false)
        }),
        variant("no licence", &|p| p.licences.clear()),
        variant("Basic authentication", &|p| {
            p.services.values_mut().for_each(|s| s.auth = Auth::Basic)
        }),
        unsupported,
    ]
}
