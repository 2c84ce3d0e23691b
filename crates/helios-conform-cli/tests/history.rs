//! Runs at release scale, through the binary against reference intercoms on loopback: shards
//! that together judge every case once, two stored runs compared (`diff`), and the failures of
//! a stored run sent again (`--rerun-failed`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use helios_test_support::Reference;
use helios_test_support::helios_device::Profile;
use helios_test_support::helios_device::faults::{Fault, Faults};

/// The cases of the runs: switch/ctrl's request cases and the switch model, a few seconds.
const ONLY: &str = "switch";

/// Where this test process keeps `name` (left as it is).
fn place(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("helios-history-{}-{name}", std::process::id()))
}

/// `place(name)`, emptied.
fn scratch(name: &str) -> PathBuf {
    let dir = place(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `helios-conform` against `reference` with `args`; its exit code.
fn conform(reference: &Reference, args: &[&str]) -> i32 {
    let output = Command::new(env!("CARGO_BIN_EXE_helios-conform"))
        .args([&reference.https, "--http", &reference.http, "--insecure"])
        .args(["--only", ONLY])
        .args(args)
        .output()
        .expect("helios-conform runs");
    let code = output.status.code().expect("an exit code");
    assert!(
        code <= 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    code
}

fn diff(a: &Path, b: &Path, out: Option<&Path>) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_helios-conform"));
    command.arg("diff").arg(a).arg(b);
    if let Some(out) = out {
        command.arg("--report-dir").arg(out);
    }
    let output = command.output().expect("helios-conform runs");
    (
        output.status.code().expect("an exit code"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// Each case's verdict in a report directory.
fn verdicts(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(dir.join("results.ndjson"))
        .expect("results.ndjson")
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("JSON"))
        .filter_map(|line| {
            Some((
                line.get("id")?.as_str()?.to_owned(),
                line.get("verdict")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

fn faulty() -> Profile {
    let mut profile = Profile::default_profile();
    profile.faults = Faults::default().with(Fault::MissingAsInvalid);
    profile
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shards_together_judge_every_case_once_and_merge_into_the_whole_run() {
    let reference = Reference::start(Profile::default_profile()).await;
    let whole = scratch("whole");
    assert_eq!(
        conform(
            &reference,
            &["--report-dir", whole.to_str().expect("a UTF-8 path")]
        ),
        0
    );
    let whole = verdicts(&whole);
    let mut union = BTreeMap::new();
    for k in 1..=3 {
        let dir = scratch(&format!("shard-{k}"));
        let shard = format!("{k}/3");
        conform(
            &reference,
            &[
                "--shard",
                &shard,
                "--report-dir",
                dir.to_str().expect("a UTF-8 path"),
            ],
        );
        for (id, verdict) in verdicts(&dir) {
            assert!(
                union.insert(id.clone(), verdict).is_none(),
                "{id} in two shards"
            );
        }
    }
    assert_eq!(
        union, whole,
        "the shards' cases and verdicts are the whole run's"
    );
    merged_is_the_whole_run(&reference, &whole).await;
    reference.stop().await;
}

/// The shards of the test above, merged, are one report directory equal to the whole run's,
/// sealed; what is not one whole run is refused, naming why.
async fn merged_is_the_whole_run(reference: &Reference, whole: &BTreeMap<String, String>) {
    let path = |name: &str| scratch(name).display().to_string();
    let shards: Vec<String> = (1..=3)
        .map(|k| place(&format!("shard-{k}")).display().to_string())
        .collect();
    let shard = |k: usize| shards[k].as_str();
    let merged = path("merged");
    let (code, out) = binary(&["merge", shard(0), shard(1), shard(2), "--out", &merged]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(&verdicts(Path::new(&merged)), whole);
    let summary = |dir: &str| lines(Path::new(dir)).last().expect("a summary")["summary"].clone();
    let (one, many) = (
        summary(&place("whole").display().to_string()),
        summary(&merged),
    );
    for key in ["cases", "counts", "exitCode"] {
        assert_eq!(one[key], many[key], "{key}");
    }
    let (code, out) = binary(&["verify", &merged]);
    assert_eq!(code, 0, "{out}");
    let junit = std::fs::read_to_string(Path::new(&merged).join("junit.xml")).expect("junit.xml");
    let html = std::fs::read_to_string(Path::new(&merged).join("report.html")).expect("html");
    for id in whole.keys() {
        assert!(
            junit.contains(&format!("name=\"{id}\"")),
            "{id} not in junit.xml"
        );
        assert!(html.contains(id.as_str()), "{id} not in report.html");
    }
    let (code, out) = binary(&["merge", shard(0), shard(1), "--out", &path("partial")]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("shards missing: 3/3"), "{out}");
    let other = path("other-seed");
    conform(
        reference,
        &["--shard", "3/3", "--seed", "7", "--report-dir", &other],
    );
    let (code, out) = binary(&["merge", shard(0), shard(1), &other, "--out", &path("mixed")]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("different runs: the seed"), "{out}");
    let results = Path::new(shard(1)).join("results.ndjson");
    let text = std::fs::read_to_string(&results).expect("results");
    std::fs::write(&results, text.replacen("\"pass\"", "\"fail\"", 1)).expect("written");
    let (code, out) = binary(&[
        "merge",
        shard(0),
        shard(1),
        shard(2),
        "--out",
        &path("tampered"),
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("is not as sealed"), "{out}");
}

/// `helios-conform ARGS` (no device): exit code and what it printed, both streams.
fn binary(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_helios-conform"))
        .args(args)
        .output()
        .expect("helios-conform runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    (
        output.status.code().expect("an exit code"),
        String::from_utf8_lossy(&output.stdout).into_owned() + &stderr,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_names_what_a_new_firmware_broke_and_rerun_failed_sends_exactly_that_again() {
    let clean = Reference::start(Profile::default_profile()).await;
    let broken = Reference::start(faulty()).await;
    let (before, after) = (scratch("before"), scratch("after"));
    assert_eq!(
        conform(
            &clean,
            &["--report-dir", before.to_str().expect("a UTF-8 path")]
        ),
        0
    );
    assert_eq!(
        conform(
            &broken,
            &["--report-dir", after.to_str().expect("a UTF-8 path")]
        ),
        1
    );
    let failed: BTreeSet<String> = verdicts(&after)
        .into_iter()
        .filter(|(_, v)| v == "fail")
        .map(|(id, _)| id)
        .collect();
    assert!(!failed.is_empty());

    // Firmware N against N+1: a regression, each newly failing case named; exit 1.
    let pages = scratch("diff");
    let (code, text) = diff(&before, &after, Some(&pages));
    assert_eq!(code, 1, "{text}");
    for id in &failed {
        assert!(
            text.lines()
                .any(|l| l.starts_with("newly failing") && l.contains(id.as_str())),
            "{id} not named newly failing: {text}"
        );
    }
    let html = std::fs::read_to_string(pages.join("diff.html")).expect("diff.html");
    assert!(
        html.contains("REGRESSION") && html.contains(failed.first().expect("a failure").as_str())
    );
    let written = std::fs::read_to_string(pages.join("diff.txt")).expect("diff.txt");
    assert!(text.starts_with(written.trim_end()), "{written} / {text}");
    // The other way round the same cases are newly passing, and nothing regressed.
    let (code, text) = diff(&after, &before, None);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("newly passing") && l.contains(" -> "))
            .count(),
        failed.len(),
        "{text}"
    );
    let (code, text) = diff(&before, &before, None);
    assert_eq!(
        (code, text.contains("no case changed its verdict")),
        (0, true),
        "{text}"
    );

    // --rerun-failed: exactly the failed cases, again; still failing on the broken device,
    // passing on the fixed one.
    let again = scratch("again");
    let code = conform(
        &broken,
        &[
            "--rerun-failed",
            after.to_str().expect("a UTF-8 path"),
            "--report-dir",
            again.to_str().expect("a UTF-8 path"),
        ],
    );
    assert_eq!(code, 1);
    let rerun = verdicts(&again);
    assert_eq!(rerun.keys().cloned().collect::<BTreeSet<_>>(), failed);
    assert!(rerun.values().all(|v| v == "fail"), "{rerun:?}");
    let fixed = scratch("fixed");
    let code = conform(
        &clean,
        &[
            "--rerun-failed",
            after.to_str().expect("a UTF-8 path"),
            "--report-dir",
            fixed.to_str().expect("a UTF-8 path"),
        ],
    );
    assert_eq!(code, 0);
    let fixed = verdicts(&fixed);
    assert_eq!(fixed.keys().cloned().collect::<BTreeSet<_>>(), failed);
    assert!(fixed.values().all(|v| v == "pass"), "{fixed:?}");
    clean.stop().await;
    broken.stop().await;
}

/// Runs `helios-conform` with `args` against `reference`: exit code and standard output.
fn conform_out(reference: &Reference, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_helios-conform"))
        .args([&reference.https, "--http", &reference.http, "--insecure"])
        .args(["--only", ONLY])
        .args(args)
        .output()
        .expect("helios-conform runs");
    (
        output.status.code().expect("an exit code"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn lines(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("results.ndjson"))
        .expect("results.ndjson")
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baselined_departures_pass_the_gate_new_ones_fail_it_and_old_entries_are_reported() {
    let broken = Reference::start(faulty()).await;
    let file = scratch("baseline.toml");
    let file_text = file.to_str().expect("a UTF-8 path").to_owned();
    // A baseline written from the run of the firmware with its filed bug.
    let (code, out) = conform_out(&broken, &["--baseline-update", &file_text]);
    assert_eq!(
        code, 1,
        "the run that writes a baseline is judged without it: {out}"
    );
    let written = std::fs::read_to_string(&file).expect("the baseline");
    assert!(
        written.contains("switch_ctrl.get.missing.action"),
        "{written}"
    );

    // With it: the filed departure is known, in every report, and the gate passes.
    let dir = scratch("known");
    let (code, out) = conform_out(
        &broken,
        &[
            "--baseline",
            &file_text,
            "--report-dir",
            dir.to_str().expect("a UTF-8 path"),
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("baseline: 1 known departures"), "{out}");
    let results = lines(&dir);
    let known: Vec<&serde_json::Value> = results
        .iter()
        .filter(|l| l.get("known").is_some())
        .collect();
    assert_eq!(known.len(), 1);
    assert_eq!(
        (known[0]["id"].as_str(), known[0]["verdict"].as_str()),
        (Some("switch_ctrl.get.missing.action"), Some("fail"))
    );
    let summary = results.last().expect("a summary")["summary"].clone();
    assert_eq!(summary["baseline"]["known"], 1);
    assert_eq!(summary["exitCode"], 0);
    let junit = std::fs::read_to_string(dir.join("junit.xml")).expect("junit.xml");
    assert!(junit.contains("type=\"known\""), "{junit}");
    let html = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    assert!(html.contains("class=\"known\""));

    // A new departure on the next firmware fails the gate; the filed one stays known.
    let worse = {
        let mut profile = faulty();
        profile.faults = profile.faults.with(Fault::SwitchNumberWraps);
        Reference::start(profile).await
    };
    let (code, out) = conform_out(&worse, &["--baseline", &file_text]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("baseline: 1 known departures") && out.contains("FAIL "),
        "{out}"
    );
    assert!(
        !out.contains("FAIL switch_ctrl.get.missing.action"),
        "{out}"
    );

    // An expired entry accepts nothing and says so; a fixed firmware makes an entry stale.
    let expired = written.replace(
        &written[written.find("expires = ").expect("an expiry")..]
            .lines()
            .next()
            .expect("a line")
            .to_owned(),
        "expires = \"2020-01-01\"",
    );
    std::fs::write(&file, expired).expect("written");
    let (code, out) = conform_out(&broken, &["--baseline", &file_text]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("EXPIRED"), "{out}");
    std::fs::write(&file, &written).expect("written");
    let clean = Reference::start(Profile::default_profile()).await;
    let (code, out) = conform_out(&clean, &["--baseline", &file_text]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("stale"), "{out}");
    for reference in [broken, worse, clean] {
        reference.stop().await;
    }
}
