//! Discovery: what the device says it is and has (`system/info` and every caps function),
//! cross-checked with the profile's declaration.

use helios_spec::Version;
use serde_json::Value;

use crate::findings::Findings;

/// One switch of `switch/caps`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwitchCaps {
    pub switch: u8,
    pub enabled: bool,
    /// `Some(switchOnDuration)` in seconds for a monostable switch, `None` for a bistable one.
    pub monostable: Option<u32>,
}

/// What discovery learnt.
#[derive(Clone, Debug, Default)]
pub struct Discovered {
    pub variant: Option<String>,
    pub sw_version: Option<String>,
    /// The switches and whether each is enabled.
    pub switches: Vec<(u8, bool)>,
    /// Each switch as `switch/caps` describes it: mode and duration too.
    pub switch_caps: Vec<SwitchCaps>,
    pub outputs: Vec<String>,
    pub inputs: Vec<String>,
    pub resolutions: Vec<(u32, u32)>,
    pub sources: Vec<String>,
    pub displays: Vec<String>,
    pub events: Vec<String>,
    /// The SIP accounts of `phone/status` and the number each is set to.
    pub sip_accounts: Vec<(u8, String)>,
    /// The functions discovery asked that answered: a result, or error 1 (the model lacks
    /// it). What is absent from here is unknown, not empty.
    pub answered: Vec<&'static str>,
    /// Caps functions that answered error 1: the model lacks that hardware.
    pub unsupported: Vec<&'static str>,
    /// What the reader tolerated in `system/info`'s reply: findings of the discovery cases,
    /// which judge what it says.
    pub info_findings: Findings,
}

impl Discovered {
    /// The firmware generation to judge by: the device's own version when it reports one.
    pub fn firmware(&self, declared: Version) -> Version {
        self.sw_version
            .as_deref()
            .and_then(Version::parse)
            .unwrap_or(declared)
    }

    pub fn read_info(&mut self, result: &Value) {
        self.variant = result["variant"].as_str().map(str::to_owned);
        self.sw_version = result["swVersion"].as_str().map(str::to_owned);
    }

    pub fn read_switch_caps(&mut self, result: &Value) {
        self.switches = list(result, "switches")
            .filter_map(|item| {
                let id = u8::try_from(item["switch"].as_u64()?).ok()?;
                Some((id, item["enabled"].as_bool().unwrap_or(false)))
            })
            .collect();
        self.switch_caps = list(result, "switches")
            .filter_map(|item| {
                let switch = u8::try_from(item["switch"].as_u64()?).ok()?;
                let monostable = (item["mode"].as_str() == Some("monostable")).then(|| {
                    item["switchOnDuration"]
                        .as_u64()
                        .and_then(|d| u32::try_from(d).ok())
                        .unwrap_or(0)
                });
                Some(SwitchCaps {
                    switch,
                    enabled: item["enabled"].as_bool().unwrap_or(false),
                    monostable,
                })
            })
            .collect();
    }

    pub fn read_io_caps(&mut self, result: &Value) {
        for item in list(result, "ports") {
            let Some(port) = item["port"].as_str() else {
                continue;
            };
            match item["type"].as_str() {
                Some("output") => self.outputs.push(port.to_owned()),
                Some("input") => self.inputs.push(port.to_owned()),
                _ => {}
            }
        }
    }

    pub fn read_camera_caps(&mut self, result: &Value) {
        self.resolutions = list(result, "jpegResolution")
            .filter_map(|item| {
                Some((
                    u32::try_from(item["width"].as_u64()?).ok()?,
                    u32::try_from(item["height"].as_u64()?).ok()?,
                ))
            })
            .collect();
        self.sources = list(result, "sources")
            .filter_map(|item| item["source"].as_str().map(str::to_owned))
            .collect();
    }

    pub fn read_display_caps(&mut self, result: &Value) {
        self.displays = list(result, "displays")
            .filter_map(|item| item["display"].as_str().map(str::to_owned))
            .collect();
    }

    pub fn read_log_caps(&mut self, result: &Value) {
        self.events = result["events"]
            .as_array()
            .map(|events| {
                events
                    .iter()
                    .filter_map(|e| e.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
    }

    pub fn read_phone_status(&mut self, result: &Value) {
        self.sip_accounts = list(result, "accounts")
            .filter_map(|item| {
                let account = u8::try_from(item["account"].as_u64()?).ok()?;
                let number = item["sipNumber"].as_str().unwrap_or_default().to_owned();
                Some((account, number))
            })
            .collect();
    }

    pub fn first_enabled_switch(&self) -> Option<u8> {
        self.switches
            .iter()
            .find(|(_, enabled)| *enabled)
            .map(|(id, _)| *id)
    }
}

/// The features `log/caps` says the model has: those of [`crate::declaration::told_by_log_caps`]
/// with an event of their own in the list.
pub fn features(found: &Discovered, firmware: Version) -> Vec<helios_spec::Hardware> {
    crate::declaration::told_by_log_caps(firmware)
        .into_iter()
        .filter(|feature| {
            crate::declaration::feature_events(*feature, firmware)
                .iter()
                .any(|event| found.events.iter().any(|e| e == event))
        })
        .collect()
}

fn list<'a>(result: &'a Value, name: &str) -> impl Iterator<Item = &'a Value> {
    result[name].as_array().into_iter().flatten()
}
