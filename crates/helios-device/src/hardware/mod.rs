//! The hardware the API controls, behind traits, with deterministic simulators: what the
//! handlers call, and what a test or the simulation drives.

pub mod audio;
pub mod calls;
pub mod ports;
pub mod sip;
pub mod smtp;
pub mod snapshots;
pub mod switches;

pub use audio::SimAudio;
pub use calls::{CallError, SimCalls};
pub use ports::{PortError, SimPorts};
pub use sip::SimSip;
pub use switches::{SimSwitches, SwitchAction, SwitchError};
