//! Sealing a report directory and verifying it: `manifest.sha256` lists every file of the
//! bundle but the seal files with its SHA-256 (`sha256sum -c manifest.sha256` checks it from
//! the directory), `manifest.sig` is the Ed25519 signature of the manifest's bytes and
//! `signer.pub.pem` the key that made it. Verifying says each difference by name: a file whose
//! bytes changed, one missing, one added, a manifest line that is no manifest line, a bundle
//! not signed when a key asks for a signature, a signature that does not verify, a bundle
//! signed by another key.
//!
//! Without a signature the manifest guards against accidents only: whoever changes a file can
//! write its hash into the manifest too. With one, against anyone without the private key.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use ed25519_dalek::Signer as _;

use super::bundle::{self, MANIFEST, SEAL_FILES, SIGNATURE, SIGNER};
use super::keys::{self, Signature, SigningKey, VerifyingKey};
use super::secrets::sha256_hex;

/// Why a bundle could not be sealed or read at all.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file's name cannot stand in a manifest line (a line break or a backslash in it).
    #[error("{0}: a file name the manifest cannot hold")]
    Name(String),
    /// The directory to verify does not exist or is no directory.
    #[error("{}: no report directory", .0.display())]
    NoBundle(PathBuf),
    /// The signer's key could not be encoded.
    #[error(transparent)]
    Key(#[from] keys::KeyError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SealError + '_ {
    move |source| SealError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What sealing wrote: how many files the manifest lists, and the signer's fingerprint.
#[derive(Debug)]
pub struct Sealed {
    pub files: usize,
    pub signer: Option<String>,
}

/// Writes `manifest.sha256` over every file of `dir` but the seal files, and with `key` its
/// signature and the signer's public key (without one, a signature left from before goes).
pub fn seal(dir: &Path, key: Option<&SigningKey>) -> Result<Sealed, SealError> {
    let mut manifest = String::new();
    let files = listed_files(dir)?;
    for name in &files {
        if name.contains(['\n', '\r', '\\']) {
            return Err(SealError::Name(name.clone()));
        }
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        manifest.push_str(&format!("{}  {name}\n", sha256_hex(&bytes)));
    }
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(io(&path))
    };
    write(MANIFEST, manifest.as_bytes())?;
    let signer = match key {
        Some(key) => {
            write(SIGNATURE, &key.sign(manifest.as_bytes()).to_bytes())?;
            write(SIGNER, keys::public_pem(&key.verifying_key())?.as_bytes())?;
            Some(keys::fingerprint(&key.verifying_key()))
        }
        None => {
            for name in [SIGNATURE, SIGNER] {
                let path = dir.join(name);
                if path.exists() {
                    std::fs::remove_file(&path).map_err(io(&path))?;
                }
            }
            None
        }
    };
    Ok(Sealed {
        files: files.len(),
        signer,
    })
}

/// Every file of the bundle the manifest lists: all but the seal files at its top.
fn listed_files(dir: &Path) -> Result<Vec<String>, SealError> {
    Ok(bundle::files(dir)
        .map_err(io(dir))?
        .into_iter()
        .filter(|name| !SEAL_FILES.contains(&name.as_str()))
        .collect())
}

/// One way a bundle differs from what was sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The file's bytes are not those the manifest hashed.
    Changed {
        file: String,
        sealed: String,
        now: String,
    },
    /// The manifest lists a file the bundle no longer holds.
    Missing(String),
    /// The bundle holds a file the manifest does not list.
    Added(String),
    /// A line of the manifest that is not `<sha256>  <relative path>`, or names a file twice.
    Malformed { line: usize, text: String },
    /// A key was given, and the bundle has no signature.
    Unsigned,
    /// A seal file is there but unreadable as what it must be (the signature, the signer).
    BadSealFile { file: &'static str, why: String },
    /// The signature is not one of the manifest by the key that should have made it.
    BadSignature { key: String },
    /// The bundle was signed by another key than the one given.
    WrongKey { signed_by: String, given: String },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Changed { file, sealed, now } => write!(
                f,
                "changed: {file}: its bytes are not those sealed (SHA-256 {sealed} in the \
                 manifest, {now} now)"
            ),
            Self::Missing(file) => write!(
                f,
                "missing: {file}: the manifest lists it, the bundle does not hold it"
            ),
            Self::Added(file) => write!(
                f,
                "added: {file}: the bundle holds it, the manifest does not list it"
            ),
            Self::Malformed { line, text } => write!(
                f,
                "malformed: {MANIFEST} line {line} is not `<sha256>  <relative path>` of a \
                 file listed once: {text:?}"
            ),
            Self::Unsigned => write!(
                f,
                "unsigned: --key asks for a signature, and the bundle has none ({SIGNATURE})"
            ),
            Self::BadSealFile { file, why } => write!(f, "malformed: {file}: {why}"),
            Self::BadSignature { key } => write!(
                f,
                "bad signature: {SIGNATURE} is not a signature of {MANIFEST} by key {key} (the \
                 manifest or the signature changed after signing)"
            ),
            Self::WrongKey { signed_by, given } => write!(
                f,
                "wrong key: the bundle was signed by key {signed_by}, not by the key given \
                 ({given})"
            ),
        }
    }
}

/// What verifying a bundle found.
#[derive(Debug)]
pub struct Verification {
    /// How many files the manifest lists.
    pub listed: usize,
    /// Every difference, the manifest's first, then the files', then the signature's.
    pub differences: Vec<Difference>,
    /// The fingerprint of the key whose signature verified.
    pub signed_by: Option<String>,
}

