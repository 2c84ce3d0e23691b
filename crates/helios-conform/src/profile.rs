//! The lab's declaration of the device under test: model, firmware, licences, the security of
//! each service, one login per privilege set, and what the run may do (tiers, timeouts, rate).
//! Discovery cross-checks it with what the device reports.

use std::collections::BTreeMap;

use helios_spec::{
    Auth, Group, Level, Licence, Privilege, Security, Service, Tier, Transport, Version,
};
use serde::Deserialize;

pub use crate::profile_settings::{Destructive, Logins};

/// A profile that cannot be used (exit code 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProfileError(pub String);

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub device: Declared,
    #[serde(default)]
    pub services: BTreeMap<String, ServiceRow>,
    #[serde(default)]
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub run: RunSettings,
    #[serde(default)]
    pub destructive: Destructive,
    #[serde(default)]
    pub logins: Logins,
    #[serde(default)]
    pub stimulus: StimulusRow,
    #[serde(default)]
    pub calls: CallsRow,
    #[serde(default)]
    pub tolerances: Tolerances,
}

/// The device's stimulus interface, through which the runner plays the world outside it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StimulusRow {
    /// Its base URL (`http://192.0.2.10:8081`); none when the device has no such interface.
    pub url: Option<String>,
}

/// What the call model may dial.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallsRow {
    /// Numbers or SIP URIs the runner may call; none, and the call model does not dial.
    #[serde(default)]
    pub numbers: Vec<String>,
}

