//! What the workspace's tests drive beside cargo, and how a machine gets it: the one list that
//! `cargo xtask test`, `cargo xtask provision` and `.ci/run` install from.
//!
//! Each `Need` is probed first (a command on `PATH`, a Python module `python3` imports) and
//! installed only when missing: Debian packages with `apt-get`, as root or through `sudo -n`,
//! then Python packages with `python3 -m pip`. What cannot be installed is named with the
//! command that would install it, and the caller exits 3 (the workspace's usage/setup code).

use std::fmt::Write as _;
use std::process::{Command, Stdio};

/// The exit code of a machine that cannot be provisioned: the same as any other usage or
/// declaration problem of the workspace's commands.
pub(crate) const EXIT_CANNOT_PROVISION: i32 = 3;

/// How to tell that a need is met.
#[derive(Clone, Copy, Debug)]
enum Probe {
    /// A program on `PATH`.
    Command(&'static str),
    /// A module `python3 -c "import NAME"` imports.
    Python(&'static str),
}

/// Where a need comes from.
#[derive(Clone, Copy, Debug)]
enum Source {
    /// Debian packages.
    Apt(&'static [&'static str]),
    /// A package of the Python package index.
    Pip(&'static str),
}

/// One tool or library that some test drives.
#[derive(Debug)]
struct Need {
    what: &'static str,
    why: &'static str,
    probe: Probe,
    source: Source,
}

/// Everything the tests (and CI's openapi check) use that a fresh Debian machine with a Rust
/// toolchain lacks. Python's pip comes first: the Python packages are installed with it.
const NEEDS: &[Need] = &[
    Need {
        what: "curl",
        why: "the Digest tests send requests with curl --digest/--basic",
        probe: Probe::Command("curl"),
        source: Source::Apt(&["curl"]),
    },
    Need {
        what: "tshark",
        why: "the device's tests open its packet capture (pcap) with tshark",
        probe: Probe::Command("tshark"),
        source: Source::Apt(&["tshark"]),
    },
    Need {
        what: "chromium",
        why: "apitest.html and report.html are tested in headless Chromium",
        probe: Probe::Command("chromium"),
        source: Source::Apt(&["chromium", "chromium-driver"]),
    },
    Need {
        what: "python3 pip",
        why: "the Python packages below are installed with it",
        probe: Probe::Python("pip"),
        source: Source::Apt(&["python3", "python3-pip"]),
    },
    Need {
        what: "python requests",
        why: "Python requests is a real client of the device's Digest authentication",
        probe: Probe::Python("requests"),
        source: Source::Pip("requests"),
    },
    Need {
        what: "python py2n",
        why: "py2n, 2N's own Python library, is run against the reference intercom",
        probe: Probe::Python("py2n"),
        source: Source::Pip("py2n"),
    },
    Need {
        what: "python aiosmtpd",
        why: "email/send is delivered to a real SMTP server",
        probe: Probe::Python("aiosmtpd"),
        source: Source::Pip("aiosmtpd"),
    },
    Need {
        what: "python junitparser",
        why: "the runner's junit.xml is read as a CI would read it",
        probe: Probe::Python("junitparser"),
        source: Source::Pip("junitparser"),
    },
    Need {
        what: "python openapi-spec-validator",
        why: "CI validates spec/openapi.json (.ci/check-openapi.py)",
        probe: Probe::Python("openapi_spec_validator"),
        source: Source::Pip("openapi-spec-validator"),
    },
    Need {
        what: "check-jsonschema",
        why: "the CI templates (ci/) are validated against GitHub's and GitLab's schemas",
        probe: Probe::Command("check-jsonschema"),
        source: Source::Pip("check-jsonschema"),
    },
    Need {
        what: "python jsonschema",
        why: "CI checks the manual's JSON examples against the OpenAPI schemas",
        probe: Probe::Python("jsonschema"),
        source: Source::Pip("jsonschema"),
    },
];

/// Why the machine could not be provisioned: what is still missing, and how to install it.
#[derive(Debug)]
pub(crate) struct CannotProvision {
    pub(crate) message: String,
}

impl Probe {
    fn met(self) -> bool {
        match self {
            Self::Command(name) => on_path(name),
            Self::Python(module) => {
                quietly(Command::new("python3").args(["-c", &format!("import {module}")]))
            }
        }
    }
}

/// Whether `name` is an executable file in a directory of `PATH`.
fn on_path(name: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        std::fs::metadata(dir.join(name))
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    })
}

