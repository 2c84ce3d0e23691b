//! The lab's declaration: `init` drafts one from the reference intercom started with each shipped
//! device profile, which (its TODOs filled as a lab would) then runs green, its
//! declared-vs-discovered cases passing; a draft with its TODOs left is refused, and so is a
//! declaration that contradicts itself, each naming the key.

#[path = "support/target.rs"]
mod target;

use helios_conform::draft::draft;
use helios_conform::profile::with_env_passwords;
use helios_conform::{Options, Profile, REFERENCE_PROFILE, Verdict, run};
use helios_spec::{Group, Level, Privilege};
use helios_test_support::{Reference, helios_device};

const DEVICE_PROFILES: [(&str, &str); 3] = [
    (
        "default",
        include_str!("../../helios-device/profiles/default.toml"),
    ),
    (
        "vario",
        include_str!("../../helios-device/profiles/vario.toml"),
    ),
    (
        "later",
        include_str!("../../helios-device/profiles/later.toml"),
    ),
];

/// The privileges of a level the device gives `user`, as a declaration lists them.
fn privileges(device: &helios_device::Profile, user: &str, level: Level) -> String {
    let account = device
        .accounts
        .0
        .iter()
        .find(|a| a.user == user)
        .expect("the account");
    let groups: Vec<String> = Group::ALL
        .into_iter()
        .filter(|g| account.holds(Privilege::new(*g, level)))
        .map(|g| format!("\"{}\"", g.id()))
        .collect();
    format!("[{}]", groups.join(", "))
}

