//! The draft as a declaration's text: every value with a comment saying how it was found, and
//! a `TODO` where nothing could tell it (a run refuses the declaration until each is filled).

use std::fmt::Write as _;

use helios_spec::functions::{camera, display, io, log, phone, switch};
use helios_spec::{Auth, Group, Hardware, Level, Licence, Transport, Version};

use super::{Draft, Found, Probed};
use crate::declaration::TODO;

/// A TOML string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", quoted.join(", "))
}

/// `key = value  # how`, or `key = "TODO: why"`.
fn line<T>(out: &mut String, key: &str, found: &Found<T>, value: impl Fn(&T) -> String) {
    let _ = match found {
        Found::Is(v, how) => writeln!(out, "{key} = {}  # {how}", value(v)),
        Found::Unknown(why) => writeln!(out, "{key} = {}", quoted(&format!("{TODO}: {why}"))),
    };
}

/// The whole declaration.
pub(super) fn declaration(draft: &Draft) -> String {
    let mut out = String::new();
    heading(&mut out, draft);
    device(&mut out, draft);
    for (service, probed) in &draft.services {
        let _ = writeln!(out, "\n[services.{}]", service.id());
        services(&mut out, probed);
    }
    account(&mut out, draft);
    hardware(&mut out, draft);
    settings(&mut out);
    out
}

fn heading(out: &mut String, draft: &Draft) {
    let _ = writeln!(
        out,
        "# The declaration of the device at {}, drafted by `cargo xtask conform init`.\n\
         # Each value says how it was found: check it against what the device should be, since a\n\
         # draft states what the device does, right or wrong. Each {TODO} is what no request could\n\
         # tell: a run refuses the declaration until every one is filled (exit 3, naming them).\n\
         # A hardware section left out is not declared, and its declaration.* cases are not\n\
         # applicable.",
        draft.address
    );
    // Sections the device reported empty come first: a top-level empty array.
    let found = &draft.discovered;
    let empties = [
        (
            "switches",
            &found.switch_caps.is_empty(),
            switch::caps::FUNCTION.path,
        ),
        (
            "ports",
            &(found.inputs.is_empty() && found.outputs.is_empty()),
            io::caps::FUNCTION.path,
        ),
        (
            "displays",
            &found.displays.is_empty(),
            display::caps::FUNCTION.path,
        ),
        (
            "sip_accounts",
            &found.sip_accounts.is_empty(),
            phone::status::FUNCTION.path,
        ),
    ];
    for (key, empty, path) in empties {
        if *empty && found.answered.contains(&path) {
            let _ = writeln!(out, "\n# {path} reports none\n{key} = []");
        }
    }
}

fn device(out: &mut String, draft: &Draft) {
    let field = |name: &str| -> Found<String> {
        match draft.info.as_ref().and_then(|i| i[name].as_str()) {
            Some(value) => Found::Is(value.to_owned(), format!("system/info {name}")),
            None => Found::Unknown(format!("system/info did not say its {name}")),
        }
    };
    let _ = writeln!(out, "\n[device]");
    line(out, "variant", &field("variant"), |v| quoted(v));
    line(out, "firmware", &field("swVersion"), |v| quoted(v));
    let mut installed = Vec::new();
    for (licence, found) in &draft.licences {
        let _ = match found {
            Found::Is(true, how) => writeln!(out, "# {}: installed ({how})", licence.id()),
            Found::Is(false, how) => writeln!(out, "# {}: not installed ({how})", licence.id()),
            Found::Unknown(why) => writeln!(out, "# {}: {TODO}? {why}", licence.id()),
        };
        if matches!(found, Found::Is(true, _)) {
            installed.push(licence.id().to_owned());
        }
    }
    let unknown: Vec<&Licence> = draft
        .licences
        .iter()
        .filter(|(_, f)| matches!(f, Found::Unknown(_)))
        .map(|(l, _)| l)
        .collect();
    if unknown.is_empty() {
        let _ = writeln!(out, "licences = {}", list(&installed));
    } else {
        let names: Vec<&str> = unknown.iter().map(|l| l.id()).collect();
        let why = format!(
            "{TODO}: the installed licences; found {installed:?}, unknown {}",
            names.join(", ")
        );
        let _ = writeln!(out, "licences = {}", quoted(&why));
    }
    features(out, draft);
    let _ = writeln!(
        out,
        "# Whether the device has a stimulus interface (the reference intercom's); a real one has none.\n\
         stimulus = false"
    );
}

