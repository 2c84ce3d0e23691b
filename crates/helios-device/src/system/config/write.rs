//! From the running profile to the configuration document: every value the device knows is
//! written into the document in place, so that whatever else the document holds (elements and
//! attributes of other devices or firmware) stays where it was.

use helios_wire::config_xml::{ConfigXmlError, Document, Element, Node};

use helios_spec::Service;

use super::FORMAT_VERSION;
use super::names::{auth_name, flag, group_list, transport_name};
use crate::profile::Profile;

/// The values of `profile` written into `document`, which may be empty (a bare
/// `DeviceDatabase`) or an uploaded document; the result is indented as the device writes it.
pub(crate) fn refresh(document: &mut Document, profile: &Profile) -> Result<(), ConfigXmlError> {
    document.set_version(FORMAT_VERSION);
    document.set("Device/Name", &profile.device.device_name)?;
    document.set("Device/TimeZoneShift", &profile.device.tz_shift.to_string())?;
    // The network is not simulated: its settings are kept as uploaded, and only missing ones
    // get the factory values (DHCP, nothing set by hand).
    for (name, value) in [
        ("DhcpEnabled", "1"),
        ("IpAddress", ""),
        ("SubnetMask", ""),
        ("Gateway", ""),
        ("PrimaryDns", ""),
    ] {
        let path = format!("Network/{name}");
        if document.element(&path).is_err() {
            document.set(&path, value)?;
        }
    }
    services(document, profile)?;
    accounts(document, profile)?;
    for switch in &profile.switches.0 {
        let at = item(
            document,
            "Switches",
            "Switch",
            "Id",
            &switch.switch.0.to_string(),
        )?;
        document.set(&format!("{at}/Enabled"), flag(switch.enabled))?;
        document.set(&format!("{at}/Mode"), switch.mode.name())?;
        document.set(&format!("{at}/Duration"), &switch.duration.to_string())?;
        document.set(&format!("{at}/Type"), switch.kind.name())?;
    }
    hardware(document, profile)?;
    for account in &profile.sip_accounts {
        let at = item(
            document,
            "Sip",
            "Account",
            "Id",
            &account.account.to_string(),
        )?;
        document.set(&format!("{at}/Number"), &account.number)?;
    }
    indent(&mut document.root, 0);
    Ok(())
}

/// Every service, with the security it has (the manual's screenshot setting where the profile
/// names none).
fn services(document: &mut Document, profile: &Profile) -> Result<(), ConfigXmlError> {
    for service in Service::ALL {
        let security = profile.security(service);
        let at = item(
            document,
            "HttpApi/Services",
            "Service",
            "Name",
            service.id(),
        )?;
        document.set(&format!("{at}/Enabled"), flag(security.enabled))?;
        document.set(
            &format!("{at}/Connection"),
            transport_name(security.transport),
        )?;
        document.set(&format!("{at}/Authentication"), auth_name(security.auth))?;
    }
    Ok(())
}

/// The account list is the profile's: accounts the profile no longer has leave the document.
fn accounts(document: &mut Document, profile: &Profile) -> Result<(), ConfigXmlError> {
    if let Ok(list) = document.element_mut("HttpApi/Accounts") {
        list.children.retain(|node| match node {
            Node::Element(element) if element.name == "Account" => {
                let user = element
                    .elements()
                    .find(|child| child.name == "User")
                    .and_then(Element::text);
                profile
                    .accounts
                    .0
                    .iter()
                    .any(|a| Some(&a.user) == user.as_ref())
            }
            _ => true,
        });
    } else {
        document.set("HttpApi/Accounts", "")?;
    }
    for account in &profile.accounts.0 {
        let at = item(
            document,
            "HttpApi/Accounts",
            "Account",
            "User",
            &account.user,
        )?;
        document.set(&format!("{at}/Enabled"), flag(account.enabled))?;
        document.set(&format!("{at}/Password"), &account.password)?;
        document.set(
            &format!("{at}/Monitoring"),
            &group_list(&account.monitoring),
        )?;
        document.set(&format!("{at}/Control"), &group_list(&account.control))?;
    }
    Ok(())
}

/// What the hardware is: written as it is, whatever an upload said.
fn hardware(document: &mut Document, profile: &Profile) -> Result<(), ConfigXmlError> {
    for port in &profile.ports {
        let at = item(document, "Io", "Port", "Name", &port.port)?;
        document.set(&format!("{at}/Type"), port.kind.name())?;
    }
    if let Some(camera) = &profile.camera {
        document.set("Camera/Sources", &camera.sources.join(","))?;
        document.set("Camera/DefaultSource", &camera.default_source)?;
    }
    for display in &profile.displays {
        let at = item(document, "Displays", "Display", "Name", &display.display)?;
        document.set(&format!("{at}/Width"), &display.width.to_string())?;
        document.set(&format!("{at}/Height"), &display.height.to_string())?;
    }
    Ok(())
}

/// The path of the `item` element under `list` whose `key` child holds `value`; a new one at the
/// end of the list when there is none.
fn item(
    document: &mut Document,
    list: &str,
    item: &str,
    key: &str,
    value: &str,
) -> Result<String, ConfigXmlError> {
    let items: Vec<&Element> = document
        .element(list)
        .map(|list| list.elements().filter(|e| e.name == item).collect())
        .unwrap_or_default();
    let found = items.iter().position(|element| {
        element
            .elements()
            .find(|child| child.name == key)
            .and_then(Element::text)
            .is_some_and(|text| text.trim() == value)
    });
    let index = found.unwrap_or(items.len()) + 1;
    let path = format!("{list}/{item}[{index}]");
    if found.is_none() {
        document.set(&format!("{path}/{key}"), value)?;
    }
    Ok(path)
}

/// Lays out elements that hold only elements one per line, four spaces per level, the root's
/// children at the margin as in manual 5.6. Elements that mix text and elements are left alone.
fn indent(element: &mut Element, depth: usize) {
    let structural = element.elements().next().is_some()
        && element.children.iter().all(|node| match node {
            Node::Text(text) => text.trim().is_empty(),
            Node::CData(_) | Node::EntityRef(_) => false,
            _ => true,
        });
    if !structural {
        return;
    }
    let inner = format!("\n{}", "    ".repeat(depth));
    let outer = format!("\n{}", "    ".repeat(depth.saturating_sub(1)));
    let children = std::mem::take(&mut element.children);
    for node in children {
        if matches!(&node, Node::Text(_)) {
            continue;
        }
        element.children.push(Node::Text(inner.clone()));
        element.children.push(node);
    }
    element.children.push(Node::Text(outer));
    for node in &mut element.children {
        if let Node::Element(child) = node {
            indent(child, depth + 1);
        }
    }
}
