//! The command line's contract with CI: parser errors are usage errors (exit 3), a selector
//! that matches nothing is one too, and so is a declaration with a TODO or a broken rule; an
//! address that is no URL is a setup error (exit 4), a closed standard output ends nothing
//! early, `--help` says it all, and the lab workflow (init, edit, run) works end to end.

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
