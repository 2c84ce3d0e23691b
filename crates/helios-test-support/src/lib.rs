//! Starts the reference intercom on ephemeral loopback ports, HTTP and HTTPS with a fresh
//! self-signed certificate, for the tests of crates that must not depend on the device
//! themselves (the runner speaks HTTP only; this is where it meets the device); and
//! [`browser`], a headless Chromium for tests of pages (the device's `apitest.html`, reports).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub mod browser;

pub use helios_device;
use helios_device::clock::{Clock, ManualClock, SystemClock};
use helios_device::server::{self, Running};
use helios_device::tls::Tls;
use helios_device::{Device, Profile};

/// A running reference intercom.
#[derive(Debug)]
pub struct Reference {
    pub running: Running,
    pub device: Arc<Device>,
    /// `http://127.0.0.1:port`
    pub http: String,
    /// `https://127.0.0.1:port`
    pub https: String,
    /// The certificate it presents, to pin.
    pub cert_pem: String,
}

impl Reference {
    /// The device with `profile` on the machine's clock; `profile.faults` makes it depart from
    /// the manual (`helios_device::faults`), for tests that the runner catches it.
    pub async fn start(profile: Profile) -> Self {
        Self::start_with_clock(profile, Arc::new(SystemClock::new())).await
    }

    /// The device with the default profile on a manual clock that starts at the time of the
    /// manual's first event example; the clock is returned to drive it.
    pub async fn start_manual() -> (Self, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(Duration::from_secs(1_437_987_102)));
        let reference = Self::start_with_clock(Profile::default_profile(), clock.clone()).await;
        (reference, clock)
    }

    pub async fn start_with_clock(profile: Profile, clock: Arc<dyn Clock>) -> Self {
        let tls = Tls::self_signed().expect("a self-signed certificate");
        let cert_pem = tls.cert_pem.clone();
        let device = Device::new(profile, clock);
        let any = SocketAddr::from(([127, 0, 0, 1], 0));
        let running = server::start(device.clone(), Some(any), Some((any, tls)))
            .await
            .expect("the reference intercom starts on loopback");
        let http = format!("http://{}", running.http.expect("an HTTP address"));
        let https = format!("https://{}", running.https.expect("an HTTPS address"));
        Self {
            running,
            device,
            http,
            https,
            cert_pem,
        }
    }

    /// Starts the device's stimulus interface on a free loopback port; returns its URL.
    pub async fn start_stimulus(&self) -> String {
        let any = SocketAddr::from(([127, 0, 0, 1], 0));
        let bound = helios_device::stimulus::serve(self.device.clone(), any)
            .await
            .expect("the stimulus interface starts on loopback");
        format!("http://{bound}")
    }

    pub async fn stop(self) {
        self.running.shutdown().await;
    }
}
