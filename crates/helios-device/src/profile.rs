//! The device profile: a TOML file that says which intercom the reference device is (model,
//! firmware, hardware inventory), how its nine services are secured, its accounts and privileges,
//! its licences, time zone and simulation seed, and how its system functions behave in time and
//! where it keeps its configuration (`[system]`), and the faults it departs from the manual with
//! (`faults`, for tests of the runner).
//!
//! Every rule the manual sets on these is checked while reading, through serde, so that an
//! invalid profile is refused with toml's own message, which names the line and column.

use std::collections::BTreeMap;
use std::path::Path;

use helios_spec::{
    Auth, Group, Hardware, Licence, MAX_ACCOUNTS, Privilege, Security, Service, Transport, Version,
};
use serde::Deserialize;

/// The profile used when none is given: the manual's own screenshot of chapter 3.
pub const DEFAULT_PROFILE: &str = include_str!("../profiles/default.toml");

/// Why a profile was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Why a value of the profile breaks a rule of the manual (toml's message adds where it is).
#[derive(Debug, thiserror::Error)]
pub enum SettingError {
    #[error("`{0}` is not a firmware version such as 2.21.0.0.1")]
    FirmwareVersion(String),
    #[error("switch {0} is defined twice")]
    SwitchTwice(u8),
    #[error("switch {0} does not exist: switches are numbered 1 to 4")]
    NoSuchSwitch(i64),
    #[error("unknown service `{0}`; the services are {known}", known = names(Service::ALL.iter().map(|s| s.id())))]
    UnknownService(String),
    #[error("{0} accounts; a device holds at most {MAX_ACCOUNTS}")]
    TooManyAccounts(usize),
    #[error("account `{0}` is defined twice")]
    AccountTwice(String),
    #[error("unknown privilege `{0}`; the privileges are {known}", known = names(Group::ALL.iter().map(|g| g.id())))]
    UnknownPrivilege(String),
    #[error("unknown licence `{0}`")]
    UnknownLicence(String),
}

/// Names as a list: `a, b, c`.
fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

/// A whole profile.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub device: DeviceInfo,
    #[serde(default)]
    pub hardware: HardwareInventory,
    #[serde(default)]
    pub switches: Switches,
    #[serde(default)]
    pub ports: Vec<Port>,
    pub camera: Option<Camera>,
    #[serde(default)]
    pub displays: Vec<Display>,
    #[serde(default)]
    pub sip_accounts: Vec<SipAccount>,
    /// Missing services take the manual's screenshot setting (`Service::manual_default`).
    #[serde(default)]
    pub services: BTreeMap<ServiceName, ServiceSecurity>,
    #[serde(default)]
    pub accounts: Accounts,
    #[serde(default)]
    pub licences: Vec<LicenceName>,
    /// The SMTP service `email/send` uses; without it the function answers 14.
    pub email: Option<EmailSettings>,
    /// Maintenance: delays of the system functions and where the configuration is kept.
    #[serde(default)]
    pub system: SystemSettings,
    /// Deliberate departures from the manual (`crate::faults`), by name; none for the
    /// reference behaviour. Unknown names are refused with the list of known ones.
    #[serde(default)]
    pub faults: crate::faults::Faults,
}

/// How the system functions (manual 5.3 to 5.7) behave in time, and where the device keeps its
/// configuration and installed firmware across restarts.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemSettings {
    /// Seconds after which a configuration upload or a factory reset takes effect (manual 5.6
    /// and 5.7: "approx. 15 s").
    #[serde(default = "default_config_delay")]
    pub config_delay: u32,
    /// Seconds between the reply of `system/restart` or `firmware/apply` and the restart.
    #[serde(default = "default_restart_delay")]
    pub restart_delay: u32,
    /// The directory that keeps the configuration and firmware across restarts (`--state`);
    /// none keeps them in memory only.
    #[serde(default)]
    pub state_dir: Option<std::path::PathBuf>,
    /// Seconds a client has to send a request's whole head, counted from when the connection
    /// opens or the previous response ends (so also how long a kept-alive connection may sit
    /// idle); then the device closes the connection.
    #[serde(default = "default_head_timeout")]
    pub head_timeout: u32,
    /// How many of the 1024 subscription channels one account may hold open (erratum
    /// `channel-share`); beyond it `log/subscribe` answers 14.
    #[serde(default = "default_channels_per_account")]
    pub channels_per_account: u32,
    /// Connections held open at once from one client address (both listeners together); one
    /// more is closed as soon as it is accepted.
    #[serde(default = "default_connections_per_address")]
    pub connections_per_address: u32,
    /// Connections held open at once in all.
    #[serde(default = "default_connections")]
    pub connections: u32,
}

impl Default for SystemSettings {
    fn default() -> Self {
        Self {
            config_delay: default_config_delay(),
            restart_delay: default_restart_delay(),
            state_dir: None,
            head_timeout: default_head_timeout(),
            channels_per_account: default_channels_per_account(),
            connections_per_address: default_connections_per_address(),
            connections: default_connections(),
        }
    }
}

fn default_head_timeout() -> u32 {
    30
}

