//! The preflight: before any case, the runner checks what a run depends on and the lab
//! controls — the device's addresses, that each answers (TCP, then TLS with `--ca` or
//! `--insecure`), that `system/info` answers, and that each account of the profile logs in.
//! Anything that fails here is a setup error (exit 4): no case runs and nothing is charged to
//! the device. Each error names what failed, the system's own message, and the profile key or
//! flag to fix.

use std::fmt;
use std::time::Duration;

use helios_client::Call;
use helios_spec::functions::system;
use helios_spec::{Auth, ErrorCode, Function, Method, Tier, Transport};
use helios_wire::envelope::Envelope;

use crate::case::Login;
use crate::options::Target;
use crate::session::Session;

/// One thing the run depends on that does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupError {
    /// What was checked: "the HTTPS address `https://…`", "account `viewer`".
    pub what: String,
    /// What went wrong, with the system's own message.
    pub cause: String,
    /// The profile key or command-line flag to fix.
    pub fix: String,
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}\n  fix: {}", self.what, self.cause, self.fix)
    }
}

/// Why a run did not judge the device, or stopped judging it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setup {
    /// The preflight failed: no case ran.
    Preflight(Vec<SetupError>),
    /// The device stopped answering in the middle of the run; the cases after `during` were
    /// not run.
    Stalled {
        /// Why the session took the device to have stopped.
        why: String,
        /// The last case that got an answer from the device.
        last_answered: Option<String>,
        /// The case (or group) being run when it stopped.
        during: String,
    },
}

impl fmt::Display for Setup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Preflight(errors) => {
                writeln!(
                    f,
                    "SETUP ERROR: the run could not start; nothing was judged (exit 4)"
                )?;
                for error in errors {
                    writeln!(f, "- {error}")?;
                }
                Ok(())
            }
            Self::Stalled {
                why,
                last_answered,
                during,
            } => {
                writeln!(
                    f,
                    "SETUP ERROR: the device stopped answering during {during}; the cases after it \
                     were not run (exit 4)"
                )?;
                writeln!(f, "- {why}")?;
                match last_answered {
                    Some(id) => writeln!(f, "- the last case that got an answer: {id}")?,
                    None => writeln!(f, "- no case got an answer")?,
                }
                writeln!(
                    f,
                    "  fix: check the device is powered and reachable (did it restart or lose \
                     its network?), then run again; --stall-after N sets how many requests in a \
                     row may go unanswered"
                )
            }
        }
    }
}

