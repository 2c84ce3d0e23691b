//! The device configuration of `config` (manual 5.6 and 5.7): the running profile as a
//! `DeviceDatabase` document, uploads checked and turned back into a profile, and the running
//! configuration itself, which uploads, factory resets and firmware installations replace.
//!
//! The document opens with the XML declaration and the comment header of manual 5.6 (product
//! name, serial number, software, hardware and bootloader versions, display, card reader). Its
//! root is `<DeviceDatabase Version="4">`, with these sections; values are element text, flags
//! `0` or `1`, lists keyed by the child named first:
//!
//! ```text
//! Device/Name, Device/TimeZoneShift      device name; minutes east of UTC, -720 to 840
//! Network/DhcpEnabled, IpAddress, SubnetMask, Gateway, PrimaryDns
//!                                        kept as uploaded, not simulated (IPv4 or empty)
//! HttpApi/Services/Service               Name (a service id), Enabled, Connection (http,
//!                                        https), Authentication (none, basic, digest)
//! HttpApi/Accounts/Account               User, Enabled, Password, Monitoring, Control (lists
//!                                        of privilege groups: system,io,...); the list replaces
//!                                        the accounts, at most five
//! Switches/Switch                        Id (a switch the device has), Enabled, Mode
//!                                        (monostable, bistable), Duration (1 to 3600 s), Type
//!                                        (normal, security)
//! Io/Port                                Name, Type: the hardware, written back as it is
//! Camera/Sources, Camera/DefaultSource   the sources (hardware); the default, one of them
//! Displays/Display                       Name, Width, Height: the hardware
//! Sip/Account                            Id, Number
//! ```
//!
//! The download holds the accounts' passwords in clear (erratum `config-passwords`): the
//! function needs System Control, and a configuration without them could not restore a device.
//! An upload is checked whole when it arrives (erratum `config-upload`): anything the device
//! knows with a value outside its domain refuses the upload with 12 naming `blob-cfg`, and
//! nothing changes. Elements it leaves out keep their values; elements and attributes the device
//! does not know are kept and come back in later downloads.

mod at;
mod names;
mod read;
mod write;

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use helios_wire::config_xml::{self, ConfigXmlError, Document, Node};

pub use at::MAX_TEXT;
pub use read::{SWITCH_DURATION, TZ_SHIFT};

use super::store::{CONFIG_FILE, FIRMWARE_FILE, Store};
use crate::profile::{FirmwareVersion, Profile, SettingError};

/// The `Version` of the documents the device writes, as in manual 5.6.
pub const FORMAT_VERSION: u32 = 4;

/// Why an uploaded configuration was refused: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// A configuration: the profile the device runs with and the document that describes it.
#[derive(Clone, Debug)]
pub struct Config {
    pub profile: Arc<Profile>,
    pub document: Document,
}

/// The running configuration, with the factory profile it started from and the state
/// directory that keeps it across restarts.
#[derive(Debug)]
pub struct Running {
    factory: Profile,
    current: RwLock<Arc<Config>>,
    /// This running configuration among all of the process's (tests run many devices in one),
    /// and how many times it has been replaced: what each thread's copy of the profile is
    /// checked against (see [`Running::with_profile`]).
    id: u64,
    generation: AtomicU64,
    store: Option<Store>,
}

/// The next [`Running::id`].
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's copy of the profile it last read: the running configuration's id, the
    /// generation read, and the profile.
    static COPY: RefCell<Option<(u64, u64, Arc<Profile>)>> = const { RefCell::new(None) };
}

