//! The command line's contract with CI: parser errors are usage errors (exit 3), a selector
//! that matches nothing is one too, and so is a declaration with a TODO or a broken rule; an
//! address that is no URL is a setup error (exit 4), a closed standard output ends nothing
//! early, `--help` says it all, the lab workflow (init, edit, run) works end to end, and a
//! sealed report directory verifies until it is altered.

use std::process::{Command, Stdio};

fn xtask() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let output = xtask().args(args).output().expect("xtask runs");
    (
        output.status.code().expect("an exit code, not a signal"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn parser_errors_are_usage_errors() {
    for args in [
        &["conform", "--bogus-flag"][..],
        &["conform", "--rate", "-1"],
        &["conform", "--allow", "everything"],
        &["device", "--bogus-flag"],
    ] {
        let (code, _, stderr) = run(args);
        assert_eq!(code, 3, "{args:?}: {stderr}");
    }
}

#[test]
fn a_selector_that_matches_nothing_exits_3_with_the_nearest_ids() {
    let (code, _, stderr) = run(&["conform", "--only", "swtich_ctrl"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("matches no case"), "{stderr}");
    assert!(stderr.contains("switch_ctrl"), "{stderr}");
}

#[test]
fn an_address_that_is_no_url_is_a_setup_error() {
    let (code, stdout, stderr) = run(&["conform", "ftp://example.com"]);
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("SETUP ERROR") && stderr.contains("scheme"),
        "{stderr}"
    );
    assert!(!stdout.contains("departs") && !stderr.contains("departs"));
}

#[test]
fn a_closed_stdout_ends_the_output_not_the_run() {
    let mut child = xtask()
        .args(["conform", "--list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xtask runs");
    // The reader goes away at once, as `| head -0` would.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("it ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn help_shows_the_defaults_tiers_exit_codes_and_examples() {
    let (code, stdout, _) = run(&["conform", "--help"]);
    assert_eq!(code, 0);
    for text in [
        "[default: 1]",
        "[default: 5]",
        "destructive",
        "Exit codes:",
        "4  setup error",
        "Examples:",
        "--sign <KEYFILE>",
        "--force",
        "conform verify out --key lab.pub.pem",
        "conform keygen --out lab",
        "`verify` exits 0",
    ] {
        assert!(stdout.contains(text), "{text} missing from:\n{stdout}");
    }
    let (code, stdout, _) = run(&["device", "--help"]);
    assert_eq!(code, 0);
    for flag in [
        "--fault",
        "--stimulus",
        "--state",
        "--list-faults",
        "--profile",
    ] {
        assert!(stdout.contains(flag), "{flag} missing from:\n{stdout}");
    }
}

const REFERENCE: &str = include_str!("../../crates/helios-conform/profiles/reference.toml");

/// A declaration written to a file of its own, for `--profile`.
fn declaration(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("cli-{}-{name}.toml", std::process::id()));
    std::fs::write(&path, text).expect("written");
    path
}

#[test]
fn a_declaration_with_a_todo_or_a_broken_rule_is_refused_with_exit_3_naming_the_key() {
    let todo = REFERENCE.replace(
        "block_after = 5",
        "block_after = \"TODO: failed logins that block\"",
    );
    let inconsistent = REFERENCE.replace(
        "switch = 4\nenabled = false",
        "switch = 4\nenabled = false\nmode = \"bistable\"",
    );
    for (name, text, key) in [
        (
            "todo",
            todo,
            "logins.block_after (TODO: failed logins that block)",
        ),
        (
            "inconsistent",
            inconsistent,
            "switches[3]: switch 4 is disabled",
        ),
    ] {
        assert_ne!(text, REFERENCE, "{name}");
        let path = declaration(name, &text);
        let (code, _, stderr) = run(&[
            "conform",
            "--list",
            "--profile",
            path.to_str().expect("utf-8"),
        ]);
        std::fs::remove_file(&path).ok();
        assert_eq!(code, 3, "{name}: {stderr}");
        assert!(stderr.contains(key), "{name}: {stderr}");
    }
}

#[test]
fn init_needs_a_device_and_an_account() {
    let (code, _, stderr) = run(&["conform", "init"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("URL"), "{stderr}");
    let (code, _, stderr) = run(&["conform", "init", "https://192.0.2.10"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("--user"), "{stderr}");
    let (code, stdout, _) = run(&["conform", "--help"]);
    assert_eq!(code, 0);
    for text in ["conform init", "--user", "--password", "TODOs"] {
        assert!(stdout.contains(text), "{text} missing from:\n{stdout}");
    }
}

/// The reference intercom started by `xtask device` on free ports, ended when dropped.
struct Device {
    child: std::process::Child,
    http: String,
    https: String,
}

impl Device {
    fn start() -> Self {
        use std::io::BufRead as _;
        let mut child = xtask()
            .args(["device", "--http", "127.0.0.1:0", "--https", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the device starts");
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("its stdout")).lines();
        let mut address = |scheme: &str| {
            let line = lines.next().expect("a line").expect("text");
            let url = line.strip_prefix(scheme).expect("its address").trim();
            url.trim_end_matches('/').to_owned()
        };
        let http = address("HTTP ");
        let https = address("HTTPS ");
        Self { child, http, https }
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lab workflow of the README: `init` drafts a declaration without the password in it, a
/// run refuses it while TODOs are left, and with them filled and the password exported it runs
/// green.
#[test]
fn init_edit_run() {
    let device = Device::start();
    let output = xtask()
        .args(["conform", "init", &device.https, "--http", &device.http])
        .args(["--user", "admin", "--insecure"])
        .env("HELIOS_PASS_ADMIN", "2n")
        .output()
        .expect("init runs");
    let draft = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("fill its 4 TODO(s)"), "{stderr}");
    assert!(
        !draft.contains("\"2n\"") && draft.contains("password_env"),
        "{draft}"
    );
    let path = declaration("draft", &draft);
    let run_with = |path: &std::path::Path| {
        let output = xtask()
            .args([
                "conform",
                &device.https,
                "--http",
                &device.http,
                "--insecure",
            ])
            .args(["--only", "caps", "--profile", path.to_str().expect("utf-8")])
            .env("HELIOS_PASS_ADMIN", "2n")
            .output()
            .expect("conform runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stderr) = run_with(&path);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("4 TODO(s)"), "{stderr}");
    let all = "[\"system\", \"phone\", \"io\", \"switch\", \"audio\", \"camera\", \"display\", \
               \"email\", \"uid\", \"keypad\"]";
    let filled: Vec<String> = draft
        .lines()
        .map(|line| match line.split_once(" = \"TODO") {
            Some((key @ ("monitoring" | "control"), _)) => format!("{key} = {all}"),
            Some(("block_after", _)) => "block_after = 5".to_owned(),
            Some(("window_seconds", _)) => "window_seconds = 60".to_owned(),
            _ => line.to_owned(),
        })
        .collect();
    std::fs::write(&path, filled.join("\n")).expect("written");
    let (code, stderr) = run_with(&path);
    std::fs::remove_file(&path).ok();
    assert_eq!(code, Some(0), "{stderr}");
}

/// A `PATH` with nothing on it: no apt-get, no python3, no sudo, none of the tools.
fn bare_path() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-bare-path-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("an empty directory");
    dir
}

#[test]
fn a_machine_that_cannot_be_provisioned_is_told_what_to_install_and_exits_3() {
    let output = xtask()
        .arg("provision")
        .env("PATH", bare_path())
        .output()
        .expect("xtask runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    for line in [
        "apt-get install tshark",
        "apt-get install chromium chromium-driver",
        "python3 -m pip install py2n",
        "python3 -m pip install aiosmtpd",
        "apt-get is not on PATH",
    ] {
        assert!(stderr.contains(line), "{line:?} missing from: {stderr}");
    }
}

#[test]
fn provision_check_lists_every_need_and_installs_nothing() {
    let output = xtask()
        .args(["provision", "--check"])
        .env("PATH", bare_path())
        .output()
        .expect("xtask runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{stdout}");
    assert_eq!(stdout.matches("MISSING").count(), 11, "{stdout}");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("installing"));
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("helios-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn text(path: &std::path::Path) -> String {
    path.display().to_string()
}

/// The lab's workflow: `keygen`, a run with `--sign` into a fresh directory, `verify` with the
/// key; then the same directory refused without `--force` before anything is sent, emptied
/// with it, and `verify`'s exit codes for an altered bundle, a wrong key, an unsigned bundle
/// given a key, and usage errors.
#[test]
fn a_signed_run_verifies_and_every_alteration_is_refused() {
    let keys = scratch("keys");
    std::fs::create_dir_all(&keys).expect("a folder");
    let prefix = text(&keys.join("lab"));
    let (code, stdout, stderr) = run(&["conform", "keygen", "--out", &prefix]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("fingerprint: "), "{stdout}");
    let (private, public) = (format!("{prefix}.key.pem"), format!("{prefix}.pub.pem"));
    let (code, _, stderr) = run(&["conform", "keygen", "--out", &prefix]);
    assert_eq!(code, 3, "a key is never overwritten: {stderr}");

    let dir = scratch("bundle");
    let dir_text = text(&dir);
    let sealed_run = [
        "conform",
        "--only",
        "switch_caps",
        "--report-dir",
        &dir_text,
    ];
    let (code, stdout, stderr) = run(&[&sealed_run[..], &["--sign", &private]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("sealed: ") && stdout.contains("signed by key"),
        "{stdout}"
    );
    let (code, stdout, _) = run(&["conform", "verify", &dir_text, "--key", &public]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("OK: ") && stdout.contains("signed by the key given"),
        "{stdout}"
    );
    let first: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).expect("run.json"))
            .expect("JSON");
    assert_eq!(first["exitCode"], 0);
    assert_eq!(first["selectors"]["only"], "switch_caps");

    // The directory again: refused before anything is sent, and left as it was.
    let (code, stdout, stderr) = run(&sealed_run);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("is not empty") && stderr.contains("--force"),
        "{stderr}"
    );
    assert!(
        !stdout.contains("the reference intercom"),
        "nothing started: {stdout}"
    );
    assert_eq!(run(&["conform", "verify", &dir_text]).0, 0);

    // --force empties it: the stray file of the earlier report goes, the new run is unsigned.
    std::fs::write(dir.join("evidence/stray.txt"), "old").expect("written");
    let (code, stdout, stderr) = run(&[&sealed_run[..], &["--force"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("emptied "), "{stdout}");
    assert!(!dir.join("evidence/stray.txt").exists() && !dir.join("manifest.sig").exists());
    let second: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).expect("run.json"))
            .expect("JSON");
    assert_eq!(
        second["spec"]["sha256"], first["spec"]["sha256"],
        "the spec hash is stable"
    );
    assert_ne!(second["started"], first["started"]);
    let (code, stdout, _) = run(&["conform", "verify", &dir_text]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("not signed"), "{stdout}");
    let (code, stdout, _) = run(&["conform", "verify", &dir_text, "--key", &public]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("unsigned: ") && stdout.contains("ALTERED"),
        "{stdout}"
    );

    // Signed again, then altered: the file named; another key: the keys named.
    let _ = std::fs::remove_dir_all(&dir);
    let (code, _, stderr) = run(&[&sealed_run[..], &["--sign", &private]].concat());
    assert_eq!(code, 0, "{stderr}");
    let html = dir.join("report.html");
    let page = std::fs::read_to_string(&html).expect("report.html");
    std::fs::write(&html, page.replacen("<body", "<body data-x", 1)).expect("edited");
    let (code, stdout, _) = run(&["conform", "verify", &dir_text, "--key", &public]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("changed: report.html: "), "{stdout}");
    std::fs::write(&html, page).expect("restored");
    let other = text(&keys.join("other"));
    assert_eq!(run(&["conform", "keygen", "--out", &other]).0, 0);
    let (code, stdout, _) = run(&[
        "conform",
        "verify",
        &dir_text,
        "--key",
        &format!("{other}.pub.pem"),
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("wrong key: "), "{stdout}");

    // Usage errors: no directory, a key that is no public key, --sign without --report-dir.
    let (code, _, stderr) = run(&["conform", "verify", &text(&dir.join("absent"))]);
    assert_eq!(code, 3, "{stderr}");
    let (code, _, stderr) = run(&["conform", "verify", &dir_text, "--key", &private]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("BEGIN PUBLIC KEY"), "{stderr}");
    assert_eq!(run(&["conform", "--sign", &private]).0, 3);
    let (code, _, stderr) = run(&["conform", "--report-dir", &text(&keys), "--force"]);
    assert_eq!(code, 3, "a folder of keys is no earlier report: {stderr}");
    assert!(keys.join("lab.key.pem").exists());
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&keys);
}

/// A setup error writes `setup.json` into the fresh directory, sealed with `run.json` like
/// any report, so that the directory never mixes it with an earlier run's files.
#[test]
fn a_setup_error_is_sealed_too() {
    let dir = scratch("setup");
    let dir_text = text(&dir);
    let (code, _, stderr) = run(&["conform", "ftp://example.com", "--report-dir", &dir_text]);
    assert_eq!(code, 4, "{stderr}");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the directory")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["manifest.sha256", "run.json", "setup.json"]);
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).expect("run.json"))
            .expect("JSON");
    assert_eq!(record["exitCode"], 4);
    assert_eq!(record["setupError"], true);
    let (code, stdout, _) = run(&["conform", "verify", &dir_text]);
    assert_eq!(code, 0, "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
