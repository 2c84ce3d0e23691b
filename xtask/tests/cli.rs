//! The command line's contract with CI: parser errors are usage errors (exit 3), a selector
//! that matches nothing is one too, an address that is no URL is a setup error (exit 4), a
//! closed standard output ends nothing early, and `--help` says it all.

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