impl Verification {
    /// Whether the bundle is as sealed (and signed, when a key was given).
    pub fn is_intact(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Checks every file of `dir` against its manifest and the manifest against its signature;
/// with `key`, the signature must be there and be that key's. An error only when `dir` is no
/// directory or a file cannot be read; every difference is in the [`Verification`].
pub fn verify(dir: &Path, key: Option<&VerifyingKey>) -> Result<Verification, SealError> {
    if !dir.is_dir() {
        return Err(SealError::NoBundle(dir.to_owned()));
    }
    let manifest_path = dir.join(MANIFEST);
    let manifest = match std::fs::read(&manifest_path) {
        Ok(bytes) => bytes,
        // Not sealed (or the manifest removed): that one difference, not every file added.
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Verification {
                listed: 0,
                differences: vec![Difference::Missing(MANIFEST.into())],
                signed_by: None,
            });
        }
        Err(error) => return Err(io(&manifest_path)(error)),
    };
    let mut differences = Vec::new();
    let entries = read_manifest(&manifest, &mut differences);
    compare_files(dir, &entries, &mut differences)?;
    let signed_by = check_signature(dir, &manifest, key, &mut differences)?;
    Ok(Verification {
        listed: entries.len(),
        differences,
        signed_by,
    })
}

/// The manifest's entries (hash, file), each malformed line a difference.
fn read_manifest(bytes: &[u8], differences: &mut Vec<Difference>) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(bytes);
    let mut seen = BTreeSet::new();
    let mut entries = Vec::new();
    for (at, line) in text.lines().enumerate() {
        let parsed = line
            .split_once("  ")
            .or_else(|| line.split_once(" *"))
            .filter(|(hash, _)| {
                hash.len() == 64
                    && hash
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            })
            .filter(|(_, file)| is_relative(file) && seen.insert((*file).to_owned()));
        match parsed {
            Some((hash, file)) => entries.push((hash.to_owned(), file.to_owned())),
            None => differences.push(Difference::Malformed {
                line: at + 1,
                text: line.chars().take(120).collect(),
            }),
        }
    }
    entries
}

/// Whether a manifest's path stays inside the bundle: relative, no `..`, not a seal file.
fn is_relative(file: &str) -> bool {
    let path = Path::new(file);
    !file.is_empty()
        && !SEAL_FILES.contains(&file)
        && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Each listed file against its hash, and each file the manifest does not list.
fn compare_files(
    dir: &Path,
    entries: &[(String, String)],
    differences: &mut Vec<Difference>,
) -> Result<(), SealError> {
    for (sealed, file) in entries {
        let path = dir.join(file);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let now = sha256_hex(&bytes);
                if &now != sealed {
                    differences.push(Difference::Changed {
                        file: file.clone(),
                        sealed: sealed.clone(),
                        now,
                    });
                }
            }
            // A folder where the file was is no file either.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound || path.is_dir() => {
                differences.push(Difference::Missing(file.clone()));
            }
            Err(error) => return Err(io(&path)(error)),
        }
    }
    let listed: BTreeSet<&str> = entries.iter().map(|(_, file)| file.as_str()).collect();
    for file in listed_files(dir)? {
        if !listed.contains(file.as_str()) {
            differences.push(Difference::Added(file));
        }
    }
    Ok(())
}

/// The signature of the manifest, against the signer's key in the bundle and the key given:
/// the fingerprint of the key that signed it when it verifies.
fn check_signature(
    dir: &Path,
    manifest: &[u8],
    key: Option<&VerifyingKey>,
    differences: &mut Vec<Difference>,
) -> Result<Option<String>, SealError> {
    let Some(signature) = read_seal_file(dir, SIGNATURE, differences)? else {
        // The signer's key without a signature: the signature was removed.
        if dir.join(SIGNER).exists() {
            differences.push(Difference::Missing(SIGNATURE.into()));
        } else if key.is_some() {
            differences.push(Difference::Unsigned);
        }
        return Ok(None);
    };
    let signature = match <[u8; 64]>::try_from(signature.as_slice()) {
        Ok(bytes) => Signature::from_bytes(&bytes),
        Err(_) => {
            differences.push(Difference::BadSealFile {
                file: SIGNATURE,
                why: format!(
                    "{} bytes, not the 64 of an Ed25519 signature",
                    signature.len()
                ),
            });
            return Ok(None);
        }
    };
    let signer = match read_seal_file(dir, SIGNER, differences)? {
        Some(text) => match keys::parse_verifying(&String::from_utf8_lossy(&text)) {
            Ok(signer) => Some(signer),
            Err(why) => {
                differences.push(Difference::BadSealFile { file: SIGNER, why });
                None
            }
        },
        None => None,
    };
    let Some(checked) = key.or(signer.as_ref()) else {
        return Ok(None);
    };
    if checked.verify_strict(manifest, &signature).is_ok() {
        return Ok(Some(keys::fingerprint(checked)));
    }
    let given = keys::fingerprint(checked);
    differences.push(match signer.map(|s| keys::fingerprint(&s)) {
        Some(signed_by) if signed_by != given => Difference::WrongKey { signed_by, given },
        _ => Difference::BadSignature { key: given },
    });
    Ok(None)
}

/// A seal file's bytes: `None` when absent (the signer's key is then missing, the signature
/// is only absent, which the signer's key left or a key given makes a difference).
fn read_seal_file(
    dir: &Path,
    name: &'static str,
    differences: &mut Vec<Difference>,
) -> Result<Option<Vec<u8>>, SealError> {
    let path = dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if name == SIGNER {
                differences.push(Difference::Missing(SIGNER.into()));
            }
            Ok(None)
        }
        Err(error) => Err(io(&path)(error)),
    }
}
