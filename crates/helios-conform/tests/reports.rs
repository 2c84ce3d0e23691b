//! The reports a CI and a lab consume: `junit.xml` read by a real consumer (Python's
//! junitparser), `results.ndjson` with its summary line, and no password of the profile
//! anywhere in the report directory (base64 decoded too), while a replay still works from it.
//!
//! Without python3 and junitparser the JUnit test fails naming the package, unless
//! `HELIOS_NO_PYTHON=1` skips it (and says so).

#[path = "support/target.rs"]
mod target;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use helios_client::{Exchange, RawRequest, RawResponse};
use helios_conform::report::{self, Supply};
use helios_conform::{
    Options, Outcome, Profile, REFERENCE_PROFILE, Report, Target, Verdict, exit_code, run,
};
use helios_spec::functions::switch;
use helios_test_support::{Reference, helios_device};

/// The environment variable that skips the tests needing Python where it is not installed.
const SKIP_PYTHON: &str = "HELIOS_NO_PYTHON";

/// The lab's passwords in these tests: long enough that no byte of a reply holds one by chance.
const ADMIN_PASSWORD: &str = "Adm1n-Pa55word-7c1e";
const VIEWER_PASSWORD: &str = "V1ewer&<Secret>-42ab";

/// The reference profile, with the tests' passwords on both sides.
fn profiles() -> (helios_device::Profile, String) {
    let mut device = helios_device::Profile::default_profile();
    device.accounts.0[0].password = ADMIN_PASSWORD.into();
    device.accounts.0[1].password = VIEWER_PASSWORD.into();
    let lab = REFERENCE_PROFILE
        .replace(
            "password = \"2n\"",
            &format!("password = \"{ADMIN_PASSWORD}\""),
        )
        .replace(
            "password = \"viewer\"",
            &format!("password = '{VIEWER_PASSWORD}'"),
        );
    assert!(lab.contains(ADMIN_PASSWORD) && lab.contains(VIEWER_PASSWORD));
    (device, lab)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("helios-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs each selection against `target` and keeps every outcome in one run.
async fn runs(profile: &helios_conform::Checked, target: &Target, selections: &[&str]) -> Report {
    let mut whole: Option<Report> = None;
    for only in selections {
        let options = Options {
            only: Some((*only).into()),
            ..Options::default()
        };
        let one = run(profile, target, &options).await;
        assert!(!one.outcomes.is_empty(), "{only}");
        match &mut whole {
            None => whole = Some(one),
            Some(whole) => whole.outcomes.extend(one.outcomes),
        }
    }
    whole.expect("a selection")
}

fn code(run: &Report) -> i32 {
    let verdicts: Vec<Verdict> = run.outcomes.iter().map(|o| o.verdict.clone()).collect();
    exit_code(&verdicts)
}

/// A case of each verdict the run itself did not give, one failing with an exchange.
fn add_every_verdict(run: &mut Report, exchange: &Exchange, secret: &str) {
    let verdicts = [
        Verdict::Fail(format!("the device answered {secret}")),
        Verdict::NotApplicable("no such licence".into()),
        Verdict::Skipped("tier config not allowed (--allow config)".into()),
        Verdict::Inconclusive("the request came back too late".into()),
        Verdict::Error("the request failed: connection refused".into()),
    ];
    for verdict in verdicts {
        let mut outcome = Outcome::new(
            format!("made.{}", verdict.id()),
            &switch::caps::FUNCTION,
            "made",
        );
        outcome.expected = "HTTP 200 success".into();
        outcome.observed = format!("a body holding {secret}");
        if matches!(verdict, Verdict::Fail(_)) {
            outcome.exchanges.push(exchange.clone());
            outcome.attach("difference.diff", format!("-Password {secret}\n"));
        }
        outcome.verdict = verdict;
        outcome.duration = Duration::from_millis(12);
        run.outcomes.push(outcome);
    }
}

/// `python3` with junitparser. Without it the test fails naming the package, unless
/// `HELIOS_NO_PYTHON=1` asks to skip: then `None`, and a line on stderr says so.
fn python_with_junitparser() -> Option<&'static str> {
    let found = std::process::Command::new("python3")
        .args(["-c", "import junitparser"])
        .output()
        .is_ok_and(|output| output.status.success());
    if found {
        return Some("python3");
    }
    if std::env::var(SKIP_PYTHON).is_ok_and(|v| v == "1") {
        eprintln!(
            "SKIPPED: python3 with junitparser is missing and {SKIP_PYTHON}=1, so this test of \
             junit.xml did not run"
        );
        return None;
    }
    panic!(
        "this test reads junit.xml with Python's junitparser, which is missing: `python3 -m pip \
         install junitparser` (CI's .ci/run does), or set {SKIP_PYTHON}=1 to skip it"
    )
}

/// What junitparser reads of a report, as JSON.
const READ_JUNIT: &str = r#"
import json, sys
from junitparser import JUnitXml
suites = []
for suite in JUnitXml.fromfile(sys.argv[1]):
    cases = []
    for case in suite:
        cases.append({
            "name": case.name,
            "time": case.time,
            "requirements": [
                p.get("value") for p in case._elem.findall("properties/property")
                if p.get("name") == "requirement"
            ],
            "results": [
                {"kind": type(r).__name__, "message": r.message, "type": r.type, "text": r.text}
                for r in case.result
            ],
        })
    suites.append({
        "name": suite.name,
        "timestamp": suite.timestamp,
        "hostname": suite.hostname,
        "time": suite.time,
        "properties": {p.name: p.value for p in suite.properties()},
        "cases": cases,
    })
print(json.dumps(suites))
"#;

#[tokio::test]
async fn junit_xml_reads_in_junitparser_with_times_properties_and_reproductions() {
    let Some(python) = python_with_junitparser() else {
        return;
    };
    let (device, lab) = profiles();
    let reference = Reference::start(device).await;
    let target = target::target(&reference);
    let profile = Profile::parse(&lab).expect("the profile");
    let mut result = runs(&profile, &target, &["switch_caps"]).await;
    reference.stop().await;
    let exchange = result
        .outcomes
        .iter()
        .find_map(|o| o.exchanges.last().cloned())
        .expect("an exchange");
    add_every_verdict(&mut result, &exchange, ADMIN_PASSWORD);
    let dir = scratch("junit");
    report::write(&result, &dir, &target, &lab, code(&result)).expect("the reports");

    let output = std::process::Command::new(python)
        .args(["-c", READ_JUNIT])
        .arg(dir.join("junit.xml"))
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let suites: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let suites = suites.as_array().expect("suites");
    assert!(!suites.is_empty());
    let mut seen = 0;
    for suite in suites {
        let name = &suite["name"];
        assert!(
            suite["timestamp"]
                .as_str()
                .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()),
            "{name}: {suite}"
        );
        assert!(
            suite["hostname"].as_str().is_some_and(|h| !h.is_empty()),
            "{name}"
        );
        let properties = &suite["properties"];
        assert_eq!(properties["seed"], result.seed.to_string(), "{name}");
        assert_eq!(properties["firmware"], "2.21.0.0.1", "{name}");
        assert_eq!(
            properties["profile.sha256"],
            report::sha256_hex(lab.as_bytes())
        );
        for key in ["tool.version", "manual.version", "exit.code"] {
            assert!(properties[key].as_str().is_some(), "{name}: {key}");
        }
        for case in suite["cases"].as_array().expect("cases") {
            seen += 1;
            assert!(case["time"].as_f64().is_some(), "{case}");
            let id = case["name"].as_str().unwrap_or_default();
            let cited = result
                .outcomes
                .iter()
                .find(|o| o.id == id)
                .map(|o| &o.requirements);
            assert_eq!(
                case["requirements"],
                serde_json::json!(cited.expect("the case")),
                "{case}"
            );
        }
    }
    assert_eq!(seen, result.outcomes.len());
    let case = |id: &str| -> serde_json::Value {
        suites
            .iter()
            .flat_map(|s| s["cases"].as_array().expect("cases"))
            .find(|c| c["name"] == id)
            .unwrap_or_else(|| panic!("no case {id}"))["results"][0]
            .clone()
    };
    let failure = case("made.fail");
    assert_eq!(failure["kind"], "Failure");
    let body = failure["text"].as_str().expect("a failure body");
    let replay = format!(
        "cargo xtask conform replay made.fail --report-dir {}",
        dir.display()
    );
    assert!(
        body.contains("expected: HTTP 200 success")
            && body.contains("curl -sS -i")
            && body.contains("$HELIOS_PASS_ADMIN")
            && body.contains(&replay),
        "{body}"
    );
    assert!(!body.contains(ADMIN_PASSWORD), "{body}");
    let message = |id: &str| case(id)["message"].as_str().unwrap_or_default().to_owned();
    assert_eq!(case("made.not-applicable")["kind"], "Skipped");
    assert_eq!(
        message("made.not-applicable"),
        "not applicable: no such licence"
    );
    assert_eq!(case("made.skipped")["kind"], "Skipped");
    assert!(message("made.skipped").starts_with("skipped: tier config"));
    assert_eq!(case("made.error")["kind"], "Error");
    assert!(message("made.error").starts_with("error: "));
    assert_eq!(case("made.inconclusive")["kind"], "Error");
    assert!(message("made.inconclusive").starts_with("inconclusive: "));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn results_ndjson_ends_with_the_summary_and_carries_times() {
    let (device, lab) = profiles();
    let reference = Reference::start(device).await;
    let target = target::target(&reference);
    let profile = Profile::parse(&lab).expect("the profile");
    let result = runs(&profile, &target, &["switch_status"]).await;
    reference.stop().await;
    let text = report::ndjson(&result, &lab, 7);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let (summary, cases) = lines.split_last().expect("lines");
    assert_eq!(cases.len(), result.outcomes.len());
    assert!(
        cases
            .iter()
            .any(|c| c["function"] == switch::status::FUNCTION.path)
    );
    for case in cases {
        let function = helios_spec::function(case["function"].as_str().unwrap_or_default())
            .expect("a function of the spec");
        assert_eq!(case["service"], function.service.name(), "{case}");
        assert_eq!(case["section"], function.section.number, "{case}");
        assert!(case["duration"].as_f64().is_some(), "{case}");
        let cited = case["requirements"].as_array().expect("the requirements");
        assert!(
            !cited.is_empty()
                && cited.iter().all(|id| {
                    helios_spec::requirements::requirement(id.as_str().unwrap_or_default())
                        .is_some()
                }),
            "{case}"
        );
        let timestamp = case["timestamp"].as_str().expect("a timestamp");
        assert!(
            timestamp.len() == 24
                && timestamp.ends_with('Z')
                && chrono::DateTime::parse_from_rfc3339(timestamp).is_ok(),
            "{timestamp}"
        );
    }
    let summary = &summary["summary"];
    assert_eq!(summary["exitCode"], 7);
    assert_eq!(summary["cases"], result.outcomes.len());
    let counted: u64 = summary["counts"]
        .as_object()
        .expect("counts")
        .values()
        .filter_map(serde_json::Value::as_u64)
        .sum();
    assert_eq!(counted, result.outcomes.len() as u64);
    assert_eq!(summary["counts"].as_object().map(|c| c.len()), Some(7));
    assert!(summary["timestamp"].as_str().is_some() && summary["duration"].as_f64().is_some());
    let requirements = &summary["requirements"];
    let judged = requirements["judged"]
        .as_u64()
        .expect("requirements judged");
    let applicable = requirements["applicable"]
        .as_u64()
        .expect("requirements applicable");
    assert!(0 < judged && judged < applicable, "{requirements}");
    assert_eq!(requirements["failed"], 0);
}

/// Every base64 token of `bytes` (eight characters or more), decoded.
fn decoded_tokens(bytes: &[u8]) -> Vec<Vec<u8>> {
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
    ];
    bytes
        .split(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')))
        .filter(|token| token.len() >= 8)
        .filter_map(|token| engines.iter().find_map(|e| e.decode(token).ok()))
        .collect()
}

/// Whether `bytes`, or what any base64 in them decodes to (twice over: an `Authorization:
/// Basic` inside a request kept in base64), holds `needle`.
fn holds(bytes: &[u8], needle: &[u8], depth: u32) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
        || (depth > 0
            && decoded_tokens(bytes)
                .iter()
                .any(|decoded| holds(decoded, needle, depth - 1)))
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[tokio::test]
async fn no_password_reaches_the_report_directory_and_a_replay_still_works() {
    let (device, lab) = profiles();
    let reference = Reference::start(device).await;
    let target = target::target(&reference);
    let profile = Profile::parse(&lab).expect("the profile");
    // One run: the device blocks an address after a few failed logins, and each run's budget
    // is its own.
    let mut result = runs(&profile, &target, &["switch_caps"]).await;
    let ids: Vec<String> = result.outcomes.iter().map(|o| o.id.clone()).collect();
    for kind in [
        ".wrong-password",
        ".basic-where-digest-only",
        ".account-admin",
    ] {
        assert!(ids.iter().any(|id| id.ends_with(kind)), "{kind}: {ids:?}");
    }
    // A request that carried Basic credentials, whose reply held the password (as a
    // configuration download does), with the password in its texts and attachments too.
    let basic = result
        .outcomes
        .iter()
        .filter(|o| o.id.ends_with(".basic-where-digest-only"))
        .flat_map(|o| &o.exchanges)
        .find(|e| {
            e.request
                .headers
                .iter()
                .any(|(_, v)| v.starts_with("Basic "))
        })
        .expect("a Basic exchange")
        .clone();
    let leaky = Exchange {
        request: RawRequest {
            body: format!("<Password>{ADMIN_PASSWORD}</Password>").into_bytes(),
            ..basic.request.clone()
        },
        response: RawResponse {
            body: format!("<Password>{VIEWER_PASSWORD}</Password>").into_bytes(),
            ..basic.response.clone()
        },
        ..basic
    };
    add_every_verdict(&mut result, &leaky, VIEWER_PASSWORD);
    let dir = scratch("secrets");
    report::write(&result, &dir, &target, &lab, code(&result)).expect("the reports");
    report::write_evidence(&result, &dir, &lab, &target).expect("the evidence");
    // Sealed and signed as `--sign` does it: run.json, the manifest, the signature and the
    // signer's key are scanned with the rest.
    let options = Options {
        only: Some(format!("switch_caps {ADMIN_PASSWORD}")),
        ..Options::default()
    };
    let record = report::record::RunRecord {
        options: &options,
        commit: "unknown",
        exit_code: code(&result),
    };
    report::record::write_run(&result, &dir, &lab, &record).expect("run.json");
    let key = report::keys::generate().expect("a key");
    report::seal::seal(&dir, Some(&key)).expect("sealed");
    let summary = report::summary(&result, &lab);

    let all = files(&dir);
    assert!(all.len() > 10, "{all:?}");
    for sealed in [
        "run.json",
        "manifest.sha256",
        "manifest.sig",
        "signer.pub.pem",
    ] {
        assert!(all.contains(&dir.join(sealed)), "{sealed}: {all:?}");
    }
    for password in [
        ADMIN_PASSWORD,
        VIEWER_PASSWORD,
        "V1ewer&amp;&lt;Secret&gt;-42ab",
    ] {
        assert!(!summary.contains(password), "the summary holds {password}");
        for file in &all {
            let bytes = std::fs::read(file).expect("a file");
            assert!(
                !holds(&bytes, password.as_bytes(), 2),
                "{} holds {password}",
                file.display()
            );
        }
    }
    // The Basic exchanges are kept, their credentials masked and said to be.
    let exchanges = std::fs::read_to_string(dir.join("evidence/exchanges/made.fail.json"))
        .expect("the failure's exchanges");
    assert!(exchanges.contains("\"masked\": true"), "{exchanges}");
    let evidence_profile =
        std::fs::read_to_string(dir.join("evidence/profile.toml")).expect("the profile");
    assert!(evidence_profile.contains(&report::sha256_hex(ADMIN_PASSWORD.as_bytes())));

    // The replay, as `cargo xtask conform replay` does it: the recorded profile lacks the
    // passwords, and says what to supply.
    let unsupplied = report::restore_profile(
        &evidence_profile,
        Supply {
            profiles: &[],
            env: &|_| None,
            fallback: &[REFERENCE_PROFILE],
        },
    )
    .expect_err("no password supplied")
    .to_string();
    assert!(
        unsupplied.contains("--profile FILE") && unsupplied.contains("HELIOS_PASS_ADMIN"),
        "{unsupplied}"
    );
    let wrong = report::restore_profile(
        &evidence_profile,
        Supply {
            profiles: &[],
            env: &|_| Some("guess".into()),
            fallback: &[],
        },
    )
    .expect_err("wrong passwords")
    .to_string();
    assert!(wrong.contains("SHA-256 differs"), "{wrong}");
    // From the environment, one variable per account.
    let env = |name: &str| match name {
        "HELIOS_PASS_ADMIN" => Some(ADMIN_PASSWORD.to_owned()),
        "HELIOS_PASS_VIEWER" => Some(VIEWER_PASSWORD.to_owned()),
        _ => None,
    };
    let restored = report::restore_profile(
        &evidence_profile,
        Supply {
            profiles: &[],
            env: &env,
            fallback: &[REFERENCE_PROFILE],
        },
    )
    .expect("the passwords restored");
    let replayed_profile = Profile::parse(&restored).expect("the restored profile");
    let results = std::fs::read_to_string(dir.join("results.ndjson")).expect("results");
    let id = ids
        .iter()
        .find(|id| id.ends_with(".account-admin"))
        .expect("an admin case")
        .clone();
    let line = results
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["id"] == id.as_str())
        .expect("the case's line");
    let options = Options {
        case: Some(id.clone()),
        replay: line.get("replay").cloned(),
        ..Options::default()
    };
    let replayed = run(&replayed_profile, &target, &options).await;
    let outcome = replayed
        .outcomes
        .iter()
        .find(|o| o.id == id)
        .expect("the case again");
    assert_eq!(outcome.verdict, Verdict::Pass, "{id}");
    // And the profile given again serves as well.
    assert!(
        report::restore_profile(
            &evidence_profile,
            Supply {
                profiles: &[&lab],
                env: &|_| None,
                fallback: &[],
            },
        )
        .is_ok()
    );
    reference.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