fn default_channels_per_account() -> u32 {
    256
}

fn default_connections_per_address() -> u32 {
    1536
}

fn default_connections() -> u32 {
    4096
}

fn default_config_delay() -> u32 {
    15
}

fn default_restart_delay() -> u32 {
    2
}

/// What `system/info` reports, and the device-wide settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceInfo {
    pub variant: String,
    pub serial_number: String,
    pub hw_version: String,
    pub sw_version: FirmwareVersion,
    #[serde(default)]
    pub build_type: String,
    pub device_name: String,
    /// The time zone as minutes east of UTC (`tzShift`).
    #[serde(default)]
    pub tz_shift: i32,
    /// Seeds every random choice of the simulation and of the server (nonces, ids).
    #[serde(default)]
    pub seed: u64,
    /// The Digest algorithm the device challenges with.
    #[serde(default)]
    pub digest_algorithm: DigestAlgorithm,
}

/// `swVersion` as the device reports it, and the API generation it serves.
#[derive(Clone, Debug, Deserialize)]
#[serde(try_from = "String")]
pub struct FirmwareVersion {
    pub text: String,
    pub version: Version,
    /// The `Server` header of every reply (see [`crate::reply::server_header`]), made once.
    pub server_header: axum::http::HeaderValue,
}

impl TryFrom<String> for FirmwareVersion {
    type Error = SettingError;

    fn try_from(text: String) -> Result<Self, SettingError> {
        let Some(version) = Version::parse(&text) else {
            return Err(SettingError::FirmwareVersion(text));
        };
        let server_header = crate::reply::server_header(&text);
        Ok(Self {
            text,
            version,
            server_header,
        })
    }
}

/// The Digest algorithm of the device's challenges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum DigestAlgorithm {
    #[default]
    #[serde(rename = "MD5")]
    Md5,
    #[serde(rename = "SHA-256")]
    Sha256,
}

/// Optional hardware; the camera and displays are described by their own sections.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HardwareInventory {
    #[serde(default)]
    pub keypad: bool,
    #[serde(default)]
    pub card_reader: bool,
    #[serde(default)]
    pub microphone: bool,
    #[serde(default)]
    pub tamper_switch: bool,
    #[serde(default)]
    pub digital_inputs: bool,
    /// The loudspeaker or microphone is faulty: `audio/test` reports `failed`.
    #[serde(default)]
    pub audio_fault: bool,
}

/// The switches, numbered 1 to 4 and each at most once.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(try_from = "Vec<Switch>")]
pub struct Switches(pub Vec<Switch>);

impl TryFrom<Vec<Switch>> for Switches {
    type Error = SettingError;

    fn try_from(switches: Vec<Switch>) -> Result<Self, SettingError> {
        for (index, switch) in switches.iter().enumerate() {
            if switches[..index].iter().any(|s| s.switch == switch.switch) {
                return Err(SettingError::SwitchTwice(switch.switch.0));
            }
        }
        Ok(Self(switches))
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    pub switch: SwitchId,
    pub enabled: bool,
    #[serde(default)]
    pub mode: SwitchMode,
    /// Seconds a monostable switch stays on.
    #[serde(default = "default_duration")]
    pub duration: u32,
    #[serde(default, rename = "type")]
    pub kind: SwitchType,
}

fn default_duration() -> u32 {
    5
}

/// A switch number: 1 to 4 (manual 5.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "i64")]
pub struct SwitchId(pub u8);

impl TryFrom<i64> for SwitchId {
    type Error = SettingError;

