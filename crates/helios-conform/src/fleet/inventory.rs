//! The inventory of a fleet (`--inventory fleet.toml`): one `[[device]]` table per device, with
//! its `name` (the name of its report directory), its addresses (`https`, `http`, at least
//! one), its declaration (`profile`, a path relative to the inventory file; the reference
//! declaration when absent) and its TLS options (`ca`, a path likewise; `insecure`).
//!
//! Everything is checked before anything is sent: an unknown key, a value of the wrong type, a
//! name used twice or unfit for a directory, an address of the wrong scheme, a declaration or a
//! certificate that cannot be read or is invalid are each an [`InventoryError`] naming the
//! entry and its key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::options::Target;
use crate::profile::{Checked, Profile};

/// The keys of a `[[device]]` table.
pub const KEYS: [&str; 6] = ["name", "https", "http", "profile", "ca", "insecure"];

/// Names a device cannot take: the files of the aggregate beside the devices' directories.
const RESERVED: [&str; 8] = [
    "index.html",
    "results.ndjson",
    "junit.xml",
    "fleet.json",
    "run.json",
    "manifest.sha256",
    "manifest.sig",
    "signer.pub.pem",
];

/// One entry of the inventory, as written (paths resolved against the inventory's folder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub https: Option<String>,
    pub http: Option<String>,
    /// The declaration; `None` is the reference declaration.
    pub profile: Option<PathBuf>,
    pub ca: Option<PathBuf>,
    pub insecure: bool,
}

/// A device of the fleet, ready to run: where it answers, and its declaration read and
/// checked (its text kept for the reports, which mask its passwords).
#[derive(Clone, Debug)]
pub struct Device {
    pub name: String,
    pub target: Target,
    pub profile_text: String,
    pub profile: Checked,
}

/// Where in the inventory a mistake is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The file as a whole (its syntax, its top-level keys).
    File,
    /// The `index`-th `[[device]]` (from 1), its name when it has one, and the key.
    Entry {
        index: usize,
        name: Option<String>,
        key: String,
    },
}

/// Why an inventory cannot be run; every variant names the file, and the entry and key when
/// the mistake is in one.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("reading the inventory {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the inventory {}{place}: {why}", path.display())]
    Invalid {
        path: PathBuf,
        place: Place,
        why: String,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File => Ok(()),
            Self::Entry { index, name, key } => {
                write!(f, ", [[device]] {index}")?;
                if let Some(name) = name {
                    write!(f, " (`{name}`)")?;
                }
                write!(f, ", key `{key}`")
            }
        }
    }
}

/// What a declaration's `password_env = "NAME"` reads: the variable's value (the process's
/// environment on the command line).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Reads the inventory at `path` and every declaration and certificate it names, each
/// declaration's `password_env` read from `env`.
pub fn load(path: &Path, env: Env<'_>) -> Result<Vec<Device>, InventoryError> {
    let text = std::fs::read_to_string(path).map_err(|source| InventoryError::Read {
        path: path.to_owned(),
        source,
    })?;
    let base = path.parent().unwrap_or(Path::new(""));
    let entries = parse(&text, base).map_err(|(place, why)| InventoryError::Invalid {
        path: path.to_owned(),
        place,
        why,
    })?;
    entries
        .iter()
        .enumerate()
        .map(|(at, entry)| {
            entry
                .device(env)
                .map_err(|(key, why)| InventoryError::Invalid {
                    path: path.to_owned(),
                    place: Place::Entry {
                        index: at + 1,
                        name: Some(entry.name.clone()),
                        key: key.to_owned(),
                    },
                    why,
                })
        })
        .collect()
}

/// The entries of an inventory's text, paths resolved against `base`; a mistake is where it
/// is and why.
pub fn parse(text: &str, base: &Path) -> Result<Vec<Entry>, (Place, String)> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| (Place::File, e.to_string().trim_end().replace('\n', " ")))?;
    if let Some(key) = table.keys().find(|k| *k != "device") {
        return Err((
            Place::File,
            format!("unknown key `{key}` (an inventory holds [[device]] tables only)"),
        ));
    }
    let Some(toml::Value::Array(devices)) = table.get("device") else {
        return Err((
            Place::File,
            "no [[device]] table: an inventory names at least one device".into(),
        ));
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    for (at, value) in devices.iter().enumerate() {
        let entry = entry(value, base).map_err(|(name, key, why)| {
            let place = Place::Entry {
                index: at + 1,
                name,
                key,
            };
            (place, why)
        })?;
        if let Some(first) = taken.insert(entry.name.to_lowercase(), at + 1) {
            let place = Place::Entry {
                index: at + 1,
                name: Some(entry.name.clone()),
                key: "name".into(),
            };
            return Err((
                place,
                format!("[[device]] {first} has this name already: each device needs its own"),
            ));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// A mistake in one entry: its name when known, the key, why.
type EntryError = (Option<String>, String, String);

/// One `[[device]]` table read and checked.
fn entry(value: &toml::Value, base: &Path) -> Result<Entry, EntryError> {
    let Some(table) = value.as_table() else {
        return Err((None, "device".into(), "not a table".into()));
    };
    let name = match table.get("name") {
        Some(toml::Value::String(name)) => name.clone(),
        Some(_) => return Err((None, "name".into(), "must be a string".into())),
        None => {
            let why = "missing: each device needs a name".into();
            return Err((None, "name".into(), why));
        }
    };
    let named = |key: &str, why: String| (Some(name.clone()), key.to_owned(), why);
    if let Err(why) = check_name(&name) {
        return Err(named("name", why));
    }
    if let Some(key) = table.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(named(
            key,
            format!("unknown key `{key}` (known: {})", KEYS.join(", ")),
        ));
    }
    let text = |key: &'static str| match table.get(key) {
        None => Ok(None),
        Some(toml::Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(named(key, "must be a string".into())),
    };
    let https = text("https")?;
    let http = text("http")?;
    for (key, address, scheme) in [("https", &https, "https"), ("http", &http, "http")] {
        if let Some(address) = address {
            check_address(address, scheme).map_err(|why| named(key, why))?;
        }
    }
    if https.is_none() && http.is_none() {
        return Err(named(
            "https",
            "no address: give `https`, `http` or both".into(),
        ));
    }
    let insecure = match table.get("insecure") {
        None => false,
        Some(toml::Value::Boolean(insecure)) => *insecure,
        Some(_) => return Err(named("insecure", "must be true or false".into())),
    };
    Ok(Entry {
        https,
        http,
        profile: text("profile")?.map(|p| base.join(p)),
        ca: text("ca")?.map(|p| base.join(p)),
        insecure,
        name,
    })
}

/// Whether `name` can name a directory on every system: letters, digits, `.`, `_` and `-`, not
/// opening with a dot, and none of the aggregate's own files.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 64 {
        return Err("must be 1 to 64 characters long".into());
    }
    if name.starts_with('.')
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(format!(
            "`{name}` cannot name a report directory: use letters, digits, `.`, `_` and `-`, \
             not opening with `.`"
        ));
    }
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
        return Err(format!("`{name}` is the name of a file of the aggregate"));
    }
    Ok(())
}

