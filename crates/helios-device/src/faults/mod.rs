//! The fault catalogue: deliberate departures from the manual that the reference intercom can be
//! started with (`--fault NAME`, repeatable, or a profile's `faults = [...]`), so that a test can
//! show that the conformance runner catches each one, and a person can see what a failing run
//! looks like.
//!
//! Each fault has a stable kebab-case name, the area of the manual it breaks, the one function
//! whose behaviour it changes (taken from the spec) and a line saying what departs from which
//! rule. The list itself is `catalogue.rs`; `--list-faults` prints it and `docs/faults.md` is
//! generated from it.
//!
//! A fault is injected where a real firmware bug would live (a pipeline step, a handler, a
//! simulator), each behind one `faults.has(Fault::X)` or `faults.hits(Fault::X, function)`;
//! the few that take more than a line live in [`params`], [`routing`] and [`stamps`]. A device with no faults is the
//! reference: nothing here changes it.

mod catalogue;
pub mod params;
pub mod quirks;
pub mod routing;
pub mod stamps;

use std::fmt;
use std::str::FromStr;

use helios_spec::Function;
use serde::Deserialize;

pub use catalogue::Fault;

/// The uptime at which a device with `silent-restart` restarts by itself, again and again.
pub const SILENT_RESTART_AFTER: std::time::Duration = std::time::Duration::from_secs(3);

/// The part of the manual a fault breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    Routing,
    Methods,
    /// Services, licences, model support and transport (errors 1, 4, 5, 7).
    Access,
    /// Authentication and privileges (errors 8, 9, 10).
    Authentication,
    /// Parameter rules (2.2) and their errors (11, 12, 13).
    Parameters,
    /// The envelope and the result's fields (2.3).
    Shapes,
    ContentTypes,
    SwitchIo,
    Calls,
    Events,
    Camera,
    /// Configuration, firmware and the device's own life (restarts).
    System,
    Display,
}

impl Area {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Routing => "routing",
            Self::Methods => "methods",
            Self::Access => "access",
            Self::Authentication => "authentication",
            Self::Parameters => "parameters",
            Self::Shapes => "reply shapes",
            Self::ContentTypes => "content types",
            Self::SwitchIo => "switch and I/O",
            Self::Calls => "calls",
            Self::Events => "events",
            Self::Camera => "camera",
            Self::System => "system",
            Self::Display => "display",
        }
    }
}

impl Fault {
    /// The fault named `name`.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|fault| fault.name() == name)
    }

    fn bit(self) -> u64 {
        1 << (self as u32)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown fault name, refused with the list of known ones.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault `{0}`; the faults are {known}", known = known_names())]
pub struct UnknownFault(pub String);

fn known_names() -> String {
    Fault::ALL
        .iter()
        .map(|fault| fault.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(name: &str) -> Result<Self, UnknownFault> {
        Self::named(name).ok_or_else(|| UnknownFault(name.to_owned()))
    }
}

/// The faults a device runs with: a set, empty for the reference behaviour.
#[derive(Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Vec<String>")]
pub struct Faults(u64);

impl Faults {
    pub const NONE: Self = Self(0);

    pub fn has(self, fault: Fault) -> bool {
        self.0 & fault.bit() != 0
    }

    /// Whether `fault` is on and `function` is the function it affects: the injection points
    /// shared by every function (the pipeline's steps) ask this.
    pub fn hits(self, fault: Fault, function: &Function) -> bool {
        self.has(fault) && fault.function().path == function.path
    }

    pub fn with(self, fault: Fault) -> Self {
        Self(self.0 | fault.bit())
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The faults in the set, in catalogue order.
    pub fn iter(self) -> impl Iterator<Item = Fault> {
        Fault::ALL
            .iter()
            .copied()
            .filter(move |fault| self.has(*fault))
    }
}

impl FromIterator<Fault> for Faults {
    fn from_iter<I: IntoIterator<Item = Fault>>(faults: I) -> Self {
        faults.into_iter().fold(Self::NONE, Self::with)
    }
}

impl TryFrom<Vec<String>> for Faults {
    type Error = UnknownFault;

    fn try_from(names: Vec<String>) -> Result<Self, UnknownFault> {
        names.iter().map(|name| name.parse::<Fault>()).collect()
    }
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(Fault::name)).finish()
    }
}

/// What `--list-faults` prints: one fault a line, its name, area, function and description.
pub fn listing() -> String {
    let width = Fault::ALL
        .iter()
        .map(|fault| fault.name().len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for fault in Fault::ALL {
        text.push_str(&format!(
            "{:width$}  {:19}  {:22}  {}\n",
            fault.name(),
            fault.area().name(),
            fault.function().path,
            fault.description(),
        ));
    }
    text
}

/// `docs/faults.md`, generated by `cargo xtask codegen`.
pub fn catalogue_md() -> String {
    let mut text = String::from(
        "# The fault catalogue\n\n\
         Generated from `crates/helios-device/src/faults/catalogue.rs` by `cargo xtask codegen`; \
         do not edit.\n\n\
         The reference intercom started with `--fault NAME` (repeatable) departs from the manual \
         in that one way. `crates/helios-conform/tests/faults.rs` runs the conformance runner \
         against each and requires a failing case on the affected function, or, where an erratum \
         rules the behaviour a non-strict reading, that erratum's non-strict finding.\n\n\
         | Fault | Area | Function | What departs from the manual |\n\
         |---|---|---|---|\n",
    );
    for fault in Fault::ALL {
        text.push_str(&format!(
            "| `{}` | {} | `{}` | {} |\n",
            fault.name(),
            fault.area().name(),
            fault.function().path,
            fault.description().replace('|', "\\|"),
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_fit_the_set() {
        assert!(Fault::ALL.len() <= 64, "Faults is a 64-bit set");
        for (index, fault) in Fault::ALL.iter().enumerate() {
            let name = fault.name();
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{name}"
            );
            assert_eq!(Fault::named(name), Some(*fault));
            assert!(!Fault::ALL[..index].iter().any(|f| f.name() == name));
            assert!(!fault.description().is_empty());
        }
    }

    #[test]
    fn unknown_names_are_refused_with_the_known_ones() {
        let error = Faults::try_from(vec!["no-such-fault".to_owned()]).expect_err("refused");
        let message = error.to_string();
        assert!(message.contains("no-such-fault"), "{message}");
        assert!(message.contains(Fault::ALL[0].name()), "{message}");
    }

    #[test]
    fn a_set_holds_what_it_was_given() {
        let faults: Faults = [Fault::ALL[0], Fault::ALL[3]].into_iter().collect();
        assert!(faults.has(Fault::ALL[0]) && faults.has(Fault::ALL[3]));
        assert!(!faults.has(Fault::ALL[1]));
        assert_eq!(faults.iter().count(), 2);
        assert!(Faults::NONE.is_empty());
    }
}
