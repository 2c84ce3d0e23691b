//! Running a suite: discovery, then every case in order, one client per login and transport,
//! at most `rate` requests per second, each case judged as it completes.

use std::collections::HashMap;
use std::time::Duration;

use helios_client::{AuthMode, Call, Client, ClientError, Exchange};
use helios_spec::functions::{camera, display, io, log, switch, system};
use helios_spec::{Function, Tier, Transport};
use helios_wire::envelope::Envelope;
use serde_json::Value;

use crate::case::{Case, Login};
use crate::discovery::Discovered;
use crate::generate::cases;
use crate::judge::judge;
use crate::profile::Checked;
use crate::verdict::Verdict;

/// Where the device answers.
#[derive(Clone, Debug)]
pub struct Target {
    pub http: Option<String>,
    pub https: Option<String>,
    /// Accept a self-signed certificate.
    pub insecure: bool,
    /// Pin this certificate (PEM).
    pub ca_pem: Option<Vec<u8>>,
}

/// What the operator chose.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only cases whose id or function path contains this.
    pub only: Option<String>,
    /// Only the case with exactly this id (a replay).
    pub case: Option<String>,
    /// Judge by this firmware generation instead of the one the device reports.
    pub firmware: Option<helios_spec::Version>,
    /// Tiers beyond the profile's.
    pub allow: Vec<Tier>,
    pub rate: Option<u32>,
    pub timeout: Option<Duration>,
}

/// One case's outcome.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub id: String,
    pub function: &'static str,
    pub service: &'static str,
    pub check: &'static str,
    pub verdict: Verdict,
    pub expected: String,
    pub observed: String,
    pub exchanges: Vec<Exchange>,
}

/// The whole run.
#[derive(Debug)]
pub struct Run {
    pub discovered: Discovered,
    pub outcomes: Vec<Outcome>,
}

struct Clients<'a> {
    target: &'a Target,
    profile: &'a Checked,
    timeout: Duration,
    made: HashMap<(Transport, Login), Client>,
}

impl Clients<'_> {
    fn get(&mut self, transport: Transport, login: Login) -> Result<&Client, String> {
        if !self.made.contains_key(&(transport, login)) {
            let base = match transport {
                Transport::Http => self.target.http.as_ref(),
                Transport::Https => self.target.https.as_ref(),
            }
            .ok_or_else(|| format!("no {transport:?} address"))?;
            let mut builder = Client::builder(base)
                .timeout(self.timeout)
                .accept_invalid_certs(self.target.insecure);
            if let Some(pem) = &self.target.ca_pem {
                builder = builder.ca_pem(pem.clone());
            }
            builder = match login {
                Login::Anonymous => builder.auth(AuthMode::None),
                Login::Account(index) | Login::Basic(index) => {
                    let account = self.profile.accounts.get(index).ok_or("no such account")?;
                    builder.credentials(&account.user, &account.password).auth(
                        if matches!(login, Login::Basic(_)) {
                            AuthMode::Basic
                        } else {
                            AuthMode::Auto
                        },
                    )
                }
            };
            let client = builder.build().map_err(|e| e.to_string())?;
            self.made.insert((transport, login), client);
        }
        self.made
            .get(&(transport, login))
            .ok_or_else(|| "no client".into())
    }
}

/// Runs the suite against `target`.
pub async fn run(profile: &Checked, target: &Target, options: &Options) -> Run {
    let timeout = options
        .timeout
        .unwrap_or(Duration::from_secs(profile.timeout_seconds));
    let mut clients = Clients {
        target,
        profile,
        timeout,
        made: HashMap::new(),
    };
    let discovered = discover(&mut clients, profile).await;
    let firmware = options
        .firmware
        .unwrap_or_else(|| discovered.firmware(profile.firmware));
    let mut outcomes = discovery_outcomes(profile, &discovered);
    let rate = options.rate.unwrap_or(profile.rate);
    let pause = (rate > 0).then(|| Duration::from_secs(1) / rate);
    let allowed = |tier: Tier| {
        tier.allowed_by_default() || profile.tiers.contains(&tier) || options.allow.contains(&tier)
    };
    for case in cases(profile, &discovered, firmware, target.http.is_some()) {
        if let Some(only) = &options.only
            && !case.id.contains(only.as_str())
            && !case.function.path.contains(only.as_str())
        {
            continue;
        }
        if options.case.as_ref().is_some_and(|id| *id != case.id) {
            continue;
        }
        let mut outcome = Outcome {
            id: case.id.clone(),
            function: case.function.path,
            service: case.function.service.name(),
            check: case.check,
            verdict: Verdict::Pass,
            expected: case.expect.describe(),
            observed: String::new(),
            exchanges: Vec::new(),
        };
        if let Some(why) = &case.not_applicable {
            outcome.verdict = Verdict::NotApplicable(why.clone());
        } else if !allowed(case.tier) {
            outcome.verdict = Verdict::Skipped(format!(
                "tier {} not allowed (--allow {})",
                case.tier, case.tier
            ));
        } else {
            if let Some(pause) = pause {
                tokio::time::sleep(pause).await;
            }
            match send(&mut clients, &case).await {
                Ok(exchange) => {
                    outcome.verdict = judge(&case, &exchange, firmware);
                    outcome.observed = observed(&exchange);
                    outcome.exchanges.push(exchange);
                }
                Err(error) => {
                    outcome.verdict = Verdict::Inconclusive(error);
                }
            }
        }
        outcomes.push(outcome);
    }
    Run {
        discovered,
        outcomes,
    }
}