/// Checks the addresses of `target` without sending anything: each parses as a URL whose
/// scheme is the one its slot expects.
pub fn check_addresses(target: &Target) -> Result<(), Vec<SetupError>> {
    let mut errors = Vec::new();
    let slots = [
        (target.http.as_deref(), "http", "the plain-HTTP address"),
        (target.https.as_deref(), "https", "the HTTPS address"),
    ];
    if slots.iter().all(|(address, _, _)| address.is_none()) {
        errors.push(SetupError {
            what: "the device".into(),
            cause: "no address was given".into(),
            fix: "give the device's URL, e.g. https://192.0.2.10 (and --http http://192.0.2.10 \
                  for its plain-HTTP address)"
                .into(),
        });
    }
    for (address, scheme, name) in slots {
        let Some(address) = address else { continue };
        let what = format!("{name} `{address}`");
        let fix = "give the device as http://HOST[:PORT] or https://HOST[:PORT] (the device URL; \
                   --http for its plain-HTTP address)";
        match url::Url::parse(address) {
            Err(error) => errors.push(SetupError {
                what,
                cause: format!("not a URL: {error}"),
                fix: fix.into(),
            }),
            Ok(url) if url.scheme() != scheme => errors.push(SetupError {
                what,
                cause: format!("the scheme is `{}`, not {scheme}", url.scheme()),
                fix: fix.into(),
            }),
            Ok(url) if url.host().is_none() => errors.push(SetupError {
                what,
                cause: "the URL names no host".into(),
                fix: fix.into(),
            }),
            Ok(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The whole preflight, through `session` so that its requests are paced and its failed logins
/// counted against the budget.
pub async fn check(session: &mut Session<'_>) -> Result<(), Vec<SetupError>> {
    check_addresses(session.target)?;
    let mut errors = Vec::new();
    let mut answered = Vec::new();
    for transport in [Transport::Http, Transport::Https] {
        let Some(address) = address(session.target, transport) else {
            continue;
        };
        match reach(session, transport, address).await {
            Ok(()) => answered.push(transport),
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for (index, account) in session.profile.accounts.iter().enumerate() {
        if let Err(error) = log_in(session, index, &answered).await {
            errors.push(SetupError {
                what: format!("account `{}`", account.user),
                ..error
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn address(target: &Target, transport: Transport) -> Option<&str> {
    match transport {
        Transport::Http => target.http.as_deref(),
        Transport::Https => target.https.as_deref(),
    }
}

/// One address: TCP, then `system/info` over it (TLS included), which every device answers
/// whatever its access rights (5.1).
async fn reach(
    session: &mut Session<'_>,
    transport: Transport,
    address: &str,
) -> Result<(), SetupError> {
    let name = match transport {
        Transport::Http => "the plain-HTTP address",
        Transport::Https => "the HTTPS address",
    };
    let what = format!("{name} `{address}`");
    let timeout = session.timeout;
    if let Err(cause) = connect(address, timeout).await {
        return Err(SetupError {
            what,
            cause,
            fix: "check that the device is on and reachable from this machine at that host and \
                  port, and that the URL (or --http) is its address"
                .into(),
        });
    }
    let sent = session
        .send(
            transport,
            Login::Anonymous,
            Call::new(&system::info::FUNCTION),
        )
        .await;
    let exchange = match sent {
        Ok(exchange) => exchange,
        Err(cause) => {
            return Err(SetupError {
                what,
                fix: unanswered_fix(transport, &cause.to_string(), timeout),
                cause: format!("system/info got no answer: {cause}"),
            });
        }
    };
    // A reply the device labels JSON is the device's to answer for, case by case; anything
    // else (an HTML page, a 404) says the address is not the intercom's API.
    let json = exchange
        .response
        .media_type()
        .is_some_and(|media| media.eq_ignore_ascii_case("application/json"));
    if exchange.envelope().is_ok() || json {
        return Ok(());
    }
    Err(SetupError {
        what,
        cause: format!(
            "system/info answered HTTP {} {}, {} bytes, not the API's JSON reply",
            exchange.response.status,
            exchange
                .response
                .media_type()
                .unwrap_or_else(|| "without a content type".into()),
            exchange.response.body.len()
        ),
        fix: "check that the URL is the intercom's address (its HTTP API answers \
              /api/system/info with JSON, 5.1)"
            .into(),
    })
}

/// What to fix when `system/info` got no answer over a connection the device accepted: the
/// certificate, the timeout, or the URL.
fn unanswered_fix(transport: Transport, cause: &str, timeout: Duration) -> String {
    let tls = transport == Transport::Https
        && ["certificate", "tls", "handshake", "cert", "unknownissuer"]
            .iter()
            .any(|word| cause.to_ascii_lowercase().contains(word));
    if tls {
        "the TLS handshake failed: give the device's certificate with --ca FILE (PEM), or \
         --insecure to accept a self-signed one"
            .to_owned()
    } else if cause.contains("timed out") || cause.contains("timeout") {
        format!(
            "the device accepted the connection but did not answer system/info within {} s: \
             check the URL is the device's HTTP API (and the scheme, http or https), or raise \
             --timeout / [run] timeout_seconds",
            timeout.as_secs()
        )
    } else {
        "check the URL's scheme (http or https) and port: the device accepted the connection \
         but no HTTP reply came back"
            .to_owned()
    }
}

/// A TCP connection to the URL's host and port, within `timeout`.
async fn connect(address: &str, timeout: Duration) -> Result<(), String> {
    let url = url::Url::parse(address).map_err(|e| e.to_string())?;
    let host = url.host_str().ok_or("no host")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().ok_or("no port")?;
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect((host, port))).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(format!("TCP connection to {host}:{port} failed: {error}")),
        Err(_) => Err(format!(
            "TCP connection to {host}:{port} timed out after {} s",
            timeout.as_secs()
        )),
    }
}

/// The functions an account can log in on: read-only, without mandatory parameters, on an
/// enabled service that authenticates and is reachable, whose privilege the account holds and
/// whose licences the device has. Those that need a privilege come first (a refused login
/// cannot be mistaken for a missing privilege), one per service, at most two.
fn login_functions(
    session: &Session<'_>,
    index: usize,
    answered: &[Transport],
) -> Vec<&'static Function> {
    let profile = session.profile;
    let account = &profile.accounts[index];
    let mut found: Vec<&'static Function> = helios_spec::FUNCTIONS
        .iter()
        .copied()
        .filter(|function| {
            let security = profile.security(function.service);
            security.enabled
                && security.auth != Auth::None
                && answered.contains(&session.transport_for(function))
                && function.tier(Method::Get) == Some(Tier::ReadOnly)
                && function.origin.present_in(profile.firmware)
                && function.licences.iter().all(|l| profile.has_licence(*l))
                && !function
                    .params
                    .iter()
                    .any(|p| matches!(p.presence, helios_spec::function::Presence::Mandatory))
                && !matches!(function.access, helios_spec::Access::Open { .. })
                && function.access.privilege().is_none_or(|p| account.holds(p))
        })
        .collect();
    found.sort_by_key(|function| function.access.privilege().is_none());
    let mut services = Vec::new();
    found.retain(|function| {
        let first = !services.contains(&function.service);
        services.push(function.service);
        first
    });
    found.truncate(2);
    found
}

/// One account logs in: the password is right when some function answers anything but a
/// refusal of the credentials. A second function is tried (another service) when the first
/// refuses and the login budget allows one more failure, so that a device that refuses only on
/// one function is judged case by case rather than taken for a wrong password.
async fn log_in(
    session: &mut Session<'_>,
    index: usize,
    answered: &[Transport],
) -> Result<(), SetupError> {
    let functions = login_functions(session, index, answered);
    if functions.is_empty() {
        // No service authenticates over a reachable transport: nothing can refuse the password.
        return Ok(());
    }
    let refused = u64::from(ErrorCode::AuthRequired.code());
    let mut tried = Vec::new();
    for (attempt, function) in functions.into_iter().enumerate() {
        if attempt > 0 && !session.login_budget_left() {
            break;
        }
        let transport = session.transport_for(function);
        let exchange = session
            .send(transport, Login::Account(index), Call::new(function))
            .await
            .map_err(|cause| SetupError {
                what: String::new(),
                cause: format!("{} got no answer: {cause}", function.path),
                fix: "check the device is reachable".into(),
            })?;
        let code = match exchange.envelope() {
            Ok((Envelope::Failure { code, .. }, _)) => Some(code),
            _ => None,
        };
        if exchange.response.status != ErrorCode::AuthRequired.http_status()
            && code != Some(refused)
        {
            return Ok(());
        }
        tried.push(function.path);
    }
    let user = &session.profile.accounts[index].user;
    Err(SetupError {
        what: String::new(),
        cause: format!(
            "the device refused the password (error {refused}, HTTP 401) on {}",
            tried.join(" and ")
        ),
        fix: format!(
            "check `[[accounts]] password` for user `{user}` in the profile (or the device has \
             blocked this address after failed logins: wait for `[logins] window_seconds` and \
             run again)"
        ),
    })
}
