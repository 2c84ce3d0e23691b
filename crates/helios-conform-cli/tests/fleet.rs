//! Fleets through the binary (`helios-conform --inventory`): twenty reference intercoms on
//! loopback in one run, of three models and three firmware generations, four of them faulty,
//! and one entry nobody answers. The aggregate names exactly the faulty devices and their
//! failing cases, the unreachable one has the setup verdict, the others pass; the fleet's exit
//! code follows the devices'; an invalid inventory is refused before anything is sent.
//!
//! The junit.xml test reads the aggregate with Python's junitparser, as
//! `crates/helios-conform/tests/reports.rs` does; without it the test fails naming the package, unless
//! `HELIOS_NO_PYTHON=1` skips that part (and says so).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use helios_conform::REFERENCE_PROFILE;
use helios_test_support::Reference;
use helios_test_support::helios_device::Profile;
use helios_test_support::helios_device::faults::{Fault, Faults};
use helios_test_support::helios_device::profile::FirmwareVersion;
use serde_json::Value;

/// The cases of each device's run: switch/ctrl's request cases and the switch model.
const ONLY: &str = "switch";

/// A password only one device of the fleet has, which no file of the output may hold; its
/// declaration reads it from the environment (`password_env`).
const SECRET: &str = "Fl33t-Adm1n-Pa55word-91d3";
const SECRET_ENV: &str = "HELIOS_TEST_FLEET_SECRET";

/// The models and firmware generations of the fleet: each a device profile, and its lab
/// declaration (`None`: the reference declaration, the inventory names no profile).
#[derive(Clone, Copy, Debug)]
enum Kind {
    Verso,
    Later,
    Vario,
    Firmware213,
    Secret,
}

impl Kind {
    fn device(self, faults: Faults) -> Profile {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../helios-device/profiles");
        let mut profile = match self {
            Self::Later => Profile::load(&root.join("later.toml")).expect("later.toml"),
            Self::Vario => Profile::load(&root.join("vario.toml")).expect("vario.toml"),
            _ => Profile::default_profile(),
        };
        match self {
            Self::Firmware213 => {
                profile.device.sw_version =
                    FirmwareVersion::try_from("2.13.0.0.1".to_owned()).expect("a version");
            }
            Self::Secret => profile.accounts.0[0].password = SECRET.into(),
            _ => {}
        }
        profile.faults = faults;
        profile
    }

    /// The declaration's file name and text.
    fn declaration(self) -> Option<(&'static str, String)> {
        let replace = |pairs: &[(&str, &str)]| {
            let mut text = REFERENCE_PROFILE.to_owned();
            for (from, to) in pairs {
                assert!(text.contains(from), "{from}");
                text = text.replace(from, to);
            }
            text
        };
        match self {
            Self::Verso => None,
            Self::Later => Some((
                "later.toml",
                without_guard(&replace(&[("2.21.0.0.1", "2.50.0.76.2")])),
            )),
            Self::Firmware213 => Some(("fw213.toml", replace(&[("2.21.0.0.1", "2.13.0.0.1")]))),
            Self::Secret => Some((
                "secret.toml",
                replace(&[(
                    "password = \"2n\"",
                    &format!("password_env = \"{SECRET_ENV}\""),
                )]),
            )),
            Self::Vario => Some(("vario.toml", vario_declaration())),
        }
    }
}

/// A declaration without the reference's `guard` account, which the Vario and the later
/// firmware's profiles do not have.
fn without_guard(text: &str) -> String {
    let start = text
        .find("# A guard's account")
        .expect("the guard's account");
    let end = start + text[start..].find("\n\n").expect("the end of its table") + 2;
    format!("{}{}", &text[..start], &text[end..])
}

