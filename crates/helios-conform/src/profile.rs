//! The lab's declaration of the device under test: model, firmware, licences, the security of
//! each service, one login per privilege set, and what the run may do (tiers, timeouts, rate).
//! Discovery cross-checks it with what the device reports.

use std::collections::BTreeMap;

use helios_spec::{
    Auth, Group, Level, Licence, Privilege, Security, Service, Tier, Transport, Version,
};
use serde::Deserialize;

use crate::declaration::{CameraRow, DisplayRow, Hardware, PortRow, SipRow, SwitchRow};
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
    /// The hardware the device claims (`declaration.rs`); each section optional.
    #[serde(default)]
    pub switches: Option<Vec<SwitchRow>>,
    #[serde(default)]
    pub ports: Option<Vec<PortRow>>,
    #[serde(default)]
    pub camera: Option<CameraRow>,
    #[serde(default)]
    pub displays: Option<Vec<DisplayRow>>,
    #[serde(default)]
    pub sip_accounts: Option<Vec<SipRow>>,
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
    /// The optional hardware the model has (`keypad`, `card-reader`...); absent: not declared.
    #[serde(default)]
    pub features: Option<Vec<String>>,
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
    /// The password in clear, or (`password_env`) the environment variable that holds it,
    /// which [`with_env_passwords`] turns into `password` before the profile is read.
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub password_env: Option<String>,
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
    /// The hardware declared, checked against the licences declared.
    pub hardware: Hardware,
}

#[derive(Clone, Debug)]
pub struct CheckedAccount {
    pub user: String,
    pub password: String,
    pub privileges: Vec<Privilege>,
}

impl CheckedAccount {
    /// An account with its privileges named by group, each an error when it names none.
    fn check(account: Account, index: usize) -> Result<Self, ProfileError> {
        let password = match (account.password, &account.password_env) {
            (Some(password), None) => password,
            (None, Some(name)) => {
                return Err(ProfileError(format!(
                    "accounts[{index}].password_env: ${name} is not set (export it, or write \
                     the password as accounts[{index}].password)"
                )));
            }
            (Some(_), Some(_)) => {
                return Err(ProfileError(format!(
                    "accounts[{index}]: password and password_env both given; keep one"
                )));
            }
            (None, None) => {
                return Err(ProfileError(format!(
                    "accounts[{index}].password: account `{}` has no password (password, or \
                     password_env naming the variable that holds it)",
                    account.user
                )));
            }
        };
        let group = |key: &str, id: &str| {
            Group::ALL
                .into_iter()
                .find(|g| g.id() == id)
                .ok_or_else(|| {
                    ProfileError(format!("accounts[{index}].{key}: unknown privilege `{id}`"))
                })
        };
        let mut privileges = Vec::new();
        for id in &account.monitoring {
            privileges.push(Privilege::new(group("monitoring", id)?, Level::Monitoring));
        }
        for id in &account.control {
            privileges.push(Privilege::new(group("control", id)?, Level::Control));
        }
        Ok(Self {
            user: account.user,
            password,
            privileges,
        })
    }

    pub fn holds(&self, privilege: Privilege) -> bool {
        self.privileges.contains(&privilege)
    }
}

impl Profile {
    /// Reads and checks a declaration: one with a `TODO` left is refused, naming each, as is
    /// one that breaks a rule (named by its key).
    pub fn parse(text: &str) -> Result<Checked, ProfileError> {
        let table: toml::Table = toml::from_str(text).map_err(|e| ProfileError(e.to_string()))?;
        let todos = crate::declaration::todos(&table);
        if !todos.is_empty() {
            return Err(ProfileError(format!(
                "the declaration has {} TODO(s) to fill before a run: {}",
                todos.len(),
                todos.join("; ")
            )));
        }
        let profile: Profile =
            Profile::deserialize(table).map_err(|e| ProfileError(e.to_string()))?;
        profile.check()
    }

