//! Fleets: many devices in one run (`helios-conform --inventory fleet.toml --report-dir OUT`).
//! [`inventory`] reads and checks the inventory before anything is sent; [`aggregate`] writes
//! the aggregate beside the devices' own report directories, read back from them, and derives
//! the fleet's exit code from the devices'. The orchestration (running the devices, at most
//! `--jobs` at once) is the command line's.

pub mod aggregate;
pub mod inventory;

pub use aggregate::{DeviceResult, exit_code};
pub use inventory::{Device, InventoryError};

/// The devices of shard `index` of `count` (`--shard K/N` with an inventory): the K-th of
/// every N devices in the order of their names, each device whole, so that N shards together
/// run every device once and none is empty while N is at most the number of devices.
pub fn shard(mut devices: Vec<Device>, index: u32, count: u32) -> Result<Vec<Device>, String> {
    let total = devices.len();
    if count as usize > total {
        return Err(format!(
            "--shard {index}/{count}: the inventory has {total} devices, so at most {total} shards \
             (a shard of an inventory takes whole devices)"
        ));
    }
    devices.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(devices
        .into_iter()
        .enumerate()
        .filter(|(at, _)| at % count as usize == (index - 1) as usize)
        .map(|(_, device)| device)
        .collect())
}