/// Runs a command with its output discarded; true when it ran and succeeded.
fn quietly(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn missing() -> Vec<&'static Need> {
    NEEDS.iter().filter(|need| !need.probe.met()).collect()
}

/// Prints each need and whether it is met; the needs that are not.
pub(crate) fn report() -> Vec<&'static str> {
    let mut absent = Vec::new();
    for need in NEEDS {
        let met = need.probe.met();
        println!(
            "{:<8} {:<32} {}",
            if met { "present" } else { "MISSING" },
            need.what,
            need.why
        );
        if !met {
            absent.push(need.what);
        }
    }
    absent
}

/// Installs what is missing; an error names what is still missing afterwards and how to
/// install it by hand.
pub(crate) fn provision() -> Result<(), CannotProvision> {
    let absent = missing();
    if absent.is_empty() {
        return Ok(());
    }
    let apt: Vec<&str> = absent
        .iter()
        .filter_map(|need| match need.source {
            Source::Apt(packages) => Some(packages),
            Source::Pip(_) => None,
        })
        .flatten()
        .copied()
        .collect();
    let mut failures = Vec::new();
    if !apt.is_empty() {
        eprintln!("provision: installing Debian packages {}", apt.join(" "));
        if let Err(why) = apt_install(&apt) {
            failures.push(why);
        }
    }
    let pip: Vec<&str> = missing()
        .iter()
        .filter_map(|need| match need.source {
            Source::Pip(package) => Some(package),
            Source::Apt(_) => None,
        })
        .collect();
    if !pip.is_empty() {
        eprintln!("provision: installing Python packages {}", pip.join(" "));
        if let Err(why) = pip_install(&pip) {
            failures.push(why);
        }
    }
    still_missing(&failures)
}

/// After the installs: Ok when nothing is missing any more, else what is and why.
fn still_missing(failures: &[String]) -> Result<(), CannotProvision> {
    let left = missing();
    if left.is_empty() {
        return Ok(());
    }
    let mut message =
        String::from("these tools the tests drive are missing and could not be installed:\n");
    for need in &left {
        let how = match need.source {
            Source::Apt(packages) => format!("apt-get install {}", packages.join(" ")),
            Source::Pip(package) => format!("python3 -m pip install {package}"),
        };
        let _ = writeln!(message, "  {:<30} ({}): {how}", need.what, need.why);
    }
    for failure in failures {
        let _ = writeln!(message, "  because: {failure}");
    }
    message.push_str("install them (as root, or with sudo) and run the command again");
    Err(CannotProvision { message })
}

/// `apt-get update` and `apt-get install`, as root or through `sudo -n`.
fn apt_install(packages: &[&str]) -> Result<(), String> {
    if !on_path("apt-get") {
        return Err("apt-get is not on PATH (not a Debian-like machine?)".into());
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0");
    let as_root = |args: &[&str]| -> Command {
        let mut command = if root {
            Command::new(args[0])
        } else {
            let mut sudo = Command::new("sudo");
            sudo.args(["-n", args[0]]);
            sudo
        };
        command
            .args(&args[1..])
            .env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    if !root && !on_path("sudo") {
        return Err("not root, and sudo is not on PATH".into());
    }
    if !quietly(&mut as_root(&["apt-get", "update", "-qq"])) {
        return Err("`apt-get update` failed (not root, or sudo asks for a password?)".into());
    }
    let mut install = as_root(&["apt-get", "install", "-y", "-qq"]);
    install.args(packages);
    match install.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`apt-get install` exited with {status}")),
        Err(error) => Err(format!("`apt-get install` did not start: {error}")),
    }
}

/// `python3 -m pip install`; again with `--break-system-packages` where the system Python is
/// marked externally managed (PEP 668) and the machine has no other.
fn pip_install(packages: &[&str]) -> Result<(), String> {
    let attempt = |extra: &[&str]| {
        Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(extra)
            .args(packages)
            .output()
    };
    let output = attempt(&[]).map_err(|error| format!("python3 did not start: {error}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("externally-managed-environment") {
        let again = attempt(&["--break-system-packages"])
            .map_err(|error| format!("python3 did not start: {error}"))?;
        if again.status.success() {
            return Ok(());
        }
        return Err(String::from_utf8_lossy(&again.stderr).trim().to_owned());
    }
    Err(stderr.trim().to_owned())
}