/// The lab's declaration of `helios-device/profiles/vario.toml`: its model, licence, security
/// and accounts; its hardware left undeclared (those `declaration.*` cases not applicable).
fn vario_declaration() -> String {
    let service = |name: &str, enabled: bool, transport: &str, auth: &str| {
        format!(
            "[services.{name}]\nenabled = {enabled}\ntransport = \"{transport}\"\nauth = \"{auth}\""
        )
    };
    let reference = without_guard(REFERENCE_PROFILE);
    let hardware = reference
        .find("# The hardware the device claims")
        .expect("the hardware sections");
    let features = reference.find("features = [").expect("the features");
    let features = features..features + reference[features..].find('\n').expect("a line") + 1;
    let mut text = format!(
        "{}{}",
        &reference[..features.start],
        &reference[features.end..hardware]
    )
    .replace("2N Helios IP Verso", "2N Helios IP Vario")
    .replace(
        "licences = [\"enhanced-integration\", \"enhanced-audio\"]",
        "licences = [\"enhanced-integration\"]",
    );
    for (name, enabled, transport, auth) in [
        ("switch", true, "http", "basic"),
        ("io", true, "http", "basic"),
        ("display", false, "https", "digest"),
    ] {
        text = text.replace(
            &service(name, true, "https", "digest"),
            &service(name, enabled, transport, auth),
        );
    }
    let camera = service("camera", true, "http", "none");
    assert!(text.contains(&camera));
    text = text.replace(&camera, &service("camera", true, "http", "basic"));
    let viewer = "user = \"viewer\"\npassword = \"viewer\"\nmonitoring = [\"system\", \"phone\", \
                  \"io\", \"switch\", \"audio\", \"camera\", \"display\", \"email\", \"uid\", \
                  \"keypad\"]\ncontrol = []";
    assert!(text.contains(viewer));
    text.replace(
        viewer,
        "user = \"vms\"\npassword = \"vms\"\nmonitoring = [\"camera\"]\ncontrol = [\"switch\"]",
    )
}

/// The fleet: each device's name, kind and faults.
fn fleet() -> Vec<(String, Kind, Faults)> {
    let none = Faults::default();
    let mut fleet: Vec<(String, Kind, Faults)> = Vec::new();
    for (count, name, kind) in [
        (7, "verso", Kind::Verso),
        (3, "later", Kind::Later),
        (3, "vario", Kind::Vario),
        (2, "fw213", Kind::Firmware213),
        (1, "secret", Kind::Secret),
    ] {
        for n in 1..=count {
            fleet.push((format!("{name}-{n}"), kind, none));
        }
    }
    for (name, kind, fault) in FAULTY {
        fleet.push((name.to_owned(), kind, none.with(fault)));
    }
    fleet
}

/// The faulty devices: name, kind, fault.
const FAULTY: [(&str, Kind, Fault); 4] = [
    (
        "verso-missing-as-invalid",
        Kind::Verso,
        Fault::MissingAsInvalid,
    ),
    (
        "verso-status-inverted",
        Kind::Verso,
        Fault::SwitchStatusInverted,
    ),
    (
        "later-disabled-switch-operates",
        Kind::Later,
        Fault::DisabledSwitchOperates,
    ),
    (
        "vario-missing-as-invalid",
        Kind::Vario,
        Fault::MissingAsInvalid,
    ),
];

/// The entry nobody answers: a loopback port no listener holds.
const UNREACHABLE: &str = "door-unreachable";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("helios-fleet-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// A loopback port nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address").port()
}

/// One `[[device]]` of the inventory.
fn entry(name: &str, reference: Option<&Reference>, profile: Option<&str>) -> String {
    let mut text = format!("[[device]]\nname = \"{name}\"\n");
    match reference {
        Some(reference) => {
            text += &format!(
                "https = \"{}\"\nhttp = \"{}\"\ninsecure = true\n",
                reference.https, reference.http
            );
        }
        None => text += &format!("https = \"https://127.0.0.1:{}\"\n", closed_port()),
    }
    if let Some(profile) = profile {
        text += &format!("profile = \"declarations/{profile}\"\n");
    }
    text + "\n"
}

fn conform(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_helios-conform"))
        .env(SECRET_ENV, SECRET)
        .args(args)
        .output()
        .expect("helios-conform runs")
}

