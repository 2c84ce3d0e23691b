//! The hardware part of the lab's declaration, in the spirit of a PICS: the switches, ports,
//! camera, displays and SIP accounts the device claims (`[[switches]]`, `[[ports]]`,
//! `[camera]`, `[[displays]]`, `[[sip_accounts]]`), each section optional (absent: not
//! declared, and its declared-vs-discovered cases are not applicable). Before a run the
//! declaration is checked as a whole: it holds no `TODO` a draft left (`cargo xtask conform
//! init`), each section is well-formed, and what it declares is consistent with the licences
//! declared (a section is read back through a caps function, which needs its licences).
//!
//! Every rule names the key that breaks it, so that the lab knows what to edit.

use helios_spec::event::Condition;
use helios_spec::functions::{camera, display, io, phone, switch};
use helios_spec::{Function, Licence, Version};
use serde::Deserialize;

/// What marks a value a draft could not discover: the lab must replace it before a run.
pub const TODO: &str = "TODO";

/// One switch as the lab declares it: what `switch/caps` must say of it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SwitchRow {
    pub switch: u8,
    pub enabled: bool,
    /// `monostable` or `bistable`; an enabled switch has one, a disabled one none.
    #[serde(default)]
    pub mode: Option<SwitchMode>,
    /// Seconds a monostable switch stays on (`switchOnDuration`).
    #[serde(default)]
    pub duration: Option<u32>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SwitchMode {
    Monostable,
    Bistable,
}

/// One port of `io/caps`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PortRow {
    pub port: String,
    #[serde(rename = "type")]
    pub kind: PortKind,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PortKind {
    Input,
    Output,
}

impl PortKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::Output => "output",
        }
    }
}

/// The camera of `camera/caps`: its video sources and JPEG resolutions.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CameraRow {
    #[serde(default)]
    pub sources: Vec<String>,
    /// `[width, height]` pairs.
    #[serde(default)]
    pub resolutions: Vec<(u32, u32)>,
}

/// One display of `display/caps`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DisplayRow {
    pub display: String,
}

/// One SIP account of `phone/status`, with the number it is set to (empty when none).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SipRow {
    pub account: u8,
    #[serde(default)]
    pub number: String,
}

/// The hardware the lab declares; `None` is a section it did not declare.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hardware {
    pub switches: Option<Vec<SwitchRow>>,
    pub ports: Option<Vec<PortRow>>,
    pub camera: Option<CameraRow>,
    pub displays: Option<Vec<DisplayRow>>,
    pub sip_accounts: Option<Vec<SipRow>>,
    /// The optional hardware the model has (`[device] features`: keypad, card reader...).
    pub features: Option<Vec<helios_spec::Hardware>>,
}

/// The features `log/caps` tells on a firmware: those with an event of their own, which the
/// device lists exactly when it has the feature (5.23).
pub fn told_by_log_caps(firmware: Version) -> Vec<helios_spec::Hardware> {
    helios_spec::Hardware::ALL
        .into_iter()
        .filter(|feature| !feature_events(*feature, firmware).is_empty())
        .collect()
}

/// The events that only a model with `feature` raises, on a firmware.
pub fn feature_events(feature: helios_spec::Hardware, firmware: Version) -> Vec<&'static str> {
    helios_spec::EVENTS
        .iter()
        .filter(|e| e.condition == Condition::Hardware(feature) && e.origin.present_in(firmware))
        .map(|e| e.name)
        .collect()
}

/// A feature by its id (`card-reader`), an error naming the key and the ids known.
pub fn feature(id: &str) -> Result<helios_spec::Hardware, String> {
    helios_spec::Hardware::ALL
        .into_iter()
        .find(|f| f.id() == id)
        .ok_or_else(|| {
            let known: Vec<&str> = helios_spec::Hardware::ALL.iter().map(|f| f.id()).collect();
            format!(
                "device.features: unknown feature `{id}` (known: {})",
                known.join(", ")
            )
        })
}

/// The function that reads each section back, by the section's key.
pub const SECTIONS: [(&str, &Function); 5] = [
    ("switches", &switch::caps::FUNCTION),
    ("ports", &io::caps::FUNCTION),
    ("camera", &camera::caps::FUNCTION),
    ("displays", &display::caps::FUNCTION),
    ("sip_accounts", &phone::status::FUNCTION),
];

impl Hardware {
    /// Whether the section under `key` is declared.
    pub fn declares(&self, key: &str) -> bool {
        match key {
            "switches" => self.switches.is_some(),
            "ports" => self.ports.is_some(),
            "camera" => self.camera.is_some(),
            "displays" => self.displays.is_some(),
            "sip_accounts" => self.sip_accounts.is_some(),
            _ => false,
        }
    }

