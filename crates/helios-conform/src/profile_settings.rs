//! The parts of the lab profile that tell the runner how the device behaves over time: how
//! long a configuration upload takes to apply and a restart to complete (`[destructive]`), and
//! how many failed logins block an address (`[logins]`), so that the runner never trips it.

use serde::Deserialize;

/// `[destructive]`: what the config, reboot and destructive tiers need to know.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Destructive {
    /// Seconds an uploaded configuration takes to apply (manual 5.6: approx. 15 s).
    pub config_delay_seconds: u64,
    /// Seconds a restart may take until the device answers again.
    pub restart_timeout_seconds: u64,
    /// The configuration setting the runner changes to see an upload apply, as a path of
    /// elements under `DeviceDatabase`; a harmless one.
    pub config_probe: String,
    /// A firmware image the device accepts, to upload (never applied); without one only a
    /// corrupt image is tried.
    pub firmware_image: Option<String>,
}

impl Default for Destructive {
    fn default() -> Self {
        Self {
            config_delay_seconds: 15,
            restart_timeout_seconds: 120,
            config_probe: "Device/Name".into(),
            firmware_image: None,
        }
    }
}

/// `[logins]`: the device's login blocking. The runner keeps its own failed logins below
/// `block_after` within any `window_seconds`, waiting when it must.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Logins {
    /// Failed logins from one address that block it.
    pub block_after: u32,
    /// How long the device remembers a failed login.
    pub window_seconds: u64,
}

impl Default for Logins {
    /// Firmware from 2.22 on blocks an address after 5 failures (release notes); the reference
    /// intercom forgets failures after 60 s.
    fn default() -> Self {
        Self {
            block_after: 5,
            window_seconds: 60,
        }
    }
}

impl Logins {
    /// The failed logins the runner allows itself within a window: one fewer than blocks.
    pub fn budget(&self) -> usize {
        self.block_after.saturating_sub(1) as usize
    }
}
