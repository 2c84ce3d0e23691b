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
    assert_eq!(stdout.matches("MISSING").count(), 10, "{stdout}");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("installing"));
}