    fn try_from(number: i64) -> Result<Self, SettingError> {
        match u8::try_from(number) {
            Ok(n @ 1..=4) => Ok(Self(n)),
            _ => Err(SettingError::NoSuchSwitch(number)),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SwitchMode {
    #[default]
    Monostable,
    Bistable,
}

impl SwitchMode {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Monostable => "monostable",
            Self::Bistable => "bistable",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SwitchType {
    #[default]
    Normal,
    Security,
}

impl SwitchType {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Security => "security",
        }
    }
}

/// A logic input or output.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Port {
    pub port: String,
    #[serde(rename = "type")]
    pub kind: PortType,
    /// The state at start.
    #[serde(default)]
    pub state: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PortType {
    Input,
    Output,
}

impl PortType {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::Output => "output",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Camera {
    pub sources: Vec<String>,
    pub default_source: String,
    /// Width and height pairs.
    pub resolutions: Vec<(u32, u32)>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Display {
    pub display: String,
    pub width: u32,
    pub height: u32,
    /// Whether the standard display function (Hardware / Display) is on; while it is,
    /// `display/image` answers 14 (erratum `display-image-standard-display`).
    #[serde(default)]
    pub standard_display: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SipAccount {
    pub account: u8,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub registered: bool,
    /// The registrar's domain: a plain number dialled becomes `sip:NUMBER@DOMAIN`.
    #[serde(default = "default_sip_domain")]
    pub domain: String,
}

fn default_sip_domain() -> String {
    "localhost".into()
}

/// The device's SMTP service (the e-mail settings of the configuration interface).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    pub smtp_host: String,
    #[serde(default = "default_smtp_port")]
    pub smtp_port: u16,
    /// The sender of every message, such as `Helios <helios@example.com>`.
    pub from: Sender,
    /// Seconds one message may take to deliver, connecting included.
    #[serde(default = "default_smtp_timeout")]
    pub timeout: std::num::NonZeroU32,
}

fn default_smtp_port() -> u16 {
    25
}

fn default_smtp_timeout() -> std::num::NonZeroU32 {
    std::num::NonZeroU32::MIN.saturating_add(9)
}

/// A sender address, checked when the profile is read.
#[derive(Clone, Debug)]
pub struct Sender(pub lettre::message::Mailbox);

impl<'de> Deserialize<'de> for Sender {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse()
            .map(Self)
            .map_err(|e| serde::de::Error::custom(format!("`{text}` is not a sender address: {e}")))
    }
}

/// A service's name in the profile: its [`Service::id`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct ServiceName(pub Service);

impl TryFrom<String> for ServiceName {
    type Error = SettingError;

    fn try_from(id: String) -> Result<Self, SettingError> {
        match Service::from_id(&id) {
            Some(service) => Ok(Self(service)),
            None => Err(SettingError::UnknownService(id)),
        }
    }
}

/// One row of the Services / HTTP API page.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSecurity {
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

/// At most five accounts with distinct user names (chapter 4).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(try_from = "Vec<Account>")]
pub struct Accounts(pub Vec<Account>);

impl TryFrom<Vec<Account>> for Accounts {
    type Error = SettingError;

    fn try_from(accounts: Vec<Account>) -> Result<Self, SettingError> {
        if accounts.len() > MAX_ACCOUNTS {
            return Err(SettingError::TooManyAccounts(accounts.len()));
        }
        for (index, account) in accounts.iter().enumerate() {
            if accounts[..index].iter().any(|a| a.user == account.user) {
                return Err(SettingError::AccountTwice(account.user.clone()));
            }
        }
        Ok(Self(accounts))
    }
}

/// An account: the account page's user settings and its privilege table, one list per column.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    #[serde(default = "enabled")]
    pub enabled: bool,
    pub user: String,
    pub password: String,
    #[serde(default)]
    pub monitoring: Vec<GroupName>,
    #[serde(default)]
    pub control: Vec<GroupName>,
}

fn enabled() -> bool {
    true
}

impl Account {
    pub fn holds(&self, privilege: Privilege) -> bool {
        let column = match privilege.level {
            helios_spec::Level::Monitoring => &self.monitoring,
            helios_spec::Level::Control => &self.control,
        };
        column.iter().any(|group| group.0 == privilege.group)
    }
}

/// A row of the privilege table, by its [`Group::id`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct GroupName(pub Group);

impl TryFrom<String> for GroupName {
    type Error = SettingError;

    fn try_from(id: String) -> Result<Self, SettingError> {
        match Group::ALL.into_iter().find(|group| group.id() == id) {
            Some(group) => Ok(Self(group)),
            None => Err(SettingError::UnknownPrivilege(id)),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct LicenceName(pub Licence);

impl TryFrom<String> for LicenceName {
    type Error = SettingError;

    fn try_from(id: String) -> Result<Self, SettingError> {
        match Licence::from_id(&id) {
            Some(licence) => Ok(Self(licence)),
            None => Err(SettingError::UnknownLicence(id)),
        }
    }
}

impl Profile {
    /// Reads a profile; `path` only names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Self, ProfileError> {
        toml::from_str(text).map_err(|e| ProfileError::Invalid {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    pub fn load(path: &Path) -> Result<Self, ProfileError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: name.clone(),
            source,
        })?;
        Self::parse(&text, &name)
    }

    /// The manual's screenshot profile.
    pub fn default_profile() -> Self {
        Self::parse(DEFAULT_PROFILE, "profiles/default.toml")
            .unwrap_or_else(|e| panic!("the committed default profile is valid: {e}"))
    }

    /// The firmware generation the device serves.
    pub fn firmware(&self) -> Version {
        self.device.sw_version.version
    }

    pub fn security(&self, service: Service) -> Security {
        match self.services.get(&ServiceName(service)) {
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
        }
    }

    pub fn has_licence(&self, licence: Licence) -> bool {
        self.licences.iter().any(|l| l.0 == licence)
    }

    pub fn has_hardware(&self, hardware: Hardware) -> bool {
        match hardware {
            Hardware::Camera => self.camera.is_some(),
            Hardware::Display => !self.displays.is_empty(),
            Hardware::Keypad => self.hardware.keypad,
            Hardware::CardReader => self.hardware.card_reader,
            Hardware::Microphone => self.hardware.microphone,
            Hardware::TamperSwitch => self.hardware.tamper_switch,
            Hardware::DigitalInput => self.hardware.digital_inputs,
        }
    }

    /// The enabled account with this user name.
    pub fn account(&self, user: &str) -> Option<&Account> {
        self.accounts
            .0
            .iter()
            .find(|account| account.enabled && account.user == user)
    }
}