    /// Every rule of the declaration's hardware, against the licences declared: the first
    /// broken one, naming its key.
    pub fn check(&self, licences: &[Licence]) -> Result<(), String> {
        for (index, row) in self.switches.iter().flatten().enumerate() {
            check_switch(index, row)?;
        }
        let switches = self.switches.iter().flatten().map(|s| s.switch.to_string());
        unique("switches", "switch", switches)?;
        let ports = self.ports.iter().flatten().map(|p| p.port.clone());
        not_empty("ports", "port", ports.clone())?;
        unique("ports", "port", ports)?;
        if let Some(camera) = &self.camera {
            not_empty("camera.sources", "", camera.sources.iter().cloned())?;
            unique("camera.sources", "", camera.sources.iter().cloned())?;
            let sizes = camera.resolutions.iter().map(|(w, h)| format!("{w}x{h}"));
            unique("camera.resolutions", "", sizes)?;
            if let Some(index) = camera
                .resolutions
                .iter()
                .position(|(w, h)| *w == 0 || *h == 0)
            {
                return Err(format!(
                    "camera.resolutions[{index}]: a resolution has a width and a height above 0"
                ));
            }
        }
        let displays = self.displays.iter().flatten().map(|d| d.display.clone());
        not_empty("displays", "display", displays.clone())?;
        unique("displays", "display", displays)?;
        let accounts = self
            .sip_accounts
            .iter()
            .flatten()
            .map(|a| a.account.to_string());
        unique("sip_accounts", "account", accounts)?;
        self.check_features()?;
        self.check_licences(licences)
    }

    /// A display or a camera among the features is one the sections declare, and the reverse.
    fn check_features(&self) -> Result<(), String> {
        let Some(features) = &self.features else {
            return Ok(());
        };
        let ids = features.iter().map(|f| f.id().to_owned());
        unique("device.features", "", ids)?;
        let sections = [
            (
                helios_spec::Hardware::Display,
                "[[displays]]",
                self.displays.as_ref().map(|d| !d.is_empty()),
            ),
            (
                helios_spec::Hardware::Camera,
                "[camera] sources",
                self.camera.as_ref().map(|c| !c.sources.is_empty()),
            ),
        ];
        for (feature, section, declared) in sections {
            let Some(declared) = declared else { continue };
            if declared != features.contains(&feature) {
                return Err(format!(
                    "device.features: `{}` is {} but {section} declares {}",
                    feature.id(),
                    if declared { "missing" } else { "listed" },
                    if declared { "some" } else { "none" },
                ));
            }
        }
        Ok(())
    }

    /// A section declared is read back through its caps function: the licences that function
    /// needs must be declared too, or the declaration contradicts itself.
    fn check_licences(&self, licences: &[Licence]) -> Result<(), String> {
        for (key, function) in SECTIONS {
            let declared_some = match key {
                "switches" => self.switches.as_ref().is_some_and(|s| !s.is_empty()),
                "ports" => self.ports.as_ref().is_some_and(|p| !p.is_empty()),
                "displays" => self.displays.as_ref().is_some_and(|d| !d.is_empty()),
                "sip_accounts" => self.sip_accounts.as_ref().is_some_and(|a| !a.is_empty()),
                _ => self.declares(key),
            };
            if !declared_some {
                continue;
            }
            if let Some(missing) = function.licences.iter().find(|l| !licences.contains(l)) {
                return Err(format!(
                    "{key}: declared, but {} needs the {} licence, which [device] licences does \
                     not declare (add \"{}\", or remove the section)",
                    function.path,
                    missing.name(),
                    missing.id()
                ));
            }
        }
        Ok(())
    }
}

/// A switch's rules (manual 5.8): a number from 1, a mode only when enabled, a duration only
/// (and always) for a monostable one.
fn check_switch(index: usize, row: &SwitchRow) -> Result<(), String> {
    let key = format!("switches[{index}]");
    if row.switch == 0 {
        return Err(format!("{key}.switch: switches are numbered from 1"));
    }
    match (row.enabled, row.mode, row.duration) {
        (false, Some(_), _) | (false, _, Some(_)) => Err(format!(
            "{key}: switch {} is disabled, and switch/caps gives a disabled switch no mode and \
             no duration (remove them, or set enabled = true)",
            row.switch
        )),
        (true, None, _) => Err(format!(
            "{key}.mode: switch {} is enabled: declare its mode (\"monostable\" or \"bistable\")",
            row.switch
        )),
        (true, Some(SwitchMode::Monostable), None) => Err(format!(
            "{key}.duration: switch {} is monostable: declare its duration in seconds",
            row.switch
        )),
        (true, Some(SwitchMode::Bistable), Some(_)) => Err(format!(
            "{key}.duration: switch {} is bistable and has no duration",
            row.switch
        )),
        _ => Ok(()),
    }
}

