//! The conformance runner: cases generated from `helios-spec`, sent to a device over HTTP with
//! `helios-client`, and judged one by one against the manual and its errata register.
//!
//! It never depends on the reference intercom: it speaks HTTP only, so it cannot cheat.

pub mod behaviour;
pub mod budget;
pub mod case;
pub mod compare;
pub mod discovery;
pub mod findings;
pub mod generate;
pub mod judge;
pub mod load;
pub mod model;
pub mod options;
pub mod outcome;
pub mod preflight;
pub mod profile;
mod profile_settings;
pub mod property;
pub mod report;
pub mod run;
pub mod select;
pub mod session;
pub mod shape;
pub mod verdict;

pub use options::{Options, Target};
pub use outcome::Outcome;
pub use preflight::{Setup, SetupError};
pub use profile::{Checked, Profile, ProfileError};
pub use run::{Report, run, run_with_progress};
pub use session::Session;
pub use verdict::{Verdict, exit_code};

/// The lab profile of the reference intercom's default profile.
pub const REFERENCE_PROFILE: &str = include_str!("../profiles/reference.toml");