/// Whether `address` is a URL of `scheme` with a host.
fn check_address(address: &str, scheme: &str) -> Result<(), String> {
    let url = url::Url::parse(address).map_err(|e| format!("`{address}` is no URL: {e}"))?;
    if url.scheme() != scheme || !url.has_host() {
        return Err(format!("`{address}` is not a {scheme}:// address"));
    }
    Ok(())
}

impl Entry {
    /// The device ready to run: its declaration (its `password_env` read from `env`) and
    /// certificate read; a mistake names the key.
    pub fn device(&self, env: Env<'_>) -> Result<Device, (&'static str, String)> {
        let file = (self.profile.as_ref()).map_or_else(
            || "the reference declaration".into(),
            |p| p.display().to_string(),
        );
        let profile_text = match &self.profile {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| ("profile", format!("reading {}: {e}", path.display())))?,
            None => crate::REFERENCE_PROFILE.to_owned(),
        };
        let profile_text = crate::profile::with_env_passwords(&profile_text, env)
            .map_err(|e| ("profile", format!("{file}: {e}")))?;
        let profile =
            Profile::parse(&profile_text).map_err(|e| ("profile", format!("{file}: {e}")))?;
        let ca_pem = match &self.ca {
            Some(path) => Some(
                std::fs::read(path)
                    .map_err(|e| ("ca", format!("reading {}: {e}", path.display())))?,
            ),
            None => None,
        };
        Ok(Device {
            name: self.name.clone(),
            target: Target {
                http: self.http.clone(),
                https: self.https.clone(),
                insecure: self.insecure,
                ca_pem,
            },
            profile_text,
            profile,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mistake(text: &str) -> String {
        let (place, why) = parse(text, Path::new("lab")).expect_err("a mistake");
        format!("{place}: {why}")
    }

    #[test]
    fn entries_resolve_their_paths_against_the_inventory() {
        let entries = parse(
            "[[device]]\nname = \"door-1\"\nhttps = \"https://192.0.2.10\"\nhttp = \
             \"http://192.0.2.10\"\nprofile = \"verso.toml\"\nca = \"door.pem\"\n\n[[device]]\n\
             name = \"gate\"\nhttp = \"http://192.0.2.11:8080\"\ninsecure = true\n",
            Path::new("lab"),
        )
        .expect("a valid inventory");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].profile, Some(PathBuf::from("lab/verso.toml")));
        assert_eq!(entries[0].ca, Some(PathBuf::from("lab/door.pem")));
        assert_eq!(
            (entries[1].https.as_deref(), entries[1].insecure),
            (None, true)
        );
    }

    #[test]
    fn each_mistake_names_its_entry_and_key() {
        let one = |rest: &str| format!("[[device]]\nname = \"door-1\"\n{rest}\n");
        assert_eq!(
            mistake(&one("https = \"http://192.0.2.10\"")),
            ", [[device]] 1 (`door-1`), key `https`: `http://192.0.2.10` is not a https:// address"
        );
        assert!(mistake(&one("htps = \"https://x\"")).contains("unknown key `htps`"));
        assert!(mistake(&one("")).contains("key `https`: no address"));
        assert!(
            mistake(&one("https = \"https://a\"\ninsecure = \"yes\""))
                .contains("key `insecure`: must be true or false")
        );
        let twice = one("https = \"https://a\"").repeat(2);
        assert_eq!(
            mistake(&twice),
            ", [[device]] 2 (`door-1`), key `name`: [[device]] 1 has this name already: each \
             device needs its own"
        );
        assert!(mistake("[[device]]\nname = \"../x\"\n").contains("key `name`"));
        assert!(mistake("[[device]]\nname = \"index.html\"\n").contains("aggregate"));
        assert!(mistake("[[device]]\nhttps = \"https://a\"\n").contains("key `name`: missing"));
        assert!(mistake("jobs = 4\n").contains("unknown key `jobs`"));
        assert!(mistake("").contains("no [[device]]"));
    }
}
