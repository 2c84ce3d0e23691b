//! The HTTPS side: rustls with the aws-lc-rs provider, and a self-signed certificate made at
//! start (rcgen) unless the operator gives one, as a factory-fresh device has.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// A server configuration and the certificate it presents, in PEM, for clients that pin it.
#[derive(Clone, Debug)]
pub struct Tls {
    pub config: Arc<ServerConfig>,
    pub cert_pem: String,
}

impl Tls {
    /// A fresh self-signed certificate for `localhost`, `127.0.0.1` and `::1`.
    pub fn self_signed() -> Result<Self> {
        let names = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
        let certified = rcgen::generate_simple_self_signed(names)
            .context("generating a self-signed certificate")?;
        let cert_pem = certified.cert.pem();
        let key = PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
        Self::new(vec![certified.cert.der().clone()], key, cert_pem)
    }

    /// The certificate chain and key of two PEM files.
    pub fn load(cert: &Path, key: &Path) -> Result<Self> {
        let cert_pem =
            std::fs::read_to_string(cert).with_context(|| format!("reading {}", cert.display()))?;
        let chain = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("reading certificates from {}", cert.display()))?;
        let key = PrivateKeyDer::from_pem_file(key)
            .with_context(|| format!("reading a private key from {}", key.display()))?;
        Self::new(chain, key, cert_pem)
    }

    fn new(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        cert_pem: String,
    ) -> Result<Self> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("choosing TLS versions")?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .context("using the certificate")?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            config: Arc::new(config),
            cert_pem,
        })
    }
}