async fn send(clients: &mut Clients<'_>, case: &Case) -> Result<Exchange, String> {
    let client = clients.get(case.transport, case.login)?;
    client
        .send(case.call.clone())
        .await
        .map_err(|error| match error {
            ClientError::Transport(why) => format!("the request failed: {why}"),
            other => other.to_string(),
        })
}

/// A short description of what came back.
fn observed(exchange: &Exchange) -> String {
    let response = &exchange.response;
    let media = response.media_type().unwrap_or_default();
    match exchange.envelope() {
        Ok((Envelope::Failure { code, param, .. }, _)) => format!(
            "HTTP {} error {code}{}",
            response.status,
            param.map(|p| format!(" naming {p}")).unwrap_or_default()
        ),
        Ok((Envelope::Success { .. }, _)) => format!("HTTP {} success", response.status),
        Err(_) => format!(
            "HTTP {} {media}, {} bytes",
            response.status,
            response.body.len()
        ),
    }
}

/// The result of a function, read by the full account over the transport its service allows.
async fn fetch(
    clients: &mut Clients<'_>,
    profile: &Checked,
    function: &'static Function,
) -> Result<Value, Option<u64>> {
    let security = profile.security(function.service);
    let transport = if security.transport == Transport::Https || clients.target.http.is_none() {
        Transport::Https
    } else {
        Transport::Http
    };
    let login = profile
        .accounts
        .iter()
        .enumerate()
        .max_by_key(|(_, a)| a.privileges.len())
        .map_or(Login::Anonymous, |(i, _)| Login::Account(i));
    let client = clients.get(transport, login).map_err(|_| None)?;
    let exchange = client.send(Call::new(function)).await.map_err(|_| None)?;
    match exchange.envelope() {
        Ok((
            Envelope::Success {
                result: Some(result),
            },
            _,
        )) => Ok(result),
        Ok((Envelope::Failure { code, .. }, _)) => Err(Some(code)),
        _ => Err(None),
    }
}

/// How discovery reads one caps result.
type Reader = fn(&mut Discovered, &Value);

async fn discover(clients: &mut Clients<'_>, profile: &Checked) -> Discovered {
    let mut found = Discovered::default();
    if let Ok(info) = fetch(clients, profile, &system::info::FUNCTION).await {
        found.read_info(&info);
    }
    let caps: [(&'static Function, Reader); 5] = [
        (&switch::caps::FUNCTION, Discovered::read_switch_caps),
        (&io::caps::FUNCTION, Discovered::read_io_caps),
        (&camera::caps::FUNCTION, Discovered::read_camera_caps),
        (&display::caps::FUNCTION, Discovered::read_display_caps),
        (&log::caps::FUNCTION, Discovered::read_log_caps),
    ];
    for (function, read) in caps {
        match fetch(clients, profile, function).await {
            Ok(result) => read(&mut found, &result),
            Err(Some(1)) => {
                let group = function
                    .path
                    .rsplit_once('/')
                    .map_or(function.path, |(group, _)| group);
                for other in helios_spec::FUNCTIONS
                    .iter()
                    .filter(|f| f.path.starts_with(group))
                {
                    found.unsupported.push(other.path);
                }
            }
            Err(_) => {}
        }
    }
    found
}

/// Discovery's cross-check of the declaration: each mismatch is a case of its own.
fn discovery_outcomes(profile: &Checked, found: &Discovered) -> Vec<Outcome> {
    let outcome = |id: &str, expected: String, observed: Option<&String>| {
        let verdict = match observed {
            None => Verdict::Inconclusive("system/info did not answer".into()),
            Some(seen) if *seen == expected => Verdict::Pass,
            Some(seen) => Verdict::Fail(format!(
                "the device reports {seen:?}, the profile declares {expected:?}"
            )),
        };
        Outcome {
            id: id.to_owned(),
            function: system::info::FUNCTION.path,
            service: system::info::FUNCTION.service.name(),
            check: "discovery",
            verdict,
            expected,
            observed: observed.cloned().unwrap_or_default(),
            exchanges: Vec::new(),
        }
    };
    vec![
        outcome(
            "discovery.variant",
            profile.variant.clone(),
            found.variant.as_ref(),
        ),
        outcome(
            "discovery.firmware",
            profile.firmware_text.clone(),
            found.sw_version.as_ref(),
        ),
    ]
}
