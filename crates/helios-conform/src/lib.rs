//! The conformance runner: cases generated from `helios-spec`, sent to a device over HTTP with
//! `helios-client`, and judged one by one against the manual and its errata register.
//!
//! It never depends on the reference intercom: it speaks HTTP only, so it cannot cheat.
//!
//! # Layers
//!
//! The modules are layered bottom-up. A module imports from its own layer and the layers below
//! it, never from one above, and no two modules import each other (`xtask/tests/tidy.rs` reads
//! this list and checks both):
//!
//! 1. Vocabulary: `case`, `verdict`, `outcome`, `findings`, `cites`. What a case is and what
//!    can be said of it, one type per idea: a [`case::Case`] (one request and what the manual
//!    says it must answer), a [`Verdict`], a check's [`verdict::Stop`] (why a check of several
//!    requests ends short of a pass, with its one conversion into a verdict), a case's
//!    [`Outcome`], the [`findings::Findings`] its lenient readers tolerated, and the
//!    requirements of the manual it judges ([`cites`]).
//! 2. Declaration and session: `profile`, `profile_settings`, `declaration`, `options`,
//!    `select`, `budget`, `discovery`, `session`, `preflight`, `baseline`. What the lab
//!    declared (and whether the declaration holds together) and the operator chose (and the
//!    departures it already filed), what the device says it has, and the one [`Session`]
//!    every request goes through (its
//!    [`session::SendError`] says why a request has no answer); the preflight that comes first.
//! 3. Request cases: `generate`, `judge`, `shape`, `property`. Cases from the spec, each
//!    judged on its one exchange; properties drawn and shrunk.
//! 4. Models and timed checks: `model`, `behaviour`. Checks of more than one request, each
//!    keeping a [`model::Transcript`] of its exchanges: the stateful models, and the groups
//!    (events, timing, coherence, the destructive tiers) that need time.
//! 5. Orchestration: `run`, `load`, `draft`. A run of the suite (discovery and its
//!    declared-vs-discovered cases, the request cases, then the behaviour groups with a health
//!    probe after each) into a [`Report`]; load mode; a declaration drafted from a live device.
//! 6. Reports: `report`, `compare`, `history`, `merge`, `fleet`. What a report becomes: the
//!    terminal summary, NDJSON, JUnit, HTML and the evidence folder, the directory sealed
//!    (`run.json`, a manifest of every file, its Ed25519 signature) and verified; two reports
//!    side by side; stored runs read back and compared; shards read back whole and merged; a
//!    fleet's inventory, and its aggregate read back from the devices' reports.

pub mod baseline;
pub mod behaviour;
pub mod budget;
pub mod case;
pub mod cites;
pub mod compare;
pub mod declaration;
pub mod discovery;
pub mod draft;
pub mod findings;
pub mod fleet;
pub mod generate;
pub mod history;
pub mod judge;
pub mod load;
pub mod merge;
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