/// The draft with each TODO filled as the lab would: the account's privileges as the device
/// sets them, the login blocking of the reference intercom.
fn filled(text: &str, device: &helios_device::Profile) -> String {
    text.lines()
        .map(|line| {
            let Some((key, value)) = line.split_once(" = ") else {
                return line.to_owned();
            };
            if !value.starts_with("\"TODO") && !value.starts_with("'TODO") {
                return line.to_owned();
            }
            let value = match key {
                "monitoring" => privileges(device, "admin", Level::Monitoring),
                "control" => privileges(device, "admin", Level::Control),
                "block_after" => "5".to_owned(),
                "window_seconds" => "60".to_owned(),
                other => panic!("an unexpected TODO: {other} = {value}"),
            };
            format!("{key} = {value}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_drafts_a_declaration_that_runs_green_on_each_shipped_profile() {
    for (name, text) in DEVICE_PROFILES {
        let device = helios_device::Profile::parse(text, name).expect("a device profile");
        let reference = Reference::start(device.clone()).await;
        let target = target::target(&reference);
        let drafted = draft(&target, "admin", "2n", &Options::default())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // The password given to init is not in the draft; the TODOs are, and refused.
        assert!(!drafted.contains("\"2n\""), "{name}:\n{drafted}");
        assert!(drafted.contains("password_env = \"HELIOS_PASS_ADMIN\""));
        // What the privileges' functions told, a hint for the TODO: admin lacks none.
        assert!(
            drafted.contains("# Monitoring: held (its functions answered) phone, io, switch")
                && drafted.contains("lacking (error 10) none"),
            "{name}:\n{drafted}"
        );
        let refused = Profile::parse(&drafted).expect_err("TODOs left");
        for key in ["accounts[0].monitoring", "logins.block_after"] {
            assert!(refused.0.contains(key), "{name}: {refused}");
        }
        let text = filled(&drafted, &device);
        let text = with_env_passwords(&text, &|variable| {
            (variable == "HELIOS_PASS_ADMIN").then(|| "2n".to_owned())
        })
        .expect("the password");
        let declared = Profile::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        assert!(declared.hardware.switches.is_some(), "{name}");
        let options = Options {
            only: Some("caps".into()),
            ..Options::default()
        };
        let result = run(&declared, &target, &options).await;
        reference.stop().await;
        let bad: Vec<String> = result
            .outcomes
            .iter()
            .filter(|o| !matches!(o.verdict, Verdict::Pass | Verdict::NotApplicable(_)))
            .map(|o| format!("{}: {}", o.id, o.verdict))
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:#?}\n{text}");
        assert_eq!(result.exit_code(), 0, "{name}");
        let passed = |id: &str| {
            result
                .outcomes
                .iter()
                .any(|o| o.id == id && o.verdict == Verdict::Pass)
        };
        for id in [
            "declaration.switches.undeclared",
            "declaration.ports.absent",
            "declaration.camera.resolutions.absent",
            "declaration.sip-accounts.differs",
            "declaration.features.absent",
            "declaration.features.undeclared",
            "discovery.firmware",
        ] {
            assert!(passed(id), "{name}: {id}");
        }
    }
}

#[test]
fn an_inconsistent_declaration_is_refused_naming_the_key() {
    let broken = [
        (
            REFERENCE_PROFILE.replace(
                "switch = 2\nenabled = true\nmode = \"bistable\"",
                "switch = 2\nenabled = true\nmode = \"bistable\"\nduration = 4",
            ),
            "switches[1].duration",
        ),
        (
            REFERENCE_PROFILE.replace(
                "licences = [\"enhanced-integration\", \"enhanced-audio\"]",
                "licences = []",
            ),
            "switches: declared, but /api/switch/caps needs the Enhanced Integration licence",
        ),
        (
            REFERENCE_PROFILE.replace("port = \"relay2\"", "port = \"relay1\""),
            "ports[1].port: `relay1` is declared twice",
        ),
        (
            REFERENCE_PROFILE.replace(
                "\"camera\", \"display\", \"keypad\"",
                "\"camera\", \"keypad\"",
            ),
            "device.features: `display` is missing but [[displays]] declares some",
        ),
        (
            REFERENCE_PROFILE.replace("\"keypad\", \"card-reader\"", "\"keypad\", \"doorbell\""),
            "device.features: unknown feature `doorbell`",
        ),
        (
            REFERENCE_PROFILE.replace("control = []", "control = [\"doors\"]"),
            "accounts[1].control: unknown privilege `doors`",
        ),
        (
            REFERENCE_PROFILE.replace("user = \"viewer\"", "user = \"admin\""),
            "accounts[1].user: `admin` is declared twice",
        ),
    ];
    for (text, key) in broken {
        assert_ne!(text, REFERENCE_PROFILE, "{key}");
        let error = Profile::parse(&text).expect_err(key);
        assert!(error.0.contains(key), "{error}");
    }
}

/// A declaration wrong in one fact of each kind of difference fails those declaration cases,
/// each naming the fact, and no request case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_difference_is_a_case_of_its_own_and_no_request_case_fails() {
    let wrong = REFERENCE_PROFILE
        .replace(
            "port = \"relay2\"\ntype = \"output\"",
            "port = \"relay2\"\ntype = \"input\"",
        )
        .replace(
            "[[displays]]\ndisplay = \"ext1\"\n",
            "[[displays]]\ndisplay = \"ext1\"\n\n[[displays]]\ndisplay = \"ext2\"\n",
        )
        .replace("[[switches]]\nswitch = 4\nenabled = false\n", "");
    assert_ne!(wrong, REFERENCE_PROFILE);
    let declared = Profile::parse(&wrong).expect("a valid declaration");
    let reference = Reference::start(helios_device::Profile::default_profile()).await;
    let options = Options {
        only: Some("caps".into()),
        ..Options::default()
    };
    let result = run(&declared, &target::target(&reference), &options).await;
    reference.stop().await;
    let failed: Vec<(&str, String)> = result
        .outcomes
        .iter()
        .filter(|o| !matches!(o.verdict, Verdict::Pass | Verdict::NotApplicable(_)))
        .map(|o| (o.id.as_str(), o.verdict.to_string()))
        .collect();
    let ids: Vec<&str> = failed.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids,
        [
            "declaration.switches.undeclared",
            "declaration.ports.differs",
            "declaration.displays.absent",
        ],
        "{failed:#?}"
    );
    for (fact, (_, why)) in ["4", "relay2: declared input, reported output", "ext2"]
        .iter()
        .zip(&failed)
    {
        assert!(why.contains(fact), "{why}");
    }
    assert_eq!(result.exit_code(), 1);
}

/// Without a plain-HTTP address nothing tells whether a service requires HTTPS: each transport
/// is a TODO, and a wrong password is a setup error that names the account.
#[tokio::test]
async fn what_init_cannot_tell_is_a_todo_and_a_wrong_password_a_setup_error() {
    let reference = Reference::start(helios_device::Profile::default_profile()).await;
    let mut target = target::target(&reference);
    target.http = None;
    let drafted = draft(&target, "admin", "2n", &Options::default())
        .await
        .expect("a draft");
    let refused = Profile::parse(&drafted).expect_err("TODOs left");
    assert!(
        refused
            .0
            .contains("services.switch.transport (TODO: no plain-HTTP address"),
        "{refused}"
    );
    assert!(drafted.contains("auth = \"digest\""), "{drafted}");
    let wrong = draft(&target, "admin", "not-2n", &Options::default()).await;
    reference.stop().await;
    let setup = wrong.expect_err("a refused password").to_string();
    assert!(
        setup.contains("SETUP ERROR") && setup.contains("account `admin`"),
        "{setup}"
    );
}