/// The optional hardware: what `log/caps` tells by the events only it raises, and a display or
/// camera their caps functions report.
fn features(out: &mut String, draft: &Draft) {
    let found = &draft.discovered;
    if !found.answered.contains(&log::caps::FUNCTION.path) {
        let _ = writeln!(
            out,
            "# features: {} did not answer; declare the model's optional hardware by hand",
            log::caps::FUNCTION.path
        );
        return;
    }
    let firmware = found.firmware(Version::MANUAL);
    let mut features = Vec::new();
    let mut how = Vec::new();
    if !found.displays.is_empty() {
        features.push(Hardware::Display.id().to_owned());
        how.push(format!("display from {}", display::caps::FUNCTION.path));
    }
    if !found.sources.is_empty() {
        features.push(Hardware::Camera.id().to_owned());
        how.push(format!("camera from {}", camera::caps::FUNCTION.path));
    }
    for feature in crate::discovery::features(found, firmware) {
        if !features.iter().any(|f| f == feature.id()) {
            features.push(feature.id().to_owned());
        }
        let events = crate::declaration::feature_events(feature, firmware);
        how.push(format!("{} from {}", feature.id(), events.join("/")));
    }
    let _ = writeln!(
        out,
        "# The optional hardware: {} ({} lists the events of the rest)\nfeatures = {}",
        how.join(", "),
        log::caps::FUNCTION.path,
        list(&features)
    );
}

fn services(out: &mut String, probed: &Probed) {
    line(out, "enabled", &probed.enabled, bool::to_string);
    line(out, "transport", &probed.transport, |t| {
        quoted(match t {
            Transport::Http => "http",
            Transport::Https => "https",
        })
    });
    line(out, "auth", &probed.auth, |a| {
        quoted(match a {
            Auth::None => "none",
            Auth::Basic => "basic",
            Auth::Digest => "digest",
        })
    });
}

/// What the privileges' functions answered the account, a line per level: a hint for the TODO.
fn told(draft: &Draft, level: Level) -> String {
    let mut held = Vec::new();
    let mut lacking = Vec::new();
    let mut untold = Vec::new();
    for (privilege, found) in draft.privileges.iter().filter(|(p, _)| p.level == level) {
        let id = privilege.group.id();
        match found {
            Some(true) => held.push(id),
            Some(false) => lacking.push(id),
            None => untold.push(id),
        }
    }
    format!(
        "# {level:?}: held (its functions answered) {}; lacking (error 10) {}; not told {}",
        or_none(&held),
        or_none(&lacking),
        or_none(&untold)
    )
}

fn or_none(ids: &[&str]) -> String {
    if ids.is_empty() {
        "none".to_owned()
    } else {
        ids.join(", ")
    }
}

fn account(out: &mut String, draft: &Draft) {
    let user = draft.user.as_str();
    let variable = helios_client::password_variable(user);
    let groups: Vec<String> = Group::ALL.iter().map(|g| g.id().to_owned()).collect();
    let todo = |level: &str| {
        quoted(&format!(
            "{TODO}: the {level} privileges of `{user}` as the device sets them, a list of {}",
            groups.join(", ")
        ))
    };
    let _ = writeln!(
        out,
        "\n# The account init logged in with. Its password is not written here: export\n\
         # {variable} before a run (or write password = \"...\" instead of password_env).\n\
         # Add one account per privilege set the device has.\n\
         {}\n\
         {}\n\
         [[accounts]]\n\
         user = {}\n\
         password_env = {}\n\
         monitoring = {}\n\
         control = {}",
        told(draft, Level::Monitoring),
        told(draft, Level::Control),
        quoted(user),
        quoted(&variable),
        todo("monitoring"),
        todo("control"),
    );
}

