//! The standalone binaries: `helios-conform` says what it is and keeps the command line's
//! contract (usage errors exit 3); `cargo xtask conform` and it are one command line.

use std::process::Command;

fn helios_conform(args: &[&str]) -> (i32, String, String) {
    // From a directory outside the workspace: the binary carries what it needs (the reference
    // profile, the embedded reference intercom).
    let output = Command::new(env!("CARGO_BIN_EXE_helios-conform"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("helios-conform runs");
    (
        output.status.code().expect("an exit code"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn version_names_the_tool_the_commit_and_the_manual() {
    let (code, stdout, _) = helios_conform(&["--version"]);
    assert_eq!(code, 0);
    let expected = format!(
        "helios-conform {} (commit {}, manual {})\n",
        env!("CARGO_PKG_VERSION"),
        helios_version::COMMIT,
        helios_spec::MANUAL_VERSION
    );
    assert_eq!(stdout, expected);
    assert!(
        helios_version::COMMIT == "unknown"
            || (helios_version::COMMIT.len() == 40
                && helios_version::COMMIT
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit())),
        "{}",
        helios_version::COMMIT
    );
}

#[test]
fn a_command_line_that_does_not_parse_exits_3() {
    let (code, _, stderr) = helios_conform(&["--rate", "-1"]);
    assert_eq!(code, 3, "{stderr}");
}

#[test]
fn list_runs_without_the_workspace_and_sends_nothing() {
    let (code, stdout, stderr) = helios_conform(&["--list", "--only", "switch_ctrl"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("switch_ctrl"), "{stdout}");
}

#[test]
fn help_shows_the_exit_codes() {
    let (code, stdout, _) = helios_conform(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("Exit codes:") && stdout.contains("setup error"),
        "{stdout}"
    );
}