    fn check(self) -> Result<Checked, ProfileError> {
        let firmware = Version::parse(&self.device.firmware).ok_or_else(|| {
            ProfileError(format!(
                "device.firmware: `{}` is not a version",
                self.device.firmware
            ))
        })?;
        let licences = self
            .device
            .licences
            .iter()
            .map(|id| {
                Licence::from_id(id)
                    .ok_or_else(|| ProfileError(format!("device.licences: unknown licence `{id}`")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let services = services(&self.services)?;
        let accounts = self
            .accounts
            .into_iter()
            .enumerate()
            .map(|(index, account)| CheckedAccount::check(account, index))
            .collect::<Result<Vec<_>, _>>()?;
        let mut users: Vec<&str> = Vec::new();
        for (index, account) in accounts.iter().enumerate() {
            if users.contains(&account.user.as_str()) {
                return Err(ProfileError(format!(
                    "accounts[{index}].user: `{}` is declared twice",
                    account.user
                )));
            }
            users.push(&account.user);
        }
        let hardware = Hardware {
            switches: self.switches,
            ports: self.ports,
            camera: self.camera,
            displays: self.displays,
            sip_accounts: self.sip_accounts,
            features: match &self.device.features {
                Some(ids) => Some(
                    ids.iter()
                        .map(|id| crate::declaration::feature(id))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(ProfileError)?,
                ),
                None => None,
            },
        };
        hardware.check(&licences).map_err(ProfileError)?;
        let tiers = self
            .run
            .tiers
            .iter()
            .map(|id| {
                Tier::from_id(id)
                    .ok_or_else(|| ProfileError(format!("run.tiers: unknown tier `{id}`")))
            })
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
            hardware,
        })
    }
}

/// Each service's security: the profile's row, or the manual's default; a row naming no
/// service is an error.
fn services(
    rows: &BTreeMap<String, ServiceRow>,
) -> Result<BTreeMap<Service, Security>, ProfileError> {
    let mut services = BTreeMap::new();
    for service in Service::ALL {
        let security = match rows.get(service.id()) {
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
    for name in rows.keys() {
        if Service::from_id(name).is_none() {
            return Err(ProfileError(format!(
                "services.{name}: unknown service `{name}`"
            )));
        }
    }
    Ok(services)
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

/// The profile's text with each account's `password_env = "NAME"` turned into `password =
/// "…"`, the value of that variable from `env`: what a run, its reports (which mask every
/// `password`) and its evidence (which keeps each password's SHA-256) then read. A variable
/// that is not set leaves the key as it is, and reading the profile says which to export.
pub fn with_env_passwords(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, ProfileError> {
    let table = toml::de::DeTable::parse(text).map_err(|e| ProfileError(e.to_string()))?;
    let mut edits = Vec::new();
    if let Some(accounts) = table.get_ref().get("accounts")
        && let toml::de::DeValue::Array(accounts) = accounts.get_ref()
    {
        for account in accounts {
            let toml::de::DeValue::Table(account) = account.get_ref() else {
                continue;
            };
            for (key, value) in account {
                if key.get_ref() != "password_env" {
                    continue;
                }
                if let toml::de::DeValue::String(name) = value.get_ref()
                    && let Some(password) = env(name)
                {
                    let quoted = toml::Value::String(password).to_string();
                    edits.push((
                        key.span().start..value.span().end,
                        format!("password = {quoted}"),
                    ));
                }
            }
        }
    }
    let mut text = text.to_owned();
    edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    for (span, replacement) in edits {
        text.replace_range(span, &replacement);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_may_come_from_the_environment() {
        let text = crate::REFERENCE_PROFILE.replace(
            "user = \"viewer\"\npassword = \"viewer\"",
            "user = \"viewer\"\npassword_env = \"HELIOS_PASS_VIEWER\"",
        );
        assert_ne!(text, crate::REFERENCE_PROFILE);
        let error = Profile::parse(&text).expect_err("not resolved");
        assert!(
            error
                .0
                .contains("accounts[1].password_env: $HELIOS_PASS_VIEWER"),
            "{error}"
        );
        let env = |name: &str| (name == "HELIOS_PASS_VIEWER").then(|| "se\"cret".to_owned());
        let resolved = with_env_passwords(&text, &env).expect("resolved");
        assert!(!resolved.contains("password_env"), "{resolved}");
        let checked = Profile::parse(&resolved).expect("a profile");
        assert_eq!(checked.accounts[1].password, "se\"cret");
    }

    #[test]
    fn a_declaration_with_a_todo_is_refused_naming_each() {
        let text = crate::REFERENCE_PROFILE
            .replace(
                "block_after = 5",
                "block_after = \"TODO: how many failed logins block\"",
            )
            .replace("variant = \"2N Helios IP Verso\"", "variant = \"TODO\"");
        let error = Profile::parse(&text).expect_err("TODOs");
        assert!(error.0.contains("2 TODO(s)"), "{error}");
        assert!(
            error.0.contains("logins.block_after (TODO: how many"),
            "{error}"
        );
        assert!(error.0.contains("device.variant (TODO)"), "{error}");
    }
}