fn hardware(out: &mut String, draft: &Draft) {
    let found = &draft.discovered;
    let answered = |path: &str| found.answered.contains(&path);
    let not_read = |out: &mut String, section: &str, path: &str| {
        let _ = writeln!(
            out,
            "\n# {section}: {path} did not answer, so nothing is declared (declare it by hand)"
        );
    };
    if !answered(switch::caps::FUNCTION.path) {
        not_read(out, "[[switches]]", switch::caps::FUNCTION.path);
    }
    for switch in &found.switch_caps {
        let _ = writeln!(
            out,
            "\n# {}\n[[switches]]\nswitch = {}\nenabled = {}",
            switch::caps::FUNCTION.path,
            switch.switch,
            switch.enabled
        );
        match (switch.enabled, switch.monostable) {
            (true, Some(duration)) => {
                let _ = writeln!(out, "mode = \"monostable\"\nduration = {duration}");
            }
            (true, None) => {
                let _ = writeln!(out, "mode = \"bistable\"");
            }
            _ => {}
        }
    }
    if !answered(io::caps::FUNCTION.path) {
        not_read(out, "[[ports]]", io::caps::FUNCTION.path);
    }
    let ports = found.outputs.iter().map(|p| (p, "output"));
    for (port, kind) in ports.chain(found.inputs.iter().map(|p| (p, "input"))) {
        let _ = writeln!(
            out,
            "\n# {}\n[[ports]]\nport = {}\ntype = \"{kind}\"",
            io::caps::FUNCTION.path,
            quoted(port)
        );
    }
    camera_and_displays(out, draft);
}

fn camera_and_displays(out: &mut String, draft: &Draft) {
    let found = &draft.discovered;
    if found.answered.contains(&camera::caps::FUNCTION.path)
        && !found.unsupported.contains(&camera::caps::FUNCTION.path)
    {
        let resolutions: Vec<String> = found
            .resolutions
            .iter()
            .map(|(w, h)| format!("[{w}, {h}]"))
            .collect();
        let _ = writeln!(
            out,
            "\n# {}\n[camera]\nsources = {}\nresolutions = [{}]",
            camera::caps::FUNCTION.path,
            list(&found.sources),
            resolutions.join(", ")
        );
    } else {
        let _ = writeln!(
            out,
            "\n# [camera]: {} did not say (or the model has none)",
            camera::caps::FUNCTION.path
        );
    }
    for display in &found.displays {
        let _ = writeln!(
            out,
            "\n# {}\n[[displays]]\ndisplay = {}",
            display::caps::FUNCTION.path,
            quoted(display)
        );
    }
    for (account, number) in &found.sip_accounts {
        let _ = writeln!(
            out,
            "\n# {}\n[[sip_accounts]]\naccount = {account}\nnumber = {}",
            phone::status::FUNCTION.path,
            quoted(number)
        );
    }
}

/// What the run may do and how the device behaves over time: the defaults, and the login
/// blocking, which only failed logins could tell.
fn settings(out: &mut String) {
    let _ = writeln!(
        out,
        "\n# What a run may do: read-only and reversible always; config, reboot, destructive only\n\
         # when listed here or allowed with --allow.\n\
         [run]\n\
         tiers = [\"read-only\", \"reversible\"]\n\
         timeout_seconds = 10\n\
         rate = 0\n\
         \n\
         # Numbers the call model may dial (none: it does not dial).\n\
         [calls]\n\
         numbers = []\n\
         \n\
         # The device's login blocking, which init does not probe: finding it would take failed\n\
         # logins until the device blocks this address. The runner keeps one fewer within any\n\
         # window. (Firmware from 2.22 on blocks after 5 failures.)\n\
         [logins]\n\
         block_after = {}\n\
         window_seconds = {}",
        quoted(&format!(
            "{TODO}: failed logins from one address that block it (Services > HTTP API)"
        )),
        quoted(&format!(
            "{TODO}: seconds the device remembers a failed login"
        )),
    );
}
