//! `cargo xtask conform init`: a declaration drafted from a live device. What the device says
//! of itself is read (`system/info`, discovery's caps functions and `phone/status`); each
//! service's security is probed without credentials, so that no probe is a failed login and
//! the device's login blocking is never approached (the one login with the account given is the
//! preflight's, within the budget of `budget.rs`); the licences are inferred from error 5, the
//! account's privileges hinted at by error 10, each from a function sent so that it cannot act
//! (a reading, or one without its mandatory parameters), `audio/test` alone excepted. Each
//! value is written with how it was found (`write.rs`), and what no request can tell (the
//! account's privileges, the login blocking) is a `TODO` the lab must fill: a run refuses a
//! declaration that still has one.

mod write;

/// The environment variable that holds a user's password (`HELIOS_PASS_ADMIN`): the draft's
/// `password_env`, and what curl lines read.
pub use helios_client::password_variable;

use std::collections::BTreeMap;

use helios_client::{Call, Exchange};
use helios_spec::function::Presence;
use helios_spec::{
    Auth, ErrorCode, Function, Licence, Method, Privilege, Security, Service, Tier, Transport,
    Version,
};
use helios_wire::auth::Challenge;
use helios_wire::envelope::Envelope;
use serde_json::Value;

use crate::case::Login;
use crate::discovery::Discovered;
use crate::options::{Options, Target};
use crate::preflight::{Setup, SetupError};
use crate::profile::{Checked, CheckedAccount, Profile};
use crate::session::Session;

/// A value the draft found, with how; or why it could not (a `TODO`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found<T> {
    Is(T, String),
    Unknown(String),
}

/// One service's security as probed.
#[derive(Clone, Debug)]
pub struct Probed {
    pub enabled: Found<bool>,
    pub transport: Found<Transport>,
    pub auth: Found<Auth>,
}

/// Everything the draft learnt of the device.
#[derive(Debug)]
pub struct Draft {
    /// The address the draft was made from, for its heading.
    pub address: String,
    pub user: String,
    pub info: Option<Value>,
    pub services: BTreeMap<Service, Probed>,
    pub licences: Vec<(Licence, Found<bool>)>,
    /// What each privilege's function answered the account: held, lacking (error 10), or not
    /// told (no function needs it alone, or none answered).
    pub privileges: Vec<(Privilege, Option<bool>)>,
    pub discovered: Discovered,
}

/// Drafts the declaration of the device at `target`, logging in as `user`: its TOML text, or
/// the setup error that kept the draft from reaching the device (exit 4).
pub async fn draft(
    target: &Target,
    user: &str,
    password: &str,
    options: &Options,
) -> Result<String, Setup> {
    let mut declared = probing_profile(user, password)?;
    let (info, services) = {
        let mut session = Session::new(&declared, target, options);
        crate::preflight::check_addresses(target).map_err(Setup::Preflight)?;
        let info = info(&mut session).await;
        if let Some(version) = info
            .as_ref()
            .and_then(|i| i["swVersion"].as_str())
            .and_then(Version::parse)
        {
            session.firmware = version;
        }
        let services = probe_services(&mut session).await;
        (info, services)
    };
    if let Some(version) = info.as_ref().and_then(|i| i["swVersion"].as_str()) {
        declared.firmware = Version::parse(version).unwrap_or(declared.firmware);
    }
    for (service, probed) in &services {
        declared
            .services
            .insert(*service, assumed(*service, probed));
    }
    let mut session = Session::new(&declared, target, options);
    crate::preflight::check(&mut session)
        .await
        .map_err(Setup::Preflight)?;
    session.discover().await;
    let privileges = privileges(&mut session).await;
    let licences = licences(&mut session, &privileges).await;
    let draft = Draft {
        address: target
            .https
            .clone()
            .or_else(|| target.http.clone())
            .unwrap_or_default(),
        user: user.to_owned(),
        info,
        services,
        licences,
        privileges,
        discovered: session.discovered,
    };
    Ok(write::declaration(&draft))
}

