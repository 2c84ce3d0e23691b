//! The hardware the API controls, behind traits, with deterministic simulators: what the
//! handlers call, and what a test or the simulation drives.

pub mod ports;
pub mod switches;

pub use ports::{PortError, SimPorts};
pub use switches::{SimSwitches, SwitchAction, SwitchError};
pub mod camera;
pub mod display;

pub use camera::Camera;
pub use display::{ContentKind, DisplayContent, SimDisplays};