/// `--inventory INVENTORY --report-dir OUT --only switch` and more `args`.
fn run_fleet(inventory: &Path, out: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "--inventory".as_ref(),
        inventory.as_os_str(),
        "--report-dir".as_ref(),
        out.as_os_str(),
        "--only".as_ref(),
        ONLY.as_ref(),
    ];
    all.extend(args.iter().map(std::ffi::OsStr::new));
    conform(&all)
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect()
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_devices_in_one_run_name_exactly_the_faulty_ones_and_their_failing_cases() {
    let dir = scratch("twenty");
    std::fs::create_dir_all(dir.join("declarations")).expect("a folder");
    let mut inventory = String::from("# twenty reference intercoms and one nobody answers\n\n");
    let mut references = Vec::new();
    for (name, kind, faults) in fleet() {
        let reference = Reference::start(kind.device(faults)).await;
        let declaration = kind.declaration();
        if let Some((file, text)) = &declaration {
            std::fs::write(dir.join("declarations").join(file), text).expect("a declaration");
        }
        inventory += &entry(&name, Some(&reference), declaration.as_ref().map(|d| d.0));
        references.push(reference);
    }
    assert_eq!(references.len(), 20);
    inventory += &entry(UNREACHABLE, None, None);
    let inventory_path = dir.join("fleet.toml");
    std::fs::write(&inventory_path, &inventory).expect("the inventory");
    let out = dir.join("out");

    let started = std::time::Instant::now();
    let output = run_fleet(&inventory_path, &out, &["--jobs", "6"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!(
        "{stdout}\n{stderr}\nthe fleet ran in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for reference in references {
        reference.stop().await;
    }
    assert_eq!(output.status.code(), Some(1), "a device departs: exit 1");

    let faulty: BTreeSet<&str> = FAULTY.iter().map(|f| f.0).collect();
    check_results(&out, &faulty);
    check_index(&out, &faulty);
    check_junit(&out);
    let verified = conform(&["verify".as_ref(), out.as_os_str()]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
    for file in files(&out) {
        let bytes = std::fs::read(&file).expect("a file");
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{} holds a password",
            file.display()
        );
    }
}

/// The merged results.ndjson: each device's own failing cases, exactly, under its name; the
/// summary's exit codes: 1 for the faulty, 4 for the unreachable, 0 for the rest.
fn check_results(out: &Path, faulty: &BTreeSet<&str>) {
    let merged = lines(&out.join("results.ndjson"));
    let (summary, cases) = merged.split_last().expect("a summary line");
    let mut failing: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for case in cases.iter().filter(|c| c["verdict"] == "fail") {
        let device = case["device"].as_str().expect("a device field");
        failing
            .entry(device.to_owned())
            .or_default()
            .insert(case["id"].as_str().expect("an id").to_owned());
    }
    assert_eq!(
        failing.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        *faulty,
        "the faulty devices, exactly"
    );
    for (name, _, fault) in FAULTY {
        let own: BTreeSet<String> = lines(&out.join(name).join("results.ndjson"))
            .iter()
            .filter(|c| c["verdict"] == "fail")
            .map(|c| c["id"].as_str().expect("an id").to_owned())
            .collect();
        assert_eq!(failing[name], own, "{name}: its own report's failures");
        let function = fault.function().path;
        assert!(
            cases.iter().any(|c| c["device"] == name
                && c["verdict"] == "fail"
                && c["function"] == function),
            "{name}: no failing case of {function}"
        );
    }
    let devices = summary["summary"]["devices"].as_array().expect("devices");
    assert_eq!(devices.len(), 21);
    for device in devices {
        let name = device["name"].as_str().expect("a name");
        let expected = if faulty.contains(name) {
            1
        } else if name == UNREACHABLE {
            4
        } else {
            0
        };
        assert_eq!(device["exitCode"], expected, "{name}: {device}");
    }
    let unreachable = devices.iter().find(|d| d["name"] == UNREACHABLE);
    assert!(unreachable.is_some_and(|d| d["setup"].as_str().is_some_and(|s| !s.is_empty())));
    assert!(out.join(UNREACHABLE).join("setup.json").is_file());
    assert!(!out.join(UNREACHABLE).join("results.ndjson").exists());
    assert_eq!(summary["summary"]["exitCode"], 1);
    let total = summary["summary"]["cases"].as_u64().expect("a count");
    assert_eq!(total, cases.len() as u64);
}

/// index.html: every device linked to its report, the unreachable one's setup error, and the
/// faulty table naming exactly the faulty devices.
fn check_index(out: &Path, faulty: &BTreeSet<&str>) {
    let html = std::fs::read_to_string(out.join("index.html")).expect("index.html");
    for (name, _, _) in fleet() {
        assert!(
            html.contains(&format!("href=\"{name}/report.html\"")),
            "{name}"
        );
    }
    assert!(html.contains(&format!("href=\"{UNREACHABLE}/setup.json\"")));
    assert!(html.contains("setup error: "));
    let table = &html[html.find("id=\"faulty\"").expect("the faulty table")..];
    let named: BTreeSet<&str> = table
        .split("<tr data-device=\"")
        .skip(1)
        .filter_map(|row| row.split('"').next())
        .collect();
    assert_eq!(named, *faulty);
    for case in lines(&out.join("results.ndjson")) {
        if case["verdict"] == "fail" {
            assert!(table.contains(case["id"].as_str().expect("an id")));
        }
    }
}

/// What junitparser reads of the aggregate's junit.xml: per suite, its name and counts.
const READ_JUNIT: &str = r#"
import json, sys
from junitparser import JUnitXml, Failure, Error, Skipped
suites = {}
for suite in JUnitXml.fromfile(sys.argv[1]):
    kinds = [type(r).__name__ for case in suite for r in case.result]
    suites[suite.name] = {
        "cases": len(list(suite)),
        "failures": kinds.count("Failure"),
        "errors": kinds.count("Error"),
        "properties": {p.name: p.value for p in suite.properties()},
    }
print(json.dumps(suites))
"#;

/// junit.xml: one testsuite per device, its failures those of its report, the unreachable one
/// a setup error.
fn check_junit(out: &Path) {
    let found = Command::new("python3")
        .args(["-c", "import junitparser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("HELIOS_NO_PYTHON").is_ok_and(|v| v == "1") {
            eprintln!("SKIPPED: python3 with junitparser is missing, so junit.xml was not read");
            return;
        }
        panic!(
            "this test reads junit.xml with Python's junitparser, which is missing: `python3 -m \
             pip install junitparser`, or set HELIOS_NO_PYTHON=1 to skip it"
        );
    }
    let output = Command::new("python3")
        .args(["-c", READ_JUNIT])
        .arg(out.join("junit.xml"))
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let suites: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let suites = suites.as_object().expect("suites");
    assert_eq!(suites.len(), 21);
    for (name, suite) in suites {
        let path = out.join(name).join("results.ndjson");
        if name == UNREACHABLE {
            assert_eq!((&suite["cases"], &suite["errors"]), (&1.into(), &1.into()));
            assert_eq!(suite["properties"]["exit.code"], "4");
            continue;
        }
        let cases = lines(&path);
        let failing = cases.iter().filter(|c| c["verdict"] == "fail").count();
        assert_eq!(suite["failures"], failing, "{name}");
        assert_eq!(suite["cases"], cases.len() - 1, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_exits_4_when_one_device_is_unreachable_and_none_departs_signed_throughout() {
    let dir = scratch("setup");
    let reference = Reference::start(Profile::default_profile()).await;
    let inventory = dir.join("fleet.toml");
    std::fs::write(
        &inventory,
        entry("door-1", Some(&reference), None) + &entry(UNREACHABLE, None, None),
    )
    .expect("the inventory");
    let key = dir.join("lab");
    let made = conform(&["keygen".as_ref(), "--out".as_ref(), key.as_os_str()]);
    assert_eq!(made.status.code(), Some(0));
    let private = dir.join("lab.key.pem");
    let output = run_fleet(
        &inventory,
        &dir.join("out"),
        &["--sign", private.to_str().expect("a UTF-8 path")],
    );
    reference.stop().await;
    assert_eq!(
        output.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The fleet and each device are sealed and signed by the lab's key.
    let public = dir.join("lab.pub.pem");
    for sealed in [
        dir.join("out"),
        dir.join("out/door-1"),
        dir.join("out").join(UNREACHABLE),
    ] {
        let verified = conform(&[
            "verify".as_ref(),
            sealed.as_os_str(),
            "--key".as_ref(),
            public.as_os_str(),
        ]);
        assert_eq!(
            verified.status.code(),
            Some(0),
            "{}: {}",
            sealed.display(),
            String::from_utf8_lossy(&verified.stdout)
        );
    }
    let summary = lines(&dir.join("out/results.ndjson"))
        .pop()
        .expect("a line");
    let codes: Vec<&Value> = (summary["summary"]["devices"].as_array().expect("devices"))
        .iter()
        .map(|d| &d["exitCode"])
        .collect();
    assert_eq!(codes, [&Value::from(0), &Value::from(4)]);
}

#[test]
fn an_invalid_entry_is_a_usage_error_naming_it_before_anything_is_sent() {
    let dir = scratch("invalid");
    let inventory = dir.join("fleet.toml");
    // A first entry that is fine, whose address would be sent to, and a second with a typo.
    std::fs::write(
        &inventory,
        entry(UNREACHABLE, None, None) + "[[device]]\nname = \"door-2\"\nhtps = \"https://x\"\n",
    )
    .expect("the inventory");
    let out = dir.join("out");
    let output = run_fleet(&inventory, &out, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("[[device]] 2 (`door-2`), key `htps`: unknown key"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written, nothing sent");
    // A declaration that does not parse names the entry's `profile`.
    std::fs::write(dir.join("bad.toml"), "[device]\nvariant = 3\n").expect("a file");
    std::fs::write(
        &inventory,
        "[[device]]\nname = \"door-3\"\nhttps = \"https://127.0.0.1:1\"\nprofile = \"bad.toml\"\n",
    )
    .expect("the inventory");
    let output = run_fleet(&inventory, &out, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("[[device]] 1 (`door-3`), key `profile`"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn help_says_how_the_fleet_exit_code_is_derived() {
    let output = conform(&["--help".as_ref()]);
    let help = String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(help.contains("--inventory <FILE>"), "{help}");
    assert!(help.contains("--jobs <N>"), "{help}");
    assert!(
        help.contains(
            "The fleet exits 1 when any device departs from the manual, else 4 when any had a \
             setup error (an unreachable device), else 3 when any run sent no request case, else \
             2 when any stands undecided, else 0"
        ),
        "{help}"
    );
}

#[test]
fn a_fleet_writes_into_a_fresh_directory_or_empties_an_earlier_fleet_with_force() {
    let dir = scratch("fresh");
    let inventory = dir.join("fleet.toml");
    std::fs::write(&inventory, entry(UNREACHABLE, None, None)).expect("the inventory");
    let out = dir.join("out");
    assert_eq!(run_fleet(&inventory, &out, &[]).status.code(), Some(4));
    let again = run_fleet(&inventory, &out, &[]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("is not empty"), "{stderr}");
    let forced = run_fleet(&inventory, &out, &["--force"]);
    assert_eq!(forced.status.code(), Some(4));
    let verified = conform(&["verify".as_ref(), out.as_os_str()]);
    assert_eq!(verified.status.code(), Some(0));
}

/// The device directories of a fleet's report directory.
fn device_dirs(out: &Path) -> BTreeSet<String> {
    std::fs::read_dir(out)
        .expect("the fleet's directory")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inventory_shards_by_whole_devices_and_its_shards_merge_into_the_fleet() {
    let dir = scratch("shards");
    let mut references = Vec::new();
    let mut text = String::new();
    for name in ["door-a", "door-b", "door-c"] {
        let reference = Reference::start(Profile::default_profile()).await;
        text += &entry(name, Some(&reference), None);
        references.push(reference);
    }
    let inventory = dir.join("fleet.toml");
    std::fs::write(&inventory, text).expect("the inventory");
    let mut shards = Vec::new();
    for k in 1..=2 {
        let out = dir.join(format!("shard-{k}"));
        let output = run_fleet(&inventory, &out, &["--shard", &format!("{k}/2")]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        shards.push(out);
    }
    // Whole devices, each in one shard.
    let (one, two) = (device_dirs(&shards[0]), device_dirs(&shards[1]));
    assert!(one.is_disjoint(&two), "{one:?} {two:?}");
    assert_eq!(one.len() + two.len(), 3);
    let merged = dir.join("merged");
    let output = conform(&[
        "merge".as_ref(),
        shards[0].as_os_str(),
        shards[1].as_os_str(),
        "--out".as_ref(),
        merged.as_os_str(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        device_dirs(&merged),
        ["door-a", "door-b", "door-c"].map(String::from).into()
    );
    let summary = lines(&merged.join("results.ndjson"))
        .pop()
        .expect("a summary");
    assert_eq!(
        summary["summary"]["devices"].as_array().map(Vec::len),
        Some(3)
    );
    let verified = conform(&["verify".as_ref(), merged.as_os_str()]);
    assert_eq!(verified.status.code(), Some(0));
    // More shards than devices: a usage error, nothing sent.
    let output = run_fleet(&inventory, &dir.join("too-many"), &["--shard", "4/4"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at most 3 shards"));
    for reference in references {
        reference.stop().await;
    }
}
