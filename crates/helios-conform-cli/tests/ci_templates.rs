//! The CI templates (`ci/github/conform.yml`, `ci/gitlab/conform.yml`) are valid against the
//! published schemas (check-jsonschema's vendored GitHub workflow and GitLab CI schemas; a
//! broken copy is refused, so the check can fail), actionlint has nothing to say about the
//! workflow where it is installed, and every flag and command of helios-conform they use exists.

use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the workspace")
        .to_owned()
}

const TEMPLATES: [(&str, &str); 2] = [
    ("ci/github/conform.yml", "vendor.github-workflows"),
    ("ci/gitlab/conform.yml", "vendor.gitlab-ci"),
];

/// check-jsonschema's verdict on `file` against a built-in schema: success and its output.
fn check(schema: &str, file: &Path) -> (bool, String) {
    let output = Command::new("check-jsonschema")
        .args(["--builtin-schema", schema])
        .arg(file)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "check-jsonschema did not run ({error}): `cargo xtask provision` installs it \
                 (python3 -m pip install check-jsonschema)"
            )
        });
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[test]
fn the_templates_are_valid_and_a_broken_copy_is_not() {
    let scratch = std::env::temp_dir().join(format!("ci-templates-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a folder");
    for (template, schema) in TEMPLATES {
        let path = root().join(template);
        let (ok, text) = check(schema, &path);
        assert!(ok, "{template}: {text}");
        // The same file with a job's keys misspelt must be refused.
        let original = std::fs::read_to_string(&path).expect("the template");
        let broken = original.replacen("runs-on:", "run-on:", 1).replacen(
            "stage: conform",
            "stage: [conform, 1]",
            1,
        );
        assert_ne!(broken, original);
        let copy = scratch.join(Path::new(template).file_name().expect("a name"));
        std::fs::write(&copy, broken).expect("written");
        let (ok, text) = check(schema, &copy);
        assert!(!ok, "{template}: a broken copy passed: {text}");
    }
}

#[test]
fn actionlint_finds_nothing_where_it_is_installed() {
    let path = root().join(TEMPLATES[0].0);
    match Command::new("actionlint").arg(&path).output() {
        Ok(output) => assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        ),
        Err(_) => eprintln!(
            "SKIPPED: actionlint is not installed (it has no build for this machine's package \
             registries); check-jsonschema validated the workflow"
        ),
    }
}

#[test]
fn every_flag_and_command_the_templates_use_exists() {
    let help = Command::new(env!("CARGO_BIN_EXE_helios-conform"))
        .arg("--help")
        .output()
        .expect("helios-conform runs");
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let flag = Regex::new(r"--[a-z][a-z-]+").expect("a pattern");
    for (template, _) in TEMPLATES {
        let text = std::fs::read_to_string(root().join(template)).expect("the template");
        let mut invocation = false;
        for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
            // A helios-conform command and its continuation lines.
            invocation = line.contains("helios-conform ")
                || (invocation && line.trim_start().starts_with("--"));
            if !invocation {
                continue;
            }
            for found in flag.find_iter(line) {
                assert!(
                    help.contains(found.as_str()),
                    "{template}: {} is not a flag of helios-conform",
                    found.as_str()
                );
            }
            for command in ["merge", "verify"] {
                if line.contains(&format!("helios-conform {command} ")) {
                    assert!(help.contains(&format!("`{command}`")), "{command}");
                }
            }
        }
    }
}
