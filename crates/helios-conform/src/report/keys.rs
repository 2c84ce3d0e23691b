//! Ed25519 keys for sealing a report: generated from the operating system's randomness, kept
//! as the PEM files openssl writes and reads (the private key PKCS#8,
//! `-----BEGIN PRIVATE KEY-----`, written mode 0600; the public key SubjectPublicKeyInfo,
//! `-----BEGIN PUBLIC KEY-----`), and named by a fingerprint: the SHA-256 of the public key's
//! DER, which `openssl pkey -pubin -in KEY.pub.pem -outform DER | sha256sum` prints too.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
pub use ed25519_dalek::{Signature, SigningKey, VerifyingKey};

use super::secrets::sha256_hex;

/// The line ending of the PEM files written.
const LF: ed25519_dalek::pkcs8::spki::der::pem::LineEnding =
    ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF;

/// Why a key could not be made, read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A key file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file to be written exists: keys are never overwritten.
    #[error("{} exists already: keygen never overwrites a key (choose another --out)", .0.display())]
    Exists(PathBuf),
    /// The file holds no Ed25519 private key in PKCS#8 PEM.
    #[error(
        "{}: not an Ed25519 private key in PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, as \
         `cargo xtask conform keygen` or `openssl genpkey -algorithm ed25519` writes it): {why}",
        path.display()
    )]
    NotPrivate { path: PathBuf, why: String },
    /// The file holds no Ed25519 public key in PEM.
    #[error(
        "{}: not an Ed25519 public key in PEM (`-----BEGIN PUBLIC KEY-----`, as \
         `cargo xtask conform keygen` writes it): {why}",
        path.display()
    )]
    NotPublic { path: PathBuf, why: String },
    /// The operating system gave no random bytes.
    #[error("no random bytes from the operating system: {0}")]
    Random(String),
    /// A key could not be encoded.
    #[error("encoding the key: {0}")]
    Encode(String),
}

/// A new signing key from the operating system's randomness.
pub fn generate() -> Result<SigningKey, KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    let key = SigningKey::from_bytes(&seed);
    seed.fill(0);
    Ok(key)
}

/// The public key as SPKI PEM.
pub fn public_pem(key: &VerifyingKey) -> Result<String, KeyError> {
    key.to_public_key_pem(LF)
        .map_err(|e| KeyError::Encode(e.to_string()))
}

/// The key's fingerprint: the SHA-256 of its SubjectPublicKeyInfo DER, in hex.
pub fn fingerprint(key: &VerifyingKey) -> String {
    match key.to_public_key_der() {
        Ok(der) => sha256_hex(der.as_bytes()),
        // Encoding 32 bytes in a fixed structure does not fail; the raw key names it then.
        Err(_) => sha256_hex(key.as_bytes()),
    }
}

/// The files `write_pair` wrote, and the fingerprint of the key.
#[derive(Debug)]
pub struct KeyFiles {
    pub private: PathBuf,
    pub public: PathBuf,
    pub fingerprint: String,
}

/// Generates a key pair into `PREFIX.key.pem` (mode 0600) and `PREFIX.pub.pem`, overwriting
/// neither.
pub fn write_pair(prefix: &Path) -> Result<KeyFiles, KeyError> {
    let with = |suffix: &str| {
        let mut name = prefix.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let (private, public) = (with(".key.pem"), with(".pub.pem"));
    for path in [&private, &public] {
        if path.exists() {
            return Err(KeyError::Exists(path.clone()));
        }
    }
    let key = generate()?;
    let private_text = key
        .to_pkcs8_pem(LF)
        .map_err(|e| KeyError::Encode(e.to_string()))?;
    write_new(&private, private_text.as_bytes(), 0o600)?;
    write_new(&public, public_pem(&key.verifying_key())?.as_bytes(), 0o644)?;
    Ok(KeyFiles {
        private,
        public,
        fingerprint: fingerprint(&key.verifying_key()),
    })
}

/// Writes a file that must not exist yet, with `mode` on Unix.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), KeyError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let io = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = options.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists(path.to_owned())
        } else {
            io(source)
        }
    })?;
    file.write_all(bytes).map_err(io)
}

fn read(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Reads a private key (PKCS#8 PEM).
pub fn read_signing(path: &Path) -> Result<SigningKey, KeyError> {
    SigningKey::from_pkcs8_pem(&read(path)?).map_err(|e| KeyError::NotPrivate {
        path: path.to_owned(),
        why: e.to_string(),
    })
}

/// Reads a public key (SPKI PEM).
pub fn read_verifying(path: &Path) -> Result<VerifyingKey, KeyError> {
    parse_verifying(&read(path)?).map_err(|why| KeyError::NotPublic {
        path: path.to_owned(),
        why,
    })
}

/// A public key from its SPKI PEM text.
pub fn parse_verifying(text: &str) -> Result<VerifyingKey, String> {
    VerifyingKey::from_public_key_pem(text).map_err(|e| e.to_string())
}
