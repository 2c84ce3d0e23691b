//! From an uploaded configuration document to the profile it makes: every value the device
//! knows is checked against its domain, and the whole document is refused at the first value
//! that is wrong, so that an upload takes effect whole or not at all. Known elements the document
//! leaves out keep their current values; elements the device does not know are not read here.

use std::ops::RangeInclusive;

use helios_spec::{MAX_ACCOUNTS, Service};
use helios_wire::config_xml::Document;

use super::Invalid;
use super::at::At;
use super::names::{self, AUTH_NAMES, TRANSPORT_NAMES};
use crate::profile::{
    Account, Accounts, Profile, ServiceName, ServiceSecurity, SwitchMode, SwitchType,
};

/// The seconds a monostable switch may stay on.
pub const SWITCH_DURATION: RangeInclusive<i64> = 1..=3600;
/// Minutes east of UTC.
pub const TZ_SHIFT: RangeInclusive<i64> = -720..=840;

/// The profile `document` makes of `base`.
pub(crate) fn overlay(base: &Profile, document: &Document) -> Result<Profile, Invalid> {
    document
        .version()
        .map_err(|error| Invalid(error.to_string()))?;
    let mut profile = base.clone();
    let root = At {
        element: &document.root,
        path: String::new(),
    };
    if let Some(device) = root.child("Device") {
        if let Some(name) = device.text("Name")? {
            profile.device.device_name = name;
        }
        if let Some(shift) = device.number("TimeZoneShift", TZ_SHIFT)? {
            profile.device.tz_shift = i32::try_from(shift).unwrap_or_default();
        }
    }
    if let Some(network) = root.child("Network") {
        network.flag("DhcpEnabled")?;
        for name in ["IpAddress", "SubnetMask", "Gateway", "PrimaryDns"] {
            network.address(name)?;
        }
    }
    if let Some(api) = root.child("HttpApi") {
        if let Some(services) = api.child("Services") {
            read_services(&mut profile, &services)?;
        }
        if let Some(accounts) = api.child("Accounts") {
            profile.accounts = read_accounts(base, &accounts)?;
        }
    }
    if let Some(switches) = root.child("Switches") {
        read_switches(&mut profile, &switches)?;
    }
    if let (Some(camera), Some(config)) = (root.child("Camera"), profile.camera.as_mut())
        && let Some(source) = camera.value("DefaultSource")?
    {
        if !config.sources.contains(&source) {
            return Err(camera.invalid("DefaultSource", &source, "not a camera source"));
        }
        config.default_source = source;
    }
    if let Some(sip) = root.child("Sip") {
        for account in sip.children("Account") {
            let id = account.required_number("Id", 1..=i64::from(u8::MAX))?;
            let config = profile
                .sip_accounts
                .iter_mut()
                .find(|a| i64::from(a.account) == id)
                .ok_or_else(|| account.invalid("Id", &id.to_string(), "no such SIP account"))?;
            if let Some(number) = account.text("Number")? {
                config.number = number;
            }
        }
    }
    Ok(profile)
}

fn read_services(profile: &mut Profile, services: &At<'_>) -> Result<(), Invalid> {
    let mut seen = Vec::new();
    for service in services.children("Service") {
        let name = service.required_word("Name", &Service::ALL.map(Service::id))?;
        let Some(id) = Service::from_id(name) else {
            continue;
        };
        if seen.contains(&id) {
            return Err(service.invalid("Name", name, "the service is listed twice"));
        }
        seen.push(id);
        let current = profile.security(id);
        let row = ServiceSecurity {
            enabled: service.flag("Enabled")?.unwrap_or(current.enabled),
            transport: match service.word("Connection", &TRANSPORT_NAMES.map(|(w, _)| w))? {
                Some(word) => names::transport_from(word),
                None => names::transport_row(current.transport),
            },
            auth: match service.word("Authentication", &AUTH_NAMES.map(|(w, _)| w))? {
                Some(word) => names::auth_from(word),
                None => names::auth_row(current.auth),
            },
        };
        profile.services.insert(ServiceName(id), row);
    }
    Ok(())
}

/// The account list as the document gives it; a `Password` left out keeps the one the account
/// has (erratum `config-passwords`).
fn read_accounts(base: &Profile, accounts: &At<'_>) -> Result<Accounts, Invalid> {
    let mut list: Vec<Account> = Vec::new();
    for account in accounts.children("Account") {
        let user = account
            .text("User")?
            .filter(|user| !user.is_empty())
            .ok_or_else(|| account.missing("User"))?;
        if list.iter().any(|a| a.user == user) {
            return Err(account.invalid("User", &user, "the account is listed twice"));
        }
        let previous = base.accounts.0.iter().find(|a| a.user == user);
        let password = match account.text("Password")? {
            Some(password) => password,
            None => previous
                .map(|a| a.password.clone())
                .ok_or_else(|| account.missing("Password"))?,
        };
        list.push(Account {
            enabled: account
                .flag("Enabled")?
                .or(previous.map(|a| a.enabled))
                .unwrap_or(true),
            monitoring: match account.groups("Monitoring")? {
                Some(groups) => groups,
                None => previous.map(|a| a.monitoring.clone()).unwrap_or_default(),
            },
            control: match account.groups("Control")? {
                Some(groups) => groups,
                None => previous.map(|a| a.control.clone()).unwrap_or_default(),
            },
            user,
            password,
        });
    }
    if list.len() > MAX_ACCOUNTS {
        return Err(Invalid(format!(
            "{}: {} accounts; the device holds at most {MAX_ACCOUNTS}",
            accounts.path,
            list.len()
        )));
    }
    Ok(Accounts(list))
}

/// Switches are hardware: the document configures the ones the device has.
fn read_switches(profile: &mut Profile, switches: &At<'_>) -> Result<(), Invalid> {
    let mut seen = Vec::new();
    for switch in switches.children("Switch") {
        let id = switch.required_number("Id", 1..=4)?;
        if seen.contains(&id) {
            return Err(switch.invalid("Id", &id.to_string(), "the switch is listed twice"));
        }
        seen.push(id);
        let config = profile
            .switches
            .0
            .iter_mut()
            .find(|s| i64::from(s.switch.0) == id)
            .ok_or_else(|| {
                switch.invalid("Id", &id.to_string(), "the device has no such switch")
            })?;
        if let Some(enabled) = switch.flag("Enabled")? {
            config.enabled = enabled;
        }
        if let Some(mode) = switch.word("Mode", &["monostable", "bistable"])? {
            config.mode = match mode {
                "bistable" => SwitchMode::Bistable,
                _ => SwitchMode::Monostable,
            };
        }
        if let Some(duration) = switch.number("Duration", SWITCH_DURATION)? {
            config.duration = u32::try_from(duration).unwrap_or(1);
        }
        if let Some(kind) = switch.word("Type", &["normal", "security"])? {
            config.kind = match kind {
                "security" => SwitchType::Security,
                _ => SwitchType::Normal,
            };
        }
    }
    Ok(())
}
