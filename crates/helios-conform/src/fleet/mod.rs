//! Fleets: many devices in one run (`helios-conform --inventory fleet.toml --report-dir OUT`).
//! [`inventory`] reads and checks the inventory before anything is sent; [`aggregate`] writes
//! the aggregate beside the devices' own report directories, read back from them, and derives
//! the fleet's exit code from the devices'. The orchestration (running the devices, at most
//! `--jobs` at once) is the command line's.

pub mod aggregate;
pub mod inventory;

pub use aggregate::{DeviceResult, exit_code};
pub use inventory::{Device, InventoryError};