/// The profile the draft probes with: the manual's security until probed, every licence, and
/// the one account given, taken to hold every privilege (what it may do is for the lab to say).
/// Everything else is a declaration's defaults.
fn probing_profile(user: &str, password: &str) -> Result<Checked, Setup> {
    let base =
        Profile::parse("[device]\nvariant = \"\"\nfirmware = \"2.21.0.0.1\"\n").map_err(|e| {
            Setup::Preflight(vec![SetupError {
                what: "the draft's own profile".into(),
                cause: e.to_string(),
                fix: "report this as a bug of the runner".into(),
            }])
        })?;
    Ok(Checked {
        licences: Licence::ALL.to_vec(),
        accounts: vec![CheckedAccount {
            user: user.to_owned(),
            password: password.to_owned(),
            privileges: Privilege::all().collect(),
        }],
        ..base
    })
}

/// What the probes found of a service, the manual's default where they could not tell: the
/// security the draft's own requests with credentials go by.
fn assumed(service: Service, probed: &Probed) -> Security {
    let default = service.manual_default();
    Security {
        enabled: or(&probed.enabled, default.enabled),
        transport: or(&probed.transport, default.transport),
        auth: or(&probed.auth, default.auth),
    }
}

fn or<T: Copy>(found: &Found<T>, default: T) -> T {
    match found {
        Found::Is(value, _) => *value,
        Found::Unknown(_) => default,
    }
}

/// `system/info`, which every device answers whatever its access rights (5.1).
async fn info(session: &mut Session<'_>) -> Option<Value> {
    let function = &helios_spec::functions::system::info::FUNCTION;
    for transport in [Transport::Https, Transport::Http] {
        if let Ok(exchange) = session
            .send(transport, Login::Anonymous, Call::new(function))
            .await
            && let Ok((Envelope::Success { result }, _)) = exchange.envelope()
        {
            return result;
        }
    }
    None
}

/// The function a service is probed with: one the firmware has whose `GET` reads only, or else
/// one with a mandatory parameter (sent without it, the device refuses it before it acts),
/// or else the service's first.
fn probe_function(service: Service, firmware: Version) -> Option<&'static Function> {
    let of_service = || {
        helios_spec::FUNCTIONS
            .iter()
            .copied()
            .filter(move |f| f.service == service && f.origin.present_in(firmware))
            .filter(|f| f.tier(Method::Get).is_some())
            // A function open to all (system/info) answers whatever the service's security.
            .filter(|f| !matches!(f.access, helios_spec::Access::Open { .. }))
    };
    let mandatory = |f: &&Function| f.params.iter().any(|p| p.presence == Presence::Mandatory);
    of_service()
        .find(|f| f.tier(Method::Get) == Some(Tier::ReadOnly) && !mandatory(f))
        .or_else(|| of_service().find(mandatory))
        .or_else(|| of_service().next())
}

/// Each service probed without credentials: over HTTPS for whether it is enabled and how it
/// authenticates, over plain HTTP for whether it requires HTTPS.
async fn probe_services(session: &mut Session<'_>) -> BTreeMap<Service, Probed> {
    let mut services = BTreeMap::new();
    for service in Service::ALL {
        let probed = match probe_function(service, session.firmware) {
            Some(function) => probe_service(session, function).await,
            None => {
                let why = format!(
                    "firmware {} has no function of this service",
                    session.firmware
                );
                Probed {
                    enabled: Found::Unknown(why.clone()),
                    transport: Found::Unknown(why.clone()),
                    auth: Found::Unknown(why),
                }
            }
        };
        services.insert(service, probed);
    }
    services
}

/// What an anonymous request answered: its error code, or none for a success.
fn answer(exchange: &Exchange) -> Result<Option<u64>, String> {
    match exchange.envelope() {
        Ok((Envelope::Success { .. }, _)) => Ok(None),
        Ok((Envelope::Failure { code, .. }, _)) => Ok(Some(code)),
        Err(_) if exchange.response.status == ErrorCode::AuthRequired.http_status() => {
            Ok(Some(u64::from(ErrorCode::AuthRequired.code())))
        }
        Err(error) => Err(format!("no reply the draft could read ({error})")),
    }
}