/// Each value of a section at most once.
fn unique(key: &str, field: &str, values: impl Iterator<Item = String>) -> Result<(), String> {
    let mut seen: Vec<String> = Vec::new();
    for (index, value) in values.enumerate() {
        if seen.contains(&value) {
            let field = if field.is_empty() {
                String::new()
            } else {
                format!(".{field}")
            };
            return Err(format!(
                "{key}[{index}]{field}: `{value}` is declared twice"
            ));
        }
        seen.push(value);
    }
    Ok(())
}

/// No value of a section empty.
fn not_empty(
    key: &str,
    field: &str,
    mut values: impl Iterator<Item = String>,
) -> Result<(), String> {
    match values.position(|v| v.trim().is_empty()) {
        Some(index) if field.is_empty() => Err(format!("{key}[{index}]: a name is not empty")),
        Some(index) => Err(format!("{key}[{index}].{field}: a name is not empty")),
        None => Ok(()),
    }
}

/// The keys whose value is a string starting `TODO` (what a draft could not discover), each
/// with its text: `accounts[0].monitoring: TODO: the privileges of admin`.
pub fn todos(table: &toml::Table) -> Vec<String> {
    let mut found = Vec::new();
    for (key, value) in table {
        walk(key, value, &mut found);
    }
    found
}

fn walk(path: &str, value: &toml::Value, found: &mut Vec<String>) {
    match value {
        toml::Value::String(text) if text.trim_start().starts_with(TODO) => {
            found.push(format!("{path} ({})", text.trim()));
        }
        toml::Value::Table(table) => {
            for (key, value) in table {
                walk(&format!("{path}.{key}"), value, found);
            }
        }
        toml::Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                walk(&format!("{path}[{index}]"), value, found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn switch(
        switch: u8,
        enabled: bool,
        mode: Option<SwitchMode>,
        duration: Option<u32>,
    ) -> SwitchRow {
        SwitchRow {
            switch,
            enabled,
            mode,
            duration,
        }
    }

    #[test]
    fn each_rule_names_its_key() {
        let licensed = [Licence::EnhancedIntegration];
        let broken = [
            (
                Hardware {
                    switches: Some(vec![switch(1, true, Some(SwitchMode::Monostable), None)]),
                    ..Hardware::default()
                },
                "switches[0].duration",
            ),
            (
                Hardware {
                    switches: Some(vec![switch(1, false, Some(SwitchMode::Bistable), None)]),
                    ..Hardware::default()
                },
                "switches[0]: switch 1 is disabled",
            ),
            (
                Hardware {
                    switches: Some(vec![
                        switch(2, false, None, None),
                        switch(2, false, None, None),
                    ]),
                    ..Hardware::default()
                },
                "switches[1].switch: `2` is declared twice",
            ),
            (
                Hardware {
                    camera: Some(CameraRow {
                        sources: vec!["internal".into()],
                        resolutions: vec![(0, 120)],
                    }),
                    ..Hardware::default()
                },
                "camera.resolutions[0]",
            ),
            (
                Hardware {
                    displays: Some(vec![DisplayRow {
                        display: " ".into(),
                    }]),
                    ..Hardware::default()
                },
                "displays[0].display",
            ),
        ];
        for (hardware, key) in broken {
            let error = hardware.check(&licensed).expect_err(key);
            assert!(error.starts_with(key), "{error}");
        }
    }

    #[test]
    fn a_section_needs_the_licences_of_its_caps_function() {
        let hardware = Hardware {
            displays: Some(vec![DisplayRow {
                display: "ext1".into(),
            }]),
            ..Hardware::default()
        };
        let error = hardware.check(&[]).expect_err("no licence");
        assert!(
            error.starts_with("displays:") && error.contains("enhanced-integration"),
            "{error}"
        );
        assert_eq!(hardware.check(&[Licence::EnhancedIntegration]), Ok(()));
        // Declared empty: nothing to read back.
        let none = Hardware {
            switches: Some(Vec::new()),
            ..Hardware::default()
        };
        assert_eq!(none.check(&[]), Ok(()));
    }

    #[test]
    fn todos_are_found_wherever_they_are() {
        let table: toml::Table = toml::from_str(
            "[device]\nvariant = \"TODO: the model\"\n[[accounts]]\nuser = \"a\"\n\
             monitoring = \"TODO: privileges\"\ncontrol = [\"TODO\"]\n",
        )
        .expect("toml");
        let mut found = todos(&table);
        found.sort();
        assert_eq!(
            found,
            [
                "accounts[0].control[0] (TODO)",
                "accounts[0].monitoring (TODO: privileges)",
                "device.variant (TODO: the model)",
            ]
        );
    }
}
