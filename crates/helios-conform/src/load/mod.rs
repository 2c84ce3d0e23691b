//! Load mode: what a device delivers. Snapshot latency percentiles and throughput at each
//! resolution `camera/caps` lists, the MJPEG rate achieved against the rate requested, and event
//! latency from `switch/ctrl` to the `SwitchStateChanged` record in a waiting `log/pull`.
//!
//! Requests are paced open-loop ([`pacing`]): each is due at a fixed time whatever happened to
//! the ones before, and its latency counts from that time, so that a slow reply delays no later
//! request and hides no queueing (no coordinated omission). The rate is the operator's
//! `--rate`, else the profile's limit, else [`DEFAULT_RATE`].
//!
//! Like the suite, it speaks HTTP only through `helios-client`, and it changes nothing the
//! profile's tiers do not allow: the event phase toggles a switch (a reversible action) and
//! puts it back.

pub mod events;
pub mod mjpeg;
pub mod pacing;
pub mod report;
pub mod snapshot;

use std::sync::Arc;
use std::time::Duration;

use helios_client::{AuthMode, Call, Client, ClientError};
use helios_spec::functions::{camera, switch};
use helios_spec::{Auth, Function, Group, Privilege, Transport};
use helios_wire::envelope::{Envelope, ReadError};
use helios_wire::event::EventError;
use serde_json::Value;

use crate::discovery::Discovered;
use crate::options::Target;
use crate::profile::Checked;
pub use report::{EventFigures, LoadReport, Percentiles, SnapshotFigures, StreamFigures};

/// Requests per second when neither the operator nor the profile sets a rate.
pub const DEFAULT_RATE: u32 = 20;

/// What the operator chose.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// How long each measurement runs: each resolution's snapshots, the streams, the events.
    pub duration: Duration,
    /// Requests per second; overrides the profile's limit when given.
    pub rate: Option<u32>,
    pub timeout: Option<Duration>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            duration: Duration::from_secs(5),
            rate: None,
            timeout: None,
        }
    }
}

/// The rate used, and where it came from.
pub fn rate(profile: &Checked, options: &LoadOptions) -> (u32, &'static str) {
    match options.rate {
        Some(rate) => (rate.max(1), "--rate"),
        None if profile.rate > 0 => (profile.rate, "the profile's limit"),
        None => (DEFAULT_RATE, "the default"),
    }
}

/// Why a measurement has no client or no result: one of the report's notes.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The target has neither address.
    #[error("the target has no address")]
    NoAddress,
    /// No account of the profile may call the function.
    #[error("the profile has no account for {function} of the {service} service")]
    NoAccount {
        function: &'static str,
        service: &'static str,
    },
    /// The client could not be built, or the request got no reply.
    #[error("{0}")]
    Client(#[from] ClientError),
    /// The device refused the call with this error code.
    #[error("error {0}")]
    Refused(u64),
    /// The reply is no JSON envelope.
    #[error("HTTP {status}: {error}")]
    Unreadable {
        status: u16,
        #[source]
        error: ReadError,
    },
    /// The event records of a pull cannot be read.
    #[error("{0}")]
    Events(#[from] EventError),
    /// A reply that does not say what the measurement needs.
    #[error("{0}")]
    Answer(String),
}

/// Clients of one device, one per function, each with the login and transport its service asks.
pub(crate) struct Clients<'a> {
    target: &'a Target,
    profile: &'a Checked,
    timeout: Duration,
}