fn code(error: ErrorCode) -> Option<u64> {
    Some(u64::from(error.code()))
}

/// One service: `function` sent without credentials over each transport the target has.
async fn probe_service(session: &mut Session<'_>, function: &'static Function) -> Probed {
    let path = function.path;
    let mut probed = Probed {
        enabled: Found::Unknown(format!("{path} did not answer")),
        transport: Found::Unknown(format!(
            "no plain-HTTP address was given (--http): whether {path} requires HTTPS is unknown"
        )),
        auth: Found::Unknown(format!("{path} did not answer over HTTPS")),
    };
    for transport in [Transport::Https, Transport::Http] {
        let Ok(exchange) = session
            .send(transport, Login::Anonymous, Call::new(function))
            .await
        else {
            continue;
        };
        let over = match transport {
            Transport::Https => "over HTTPS",
            Transport::Http => "over plain HTTP",
        };
        let said = match answer(&exchange) {
            Ok(None) => "success".to_owned(),
            Ok(Some(code)) => format!("error {code}"),
            Err(why) => {
                probed.enabled = Found::Unknown(format!("{path} {over}: {why}"));
                continue;
            }
        };
        let how = format!("{path} without credentials {over} answered {said}");
        let answered = answer(&exchange).ok().flatten();
        if answered == code(ErrorCode::Disabled) {
            probed.enabled = Found::Is(false, how);
            // What a disabled service would require, nothing tells; the run only sees error 4.
            let default = function.service.manual_default();
            let why = "the service is disabled: the manual's default, unprobed".to_owned();
            probed.transport = Found::Is(default.transport, why.clone());
            probed.auth = Found::Is(default.auth, why);
            return probed;
        }
        if matches!(probed.enabled, Found::Unknown(_)) {
            probed.enabled = Found::Is(true, how.clone());
        }
        let auth = auth(&exchange, answered);
        let challenged = match auth {
            Auth::None => how.clone(),
            Auth::Basic => format!("{how}, its challenges offering Basic"),
            Auth::Digest => format!("{how}, its challenges offering Digest only"),
        };
        match transport {
            Transport::Https => probed.auth = Found::Is(auth, challenged),
            Transport::Http if answered == code(ErrorCode::InvalidConnection) => {
                probed.transport = Found::Is(Transport::Https, how);
            }
            Transport::Http => {
                probed.transport = Found::Is(Transport::Http, how.clone());
                if matches!(probed.auth, Found::Unknown(_)) {
                    probed.auth = Found::Is(auth, challenged);
                }
            }
        }
    }
    probed
}

/// How a service authenticates, from an anonymous request's answer: a 401 that offers Basic
/// allows Basic (and Digest), one that offers Digest alone requires Digest, anything else
/// asked for no credentials.
fn auth(exchange: &Exchange, answered: Option<u64>) -> Auth {
    if answered != code(ErrorCode::AuthRequired) {
        return Auth::None;
    }
    let headers: Vec<&str> = exchange
        .response
        .headers_named("WWW-Authenticate")
        .collect();
    let basic = helios_wire::auth::parse_challenges(&headers).is_ok_and(|(challenges, _)| {
        challenges
            .iter()
            .any(|c| matches!(c, Challenge::Basic { .. }))
    });
    if basic { Auth::Basic } else { Auth::Digest }
}

