//! The hardware the API controls, behind traits, with deterministic simulators: what the
//! handlers call, and what a test or the simulation drives.

pub mod audio;
pub mod calls;
pub mod ports;
pub mod sip;
pub mod smtp;
pub mod snapshots;
pub mod switches;

use std::fmt::Debug;
use std::time::Duration;

pub use audio::SimAudio;
pub use calls::{CallError, SimCalls};
pub use ports::{PortError, SimPorts};
pub use sip::SimSip;
pub mod camera;
pub mod display;

pub use camera::Camera;
pub use display::{ContentKind, DisplayContent, SimDisplays};
pub use switches::{SimSwitches, SwitchAction, SwitchChange, SwitchError};

use crate::profile::{Port, Switch};

/// The switches (manual 5.8 to 5.10), as the handlers see them.
pub trait Switches: Send + Debug {
    /// The switches in number order, with their configuration.
    fn configs(&self) -> Vec<&Switch>;
    /// Whether the switch is on.
    fn active(&self, switch: u8) -> Option<bool>;
    /// Carries out `switch/ctrl` at `now`; returns the change, if the state changed.
    fn control(
        &mut self,
        switch: u8,
        action: SwitchAction,
        now: Duration,
    ) -> Result<Option<SwitchChange>, SwitchError>;
    /// Applies every time-out due by `now`; returns the changes in the order they happened.
    fn settle(&mut self, now: Duration) -> Vec<SwitchChange>;
    /// The earliest pending time-out.
    fn next_deadline(&self) -> Option<Duration>;
    /// Takes a new configuration at `now` (a configuration upload); returns the changes.
    fn reconfigure(&mut self, config: &[Switch], now: Duration) -> Vec<SwitchChange>;
}

/// The logic inputs and outputs (manual 5.11 to 5.13).
pub trait Ports: Send + Debug {
    /// Every port with its state, in the profile's order.
    fn ports(&self) -> Vec<(&Port, bool)>;
    /// Sets an output; returns whether its state changed.
    fn set_output(&mut self, name: &str, on: bool) -> Result<bool, PortError>;
    /// Sets an input, as the outside world does; returns whether its state changed.
    fn set_input(&mut self, name: &str, on: bool) -> Result<bool, PortError>;
}