impl Running {
    /// The configuration a device starts with: the factory profile, with the firmware and
    /// the configuration its state directory holds, if any. A stored file the device cannot
    /// read is logged and left aside, as a device falls back to its defaults.
    pub fn load(factory: &Profile) -> Self {
        let store = factory.system.state_dir.clone().map(Store::new);
        let mut profile = factory.clone();
        let mut document = None;
        if let Some(store) = &store {
            match read_firmware(store) {
                Ok(Some(version)) => profile.device.sw_version = version,
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "ignoring the stored firmware version"),
            }
            match read_config(store, &profile) {
                Ok(Some(config)) => {
                    profile = config.profile.as_ref().clone();
                    document = Some(config.document);
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "ignoring the stored configuration"),
            }
        }
        let config = match document {
            Some(document) => Config {
                profile: Arc::new(profile),
                document,
            },
            None => fresh(profile),
        };
        Self {
            factory: factory.clone(),
            current: RwLock::new(Arc::new(config)),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            generation: AtomicU64::new(0),
            store,
        }
    }

    pub fn current(&self) -> Arc<Config> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn profile(&self) -> Arc<Profile> {
        self.current().profile.clone()
    }

    /// Runs `f` with the running profile, from this thread's copy while the configuration has
    /// not changed since the thread took it. A request then reads one counter that changes only
    /// with the configuration, where [`Running::profile`] takes a lock and two reference counts
    /// that every server thread writes to, on every request.
    pub fn with_profile<R>(&self, f: impl FnOnce(&Profile) -> R) -> R {
        let generation = self.generation.load(Ordering::Acquire);
        let current = |copy: &Option<(u64, u64, Arc<Profile>)>| matches!(copy, Some((id, seen, _)) if *id == self.id && *seen == generation);
        let fresh = COPY.with(|copy| copy.try_borrow().is_ok_and(|copy| current(&copy)));
        if !fresh {
            // Read after the generation: a change in between leaves the copy a generation
            // behind, to be taken again next time, never ahead.
            let profile = self.profile();
            let kept = COPY.with(|copy| match copy.try_borrow_mut() {
                Ok(mut copy) => {
                    *copy = Some((self.id, generation, profile.clone()));
                    true
                }
                // Called from within `f` of another call on this thread: no copy this time.
                Err(_) => false,
            });
            if !kept {
                return f(&profile);
            }
        }
        COPY.with(|copy| match &*copy.borrow() {
            Some((_, _, profile)) => f(profile),
            None => f(&self.profile()),
        })
    }

    /// The document `config` GET downloads.
    pub fn download(&self) -> Result<String, ConfigXmlError> {
        render(&self.current(), &self.factory)
    }

    /// Checks an upload against the running configuration and makes the configuration it asks
    /// for, without applying it.
    pub fn prepare(&self, upload: &[u8]) -> Result<Config, Invalid> {
        let document = config_xml::parse(upload).map_err(|error| Invalid(error.to_string()))?;
        prepare(&self.profile(), document)
    }

    /// Makes `config` the running configuration, and keeps it.
    pub fn apply(&self, config: Config) {
        match render(&config, &self.factory) {
            Ok(text) => self.persist(CONFIG_FILE, Some(text)),
            Err(error) => tracing::error!(%error, "could not write the configuration down"),
        }
        self.replace(config);
    }

    /// The factory configuration, with the firmware that is installed.
    pub fn factory_reset(&self) {
        let mut profile = self.factory.clone();
        profile.device.sw_version = self.profile().device.sw_version.clone();
        self.persist(CONFIG_FILE, None);
        self.replace(fresh(profile));
    }

    /// The running configuration on firmware `version`.
    pub fn install(&self, version: FirmwareVersion) {
        let current = self.current();
        let mut profile = current.profile.as_ref().clone();
        self.persist(FIRMWARE_FILE, Some(format!("{}\n", version.text)));
        profile.device.sw_version = version;
        self.replace(Config {
            profile: Arc::new(profile),
            document: current.document.clone(),
        });
    }

    fn replace(&self, config: Config) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(config);
        self.generation.fetch_add(1, Ordering::Release);
    }

    /// Writes (`Some`) or removes (`None`) a file of the state directory. The change has been
    /// accepted already, so a failure is logged: the device runs with it until it restarts.
    fn persist(&self, name: &str, content: Option<String>) {
        let Some(store) = &self.store else {
            return;
        };
        let result = match content {
            Some(text) => store.write(name, text.as_bytes()),
            None => store.remove(name),
        };
        if let Err(error) = result {
            tracing::error!(%error, file = name, dir = %store.dir().display(), "could not keep the configuration");
        }
    }
}

