//! The stateful models: one reference model per area, written from the manual, that predicts
//! what the device answers to random sequences of requests. Each model is a proptest
//! `ReferenceStateMachine` (which generates the sequences and shrinks them) and a [`Model`]
//! (which sends each transition to the device and judges the answers), driven over HTTP by
//! `drive.rs`, which `apply` cannot do, being synchronous; `check.rs` makes a model's case.
//!
//! A sequence runs from a known state (each model's `start` puts the device there). When the
//! device departs from the model, the sequence is shrunk (proptest's `simplify`/`complicate`,
//! each candidate sent again) to the shortest one that still fails, and that sequence is what
//! the outcome records for `cargo xtask conform replay`, which sends exactly it once.

mod check;
mod drive;

pub mod calls;
pub mod channels;
pub mod events;
pub mod outputs;
pub mod recorder;
pub mod switches;
pub mod transcript;

use helios_spec::Function;
use proptest_state_machine::ReferenceStateMachine;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::session::Session;
use crate::verdict::Stop;

pub use check::check;
pub use transcript::{Answer, Transcript};

/// A model of one area and how to run its transitions against a device.
#[allow(async_fn_in_trait)]
pub trait Model:
    ReferenceStateMachine<State: Send + Sync, Transition: Serialize + DeserializeOwned>
{
    /// The case id of the model's outcome (`model.switch`).
    const ID: &'static str;
    /// The function the outcome is filed under.
    const FUNCTION: &'static Function;
    /// What the model checks, for the report.
    const EXPECTED: &'static str;
    /// What lives across the sequences of one model's case (a recorder channel, ids seen so far).
    type Context: Default;
    /// What one sequence learns of the device as it runs.
    type Known;

    /// Why the model cannot run against this device, if it cannot.
    fn not_applicable(state: &Self::State) -> Option<String>;

    /// Brings the device to the model's initial state.
    async fn start(
        session: &mut Session<'_>,
        context: &mut Self::Context,
        state: &Self::State,
        transcript: &mut Transcript,
    ) -> Result<Self::Known, Stop>;

    /// Sends one transition and compares the answers with the model.
    async fn step(
        session: &mut Session<'_>,
        context: &mut Self::Context,
        known: &mut Self::Known,
        transition: &Self::Transition,
        transcript: &mut Transcript,
    ) -> Result<(), Stop>;

    /// Leaves the device as `start` found it (best effort).
    async fn finish(session: &mut Session<'_>, context: &mut Self::Context, known: Self::Known);

    /// Ends the model's case (closes what the context holds).
    async fn close(session: &mut Session<'_>, context: Self::Context);
}

/// The stimulus interface the profile declares.
pub fn stimulus(session: &Session<'_>) -> Result<helios_client::Stimulus, Stop> {
    let url = session
        .profile
        .stimulus_url
        .as_deref()
        .ok_or_else(|| Stop::Undecided("the profile declares no stimulus interface".into()))?;
    helios_client::Stimulus::new(url, session.timeout).map_err(Stop::from)
}