impl Clients<'_> {
    /// A client for `function`, logged in as an account that holds `privilege` (if the service
    /// asks for authentication). Exchanges are not logged: a load run makes thousands.
    /// A client for `function` as an account with the monitoring privilege of `group`, or
    /// `None` with the reason among the report's notes.
    pub(crate) fn monitoring(
        &self,
        function: &Function,
        group: Group,
        report: &mut LoadReport,
    ) -> Option<Arc<Client>> {
        self.for_function(function, Some(Privilege::monitoring(group)))
            .map_err(|why| report.notes.push(why.to_string()))
            .ok()
    }

    pub(crate) fn for_function(
        &self,
        function: &Function,
        privilege: Option<Privilege>,
    ) -> Result<Arc<Client>, LoadError> {
        let security = self.profile.security(function.service);
        let base = match (security.transport, &self.target.http, &self.target.https) {
            (Transport::Http, Some(http), _) => http,
            (_, _, Some(https)) => https,
            (_, Some(http), None) => http,
            (_, None, None) => return Err(LoadError::NoAddress),
        };
        let mut builder = Client::builder(base)
            .timeout(self.timeout)
            .accept_invalid_certs(self.target.insecure)
            .keep_log(false);
        if let Some(pem) = &self.target.ca_pem {
            builder = builder.ca_pem(pem.clone());
        }
        builder = match security.auth {
            Auth::None => builder.auth(AuthMode::None),
            Auth::Basic | Auth::Digest => {
                let account = match privilege {
                    Some(privilege) => self.profile.accounts.iter().find(|a| a.holds(privilege)),
                    None => self.profile.full_account(),
                }
                .ok_or(LoadError::NoAccount {
                    function: function.path,
                    service: function.service.name(),
                })?;
                builder
                    .credentials(&account.user, &account.password)
                    .auth(AuthMode::Auto)
            }
        };
        Ok(Arc::new(builder.build()?))
    }
}

/// The `result` of a call that succeeded, or why there is none.
pub(crate) async fn result(client: &Client, call: Call) -> Result<Value, LoadError> {
    let exchange = client.send(call).await?;
    match exchange.envelope() {
        Ok((Envelope::Success { result }, _)) => Ok(result.unwrap_or(Value::Null)),
        Ok((Envelope::Failure { code, .. }, _)) => Err(LoadError::Refused(code)),
        Err(error) => Err(LoadError::Unreadable {
            status: exchange.response.status,
            error,
        }),
    }
}

/// The result of a `caps` function, or `None` with the reason among the report's notes (and
/// that the `figures` measured from it are left out).
async fn caps(
    clients: &Clients<'_>,
    function: &'static Function,
    group: Group,
    figures: &str,
    report: &mut LoadReport,
) -> Option<Value> {
    let client = clients.monitoring(function, group, report)?;
    result(&client, Call::new(function))
        .await
        .map_err(|why| {
            report.notes.push(format!(
                "{}: {why}: no {figures} figures",
                function.short_path()
            ));
        })
        .ok()
}

/// Runs every measurement against `target`.
pub async fn run(profile: &Checked, target: &Target, options: &LoadOptions) -> LoadReport {
    let (rate, rate_source) = rate(profile, options);
    let clients = Clients {
        target,
        profile,
        timeout: options
            .timeout
            .unwrap_or(Duration::from_secs(profile.timeout_seconds)),
    };
    let mut report = LoadReport {
        rate,
        rate_source,
        duration: options.duration,
        ..LoadReport::default()
    };
    let mut found = Discovered::default();
    if let Some(caps) = caps(
        &clients,
        &camera::caps::FUNCTION,
        Group::Camera,
        "camera",
        &mut report,
    )
    .await
    {
        found.read_camera_caps(&caps);
    }
    if let Some(caps) = caps(
        &clients,
        &switch::caps::FUNCTION,
        Group::Switch,
        "event",
        &mut report,
    )
    .await
    {
        found.read_switch_caps(&caps);
    }
    if !found.resolutions.is_empty() {
        snapshot::measure(&clients, &found, rate, options.duration, &mut report).await;
        mjpeg::measure(&clients, &found, options.duration, &mut report).await;
    }
    if !found.switches.is_empty() {
        events::measure(
            &clients,
            profile,
            &found,
            rate,
            options.duration,
            &mut report,
        )
        .await;
    }
    report
}