/// Each licence, from what a function that needs it answers the account given: error 5 says
/// it is missing; a success, or an error the device checks after the licence (a missing
/// parameter), says it is there.
async fn licences(
    session: &mut Session<'_>,
    privileges: &[(Privilege, Option<bool>)],
) -> Vec<(Licence, Found<bool>)> {
    // A function whose privilege the account lacks answers 10, which tells nothing.
    let lacking = |f: &Function| {
        f.access
            .privilege()
            .is_some_and(|p| privileges.contains(&(p, Some(false))))
    };
    let mut found: Vec<(Licence, Found<bool>)> = Vec::new();
    for licence in Licence::ALL {
        let known: Vec<Licence> = found
            .iter()
            .filter(|(_, f)| matches!(f, Found::Is(true, _)))
            .map(|(l, _)| *l)
            .collect();
        let mut candidates: Vec<&'static Function> = helios_spec::FUNCTIONS
            .iter()
            .copied()
            .filter(|f| f.licences.contains(&licence))
            .filter(|f| {
                f.licences
                    .iter()
                    .all(|l| *l == licence || known.contains(l))
            })
            .filter(|f| session.profile.security(f.service).enabled && !lacking(f))
            .filter(|f| f.origin.present_in(session.firmware))
            .filter(|f| matches!(f.tier(Method::Get), Some(Tier::ReadOnly | Tier::Reversible)))
            .collect();
        // The least disruptive first: a reading, then a function refused for a missing
        // parameter before it acts, and only then one that acts (audio/test, a loop test).
        candidates.sort_by_key(|f| {
            let mandatory = f.params.iter().any(|p| p.presence == Presence::Mandatory);
            (f.tier(Method::Get) != Some(Tier::ReadOnly), !mandatory)
        });
        let mut result = Found::Unknown(format!(
            "no function that needs the {} licence answered error 5 or without it",
            licence.name()
        ));
        for function in candidates.into_iter().take(4) {
            if let Some(is) = licensed(session, function).await {
                result = is;
                break;
            }
        }
        found.push((licence, result));
    }
    found
}

/// One function sent with the account: whether it tells the licence.
async fn licensed(session: &mut Session<'_>, function: &'static Function) -> Option<Found<bool>> {
    let transport = session.transport_for(function);
    let exchange = session
        .send(transport, Login::Account(0), Call::new(function))
        .await
        .ok()?;
    let path = function.path;
    match answer(&exchange).ok()? {
        None => Some(Found::Is(true, format!("{path} answered success"))),
        Some(c) if Some(c) == code(ErrorCode::Licensed) => {
            Some(Found::Is(false, format!("{path} answered error 5")))
        }
        Some(c)
            if Some(c) == code(ErrorCode::MissingParameter)
                || Some(c) == code(ErrorCode::InvalidParameter) =>
        {
            Some(Found::Is(
                true,
                format!("{path} went on to check its parameters (error {c}), past the licence"),
            ))
        }
        Some(_) => None,
    }
}

/// Each privilege of the account, from a function that needs it alone: error 10 says it lacks
/// it; an answer past the privilege check (a success, a missing parameter) says it holds it. A
/// function that acts is sent without its mandatory parameters, so that it is refused before it
/// acts; none that would act is sent otherwise. Uid and Keypad need no function: not told.
async fn privileges(session: &mut Session<'_>) -> Vec<(Privilege, Option<bool>)> {
    let mut found = Vec::new();
    for privilege in Privilege::all() {
        let mandatory = |f: &Function| f.params.iter().any(|p| p.presence == Presence::Mandatory);
        let harmless = |f: &Function| f.tier(Method::Get) == Some(Tier::ReadOnly) || mandatory(f);
        let candidates: Vec<&'static Function> = helios_spec::FUNCTIONS
            .iter()
            .copied()
            .filter(|f| f.access == helios_spec::Access::Privilege(privilege))
            .filter(|f| harmless(f) && session.unavailable(f).is_none())
            .take(2)
            .collect();
        let mut held = None;
        for function in candidates {
            let transport = session.transport_for(function);
            let Ok(exchange) = session
                .send(transport, Login::Account(0), Call::new(function))
                .await
            else {
                continue;
            };
            held = match answer(&exchange) {
                Ok(Some(c)) if Some(c) == code(ErrorCode::InsufficientPrivileges) => Some(false),
                Ok(None) => Some(true),
                Ok(Some(c))
                    if Some(c) == code(ErrorCode::MissingParameter)
                        || Some(c) == code(ErrorCode::InvalidParameter)
                        || Some(c) == code(ErrorCode::ProcessingError) =>
                {
                    Some(true)
                }
                _ => None,
            };
            if held.is_some() {
                break;
            }
        }
        found.push((privilege, held));
    }
    found
}