/// A configuration as a document: the comment header of manual 5.6, then the configuration.
fn render(config: &Config, factory: &Profile) -> Result<String, ConfigXmlError> {
    let mut document = config.document.clone();
    document.prolog = vec![
        Node::Declaration(r#"xml version="1.0" encoding="UTF-8""#.to_owned()),
        Node::Text("\n".to_owned()),
        Node::Comment(header(&config.profile, factory)),
        Node::Text("\n".to_owned()),
    ];
    if document.epilog.is_empty() {
        document.epilog.push(Node::Text("\n".to_owned()));
    }
    document.to_xml()
}

/// The configuration of `profile` alone, as a factory-fresh device writes it.
fn fresh(profile: Profile) -> Config {
    let mut document = Document::device_database(FORMAT_VERSION);
    // Writing into an empty document creates every element and cannot meet an existing one
    // that holds elements instead of a value, so it does not fail; should it ever, the
    // configuration is still whole, only its document is shorter.
    if let Err(error) = write::refresh(&mut document, &profile) {
        tracing::error!(%error, "could not describe the configuration");
    }
    Config {
        profile: Arc::new(profile),
        document,
    }
}

/// The configuration `document` makes of `base`, its document completed with every value.
fn prepare(base: &Profile, mut document: Document) -> Result<Config, Invalid> {
    let profile = read::overlay(base, &document)?;
    write::refresh(&mut document, &profile).map_err(|error| Invalid(error.to_string()))?;
    // A document that cannot be written back could not be downloaded or kept: refuse it now.
    document
        .to_xml()
        .map_err(|error| Invalid(error.to_string()))?;
    Ok(Config {
        profile: Arc::new(profile),
        document,
    })
}

/// Whether the state directory of `factory` (if any) holds a firmware version and a
/// configuration this device reads back: an error names the file and what to do. The device
/// itself ([`Running::load`]) leaves such a file aside and starts from its defaults; its
/// command line refuses to start instead (`helios-device --state DIR`).
pub fn check_state(factory: &Profile) -> Result<(), StateError> {
    let Some(dir) = &factory.system.state_dir else {
        return Ok(());
    };
    let store = Store::new(dir.clone());
    let named = |file: &str, error: StoredError| StateError {
        path: dir.join(file),
        why: error.to_string(),
    };
    let mut profile = factory.clone();
    if let Some(version) = read_firmware(&store).map_err(|e| named(FIRMWARE_FILE, e))? {
        profile.device.sw_version = version;
    }
    read_config(&store, &profile).map_err(|e| named(CONFIG_FILE, e))?;
    Ok(())
}

/// A file of the state directory the device cannot read back.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}: {why}; the device would start from its factory configuration (and its default \
     passwords): repair the file, or move it aside to start from the factory configuration \
     on purpose",
    path.display()
)]
pub struct StateError {
    pub path: std::path::PathBuf,
    pub why: String,
}

/// Why a file of the state directory was left aside.
#[derive(Debug, thiserror::Error)]
enum StoredError {
    #[error(transparent)]
    Read(#[from] std::io::Error),
    #[error(transparent)]
    Firmware(#[from] SettingError),
    #[error(transparent)]
    Document(#[from] ConfigXmlError),
    #[error(transparent)]
    Invalid(#[from] Invalid),
}

fn read_firmware(store: &Store) -> Result<Option<FirmwareVersion>, StoredError> {
    let Some(bytes) = store.read(FIRMWARE_FILE)? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&bytes).trim().to_owned();
    Ok(Some(FirmwareVersion::try_from(text)?))
}

fn read_config(store: &Store, base: &Profile) -> Result<Option<Config>, StoredError> {
    let Some(bytes) = store.read(CONFIG_FILE)? else {
        return Ok(None);
    };
    let document = config_xml::parse(&bytes)?;
    Ok(Some(prepare(base, document)?))
}

/// The comment of manual 5.6, labels right-aligned. The bootloader is the one the device left
/// the factory with: installing firmware does not change it.
fn header(profile: &Profile, factory: &Profile) -> String {
    let yes_no = |present: bool| if present { "Yes" } else { "No" };
    let rows = [
        ("Product name", profile.device.variant.as_str()),
        ("Serial number", profile.device.serial_number.as_str()),
        ("Software version", profile.device.sw_version.text.as_str()),
        ("Hardware version", profile.device.hw_version.as_str()),
        (
            "Bootloader version",
            factory.device.sw_version.text.as_str(),
        ),
        ("Display", yes_no(!profile.displays.is_empty())),
        ("Card reader", yes_no(profile.hardware.card_reader)),
    ];
    let mut text = String::from("\n");
    for (label, value) in rows {
        // A value cannot end the comment early: "--" is the one sequence a comment may not hold.
        text.push_str(&format!("{label:>20}: {}\n", value.replace("--", "- -")));
    }
    text
}

#[cfg(test)]
mod tests;
