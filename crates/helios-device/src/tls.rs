//! The HTTPS side: rustls with the aws-lc-rs provider, and a self-signed certificate made at
//! start (rcgen) unless the operator gives one, as a factory-fresh device has.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Why the HTTPS side could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("generating a self-signed certificate")]
    Generate(#[source] rcgen::Error),
    #[error("reading {}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("reading certificates from {}", .path.display())]
    Certificates {
        path: PathBuf,
        #[source]
        source: pem::Error,
    },
    #[error("reading a private key from {}", .path.display())]
    Key {
        path: PathBuf,
        #[source]
        source: pem::Error,
    },
    #[error("choosing TLS versions")]
    Versions(#[source] rustls::Error),
    #[error("using the certificate")]
    Certificate(#[source] rustls::Error),
}

/// The self-signed certificate's files in a state directory ([`Tls::kept_in`]).
pub const KEPT_CERT: &str = "tls-cert.pem";
pub const KEPT_KEY: &str = "tls-key.pem";

/// A server configuration and the certificate it presents, in PEM, for clients that pin it.
#[derive(Clone, Debug)]
pub struct Tls {
    pub config: Arc<ServerConfig>,
    pub cert_pem: String,
}

impl Tls {
    /// A fresh self-signed certificate for `localhost`, `127.0.0.1` and `::1`.
    pub fn self_signed() -> Result<Self, TlsError> {
        let names = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
        let certified = rcgen::generate_simple_self_signed(names).map_err(TlsError::Generate)?;
        let cert_pem = certified.cert.pem();
        let key = PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
        Self::new(vec![certified.cert.der().clone()], key, cert_pem)
    }

    /// The self-signed certificate kept in the state directory `dir` (`tls-cert.pem`,
    /// `tls-key.pem`), so that clients that pinned it keep trusting the device across restarts;
    /// made and kept there (the key readable by its owner only) the first time.
    pub fn kept_in(dir: &Path) -> Result<Self, TlsError> {
        let (cert, key) = (dir.join(KEPT_CERT), dir.join(KEPT_KEY));
        if cert.is_file() && key.is_file() {
            return Self::load(&cert, &key);
        }
        let names = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
        let certified = rcgen::generate_simple_self_signed(names).map_err(TlsError::Generate)?;
        let write = |path: &Path, text: String, private: bool| {
            use std::io::Write as _;
            use std::os::unix::fs::OpenOptionsExt as _;
            std::fs::create_dir_all(dir)
                .and_then(|()| {
                    std::fs::OpenOptions::new()
                        .write(true)
                        .create(true)
                        .truncate(true)
                        .mode(if private { 0o600 } else { 0o644 })
                        .open(path)
                })
                .and_then(|mut file| file.write_all(text.as_bytes()))
                .map_err(|source| TlsError::Read {
                    path: path.to_owned(),
                    source,
                })
        };
        write(&key, certified.signing_key.serialize_pem(), true)?;
        write(&cert, certified.cert.pem(), false)?;
        Self::load(&cert, &key)
    }

    /// The certificate chain and key of two PEM files.
    pub fn load(cert: &Path, key: &Path) -> Result<Self, TlsError> {
        let cert_pem = std::fs::read_to_string(cert).map_err(|source| TlsError::Read {
            path: cert.to_owned(),
            source,
        })?;
        let chain = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| TlsError::Certificates {
                path: cert.to_owned(),
                source,
            })?;
        let key = PrivateKeyDer::from_pem_file(key).map_err(|source| TlsError::Key {
            path: key.to_owned(),
            source,
        })?;
        Self::new(chain, key, cert_pem)
    }

    fn new(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        cert_pem: String,
    ) -> Result<Self, TlsError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Versions)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(TlsError::Certificate)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            config: Arc::new(config),
            cert_pem,
        })
    }
}