/// How far timed behaviour may stray from the manual's numbers before it is a departure.
/// Each default is explained where the check that uses it lives (`behaviour/timing.rs`,
/// `behaviour/coherence.rs`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Tolerances {
    /// A pull with `timeout` answers within this of its timeout, or of the event that ends it.
    pub pull_ms: u64,
    /// A monostable switch turns off within this of its `switchOnDuration`.
    pub switch_ms: u64,
    /// A channel closes within this of its `duration` after the last pull.
    pub channel_ms: u64,
    /// An action's event is in the log within this of the action's reply.
    pub event_ms: u64,
    /// An MJPEG stream's measured rate is within this percentage of its `fps`.
    pub fps_percent: u64,
    /// `time=-N` gives a frame within this of N seconds before the request.
    pub snapshot_ms: u64,
    /// How long the runner waits for the operator in `--interactive` mode.
    pub operator_seconds: u64,
    /// The device's clocks (`systemTime`, the `Date` header, the pace of `upTime`) agree with
    /// the runner's within this.
    pub clock_ms: u64,
    /// Events and `system/status` agree on when the device started (`utcTime - upTime`) within
    /// this.
    pub boot_ms: u64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Self {
            pull_ms: 500,
            switch_ms: 500,
            channel_ms: 500,
            event_ms: 1000,
            fps_percent: 20,
            snapshot_ms: 1500,
            operator_seconds: 30,
            clock_ms: 2000,
            boot_ms: 5000,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declared {
    pub variant: String,
    pub firmware: String,
    #[serde(default)]
    pub licences: Vec<String>,
    /// Whether the device has a stimulus interface the runner may use.
    #[serde(default)]
    pub stimulus: bool,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRow {
    pub enabled: bool,
    pub transport: TransportName,
    pub auth: AuthName,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportName {
    Http,
    Https,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthName {
    None,
    Basic,
    Digest,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub user: String,
    pub password: String,
    #[serde(default)]
    pub monitoring: Vec<String>,
    #[serde(default)]
    pub control: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    #[serde(default = "default_tiers")]
    pub tiers: Vec<String>,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Requests per second at most; 0 for no limit.
    #[serde(default)]
    pub rate: u32,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            tiers: default_tiers(),
            timeout_seconds: default_timeout(),
            rate: 0,
        }
    }
}

fn default_tiers() -> Vec<String> {
    vec!["read-only".into(), "reversible".into()]
}

fn default_timeout() -> u64 {
    10
}

/// A profile read and checked: ids turned into spec values.
#[derive(Clone, Debug)]
pub struct Checked {
    pub variant: String,
    pub firmware: Version,
    pub firmware_text: String,
    pub licences: Vec<Licence>,
    pub services: BTreeMap<Service, Security>,
    pub accounts: Vec<CheckedAccount>,
    pub tiers: Vec<Tier>,
    pub timeout_seconds: u64,
    pub rate: u32,
    pub stimulus: bool,
    pub destructive: Destructive,
    pub logins: Logins,
    /// The stimulus interface's base URL, from `[stimulus]` or set by an embedded run.
    pub stimulus_url: Option<String>,
    /// What the call model may dial (`[calls] numbers`).
    pub dial_numbers: Vec<String>,
    pub tolerances: Tolerances,
}

#[derive(Clone, Debug)]
pub struct CheckedAccount {
    pub user: String,
    pub password: String,
    pub privileges: Vec<Privilege>,
}

impl CheckedAccount {
    pub fn holds(&self, privilege: Privilege) -> bool {
        self.privileges.contains(&privilege)
    }
}

impl Profile {
    pub fn parse(text: &str) -> Result<Checked, ProfileError> {
        let profile: Profile = toml::from_str(text).map_err(|e| ProfileError(e.to_string()))?;
        profile.check()
    }

    fn check(self) -> Result<Checked, ProfileError> {
        let firmware = Version::parse(&self.device.firmware).ok_or_else(|| {
            ProfileError(format!(
                "firmware `{}` is not a version",
                self.device.firmware
            ))
        })?;
        let licences = self
            .device
            .licences
            .iter()
            .map(|id| {
                Licence::from_id(id).ok_or_else(|| ProfileError(format!("unknown licence `{id}`")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut services = BTreeMap::new();
        for service in Service::ALL {
            let security = match self.services.get(service.id()) {
                Some(row) => Security {
                    enabled: row.enabled,
                    transport: match row.transport {
                        TransportName::Http => Transport::Http,
                        TransportName::Https => Transport::Https,
                    },
                    auth: match row.auth {
                        AuthName::None => Auth::None,
                        AuthName::Basic => Auth::Basic,
                        AuthName::Digest => Auth::Digest,
                    },
                },
                None => service.manual_default(),
            };
            services.insert(service, security);
        }
        for name in self.services.keys() {
            if Service::from_id(name).is_none() {
                return Err(ProfileError(format!("unknown service `{name}`")));
            }
        }
        let group = |id: &str| {
            Group::ALL
                .into_iter()
                .find(|g| g.id() == id)
                .ok_or_else(|| ProfileError(format!("unknown privilege `{id}`")))
        };
        let mut accounts = Vec::new();
        for account in self.accounts {
            let mut privileges = Vec::new();
            for id in &account.monitoring {
                privileges.push(Privilege::new(group(id)?, Level::Monitoring));
            }
            for id in &account.control {
                privileges.push(Privilege::new(group(id)?, Level::Control));
            }
            accounts.push(CheckedAccount {
                user: account.user,
                password: account.password,
                privileges,
            });
        }
        let tiers = self
            .run
            .tiers
            .iter()
            .map(|id| Tier::from_id(id).ok_or_else(|| ProfileError(format!("unknown tier `{id}`"))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Checked {
            variant: self.device.variant,
            firmware,
            firmware_text: self.device.firmware,
            licences,
            services,
            accounts,
            tiers,
            timeout_seconds: self.run.timeout_seconds,
            rate: self.run.rate,
            stimulus: self.device.stimulus || self.stimulus.url.is_some(),
            stimulus_url: self.stimulus.url,
            dial_numbers: self.calls.numbers,
            tolerances: self.tolerances,
            destructive: self.destructive,
            logins: self.logins,
        })
    }
}

impl Checked {
    pub fn security(&self, service: Service) -> Security {
        self.services
            .get(&service)
            .copied()
            .unwrap_or_else(|| service.manual_default())
    }

    /// The account holding every privilege, for positive cases.
    pub fn full_account(&self) -> Option<&CheckedAccount> {
        self.accounts
            .iter()
            .max_by_key(|account| account.privileges.len())
    }

    pub fn has_licence(&self, licence: Licence) -> bool {
        self.licences.contains(&licence)
    }
}
