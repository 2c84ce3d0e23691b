//! A device served on loopback with every service on plain HTTP (so that a capture shows the
//! requests), driven by curl as the admin.

use std::path::Path;
use std::process::Command;

use helios_device::Profile;
use helios_device::profile::{AuthName, ServiceName, ServiceSecurity, TransportName};
use helios_spec::Service;

/// A device on loopback with every service on plain HTTP with Digest; HTTPS is served too.
pub struct Served(pub crate::common::Served);

impl Served {
    pub fn start(mut profile: Profile) -> Self {
        for service in Service::ALL {
            profile.services.insert(
                ServiceName(service),
                ServiceSecurity {
                    enabled: true,
                    transport: TransportName::Http,
                    auth: AuthName::Digest,
                },
            );
        }
        Self(crate::common::Served::start(profile, true))
    }

    pub fn http_port(&self) -> u16 {
        self.0.running.http.expect("HTTP").port()
    }

    pub fn https_port(&self) -> u16 {
        self.0.running.https.expect("HTTPS").port()
    }

    /// A request with curl as the admin (Digest: a 401, then the signed request).
    pub fn curl(&self, path: &str, output: Option<&Path>) -> Vec<u8> {
        let url = format!("http://127.0.0.1:{}{path}", self.http_port());
        curl(&url, output)
    }
}

pub fn curl(url: &str, output: Option<&Path>) -> Vec<u8> {
    let mut command = Command::new("curl");
    command.args([
        "-sS",
        "-k",
        "--max-time",
        "10",
        "--digest",
        "-u",
        "admin:2n",
        url,
    ]);
    if let Some(path) = output {
        command.arg("-o").arg(path);
    }
    let result = command
        .output()
        .expect("curl runs (install it: apt-get install curl)");
    assert!(
        result.status.success(),
        "curl {url} failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    result.stdout
}
