//! `cargo xtask fuzz [--time SECONDS] [TARGET]`: runs the cargo-fuzz targets of `fuzz/` one
//! after the other and prints each one's executions, rate and outcome.
//!
//! With a nightly toolchain the targets run under AddressSanitizer; without one, on stable with
//! `-s none`. New inputs go to `fuzz/corpus-working/<target>` (ignored by git); the committed
//! seeds in `fuzz/corpus/<target>` are read but never written.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::codegen::workspace_root;

/// What one run did.
struct Outcome {
    target: &'static str,
    runs: u64,
    seconds: u64,
    crashed: bool,
}

pub(crate) fn run(seconds: u64, only: Option<&str>) -> Result<()> {
    let targets: Vec<&'static str> = helios_wire::fuzzing::TARGETS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| only.is_none_or(|only| only == *name))
        .collect();
    if targets.is_empty() {
        bail!("no fuzz target is called {}", only.unwrap_or_default());
    }
    if !succeeds(Command::new("cargo").args(["fuzz", "--version"])) {
        bail!("cargo-fuzz is missing: cargo install cargo-fuzz --locked");
    }
    let nightly = succeeds(Command::new("rustup").args(["run", "nightly", "rustc", "--version"]));
    let fuzz_dir = workspace_root().join("fuzz");
    let mut outcomes = Vec::new();
    for target in targets {
        let working = fuzz_dir.join("corpus-working").join(target);
        std::fs::create_dir_all(&working)?;
        let mut command = Command::new("cargo");
        if nightly {
            command.arg("+nightly");
        }
        command.args(["fuzz", "run"]);
        if !nightly {
            command.args(["-s", "none"]);
        }
        command
            .arg(target)
            .arg(&working)
            .arg(fuzz_dir.join("corpus").join(target))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg("-print_final_stats=1");
        let dict = fuzz_dir.join("dict").join(format!("{target}.dict"));
        if dict.exists() {
            command.arg(format!("-dict={}", dict.display()));
        }
        // Inherited cargo and rustup variables would pin the outer toolchain and target dir.
        for (key, _) in std::env::vars() {
            if key.starts_with("CARGO_") || key == "RUSTUP_TOOLCHAIN" || key == "RUSTC" {
                command.env_remove(key);
            }
        }
        eprintln!("== fuzz {target} for {seconds} s");
        let output = command
            .current_dir(&fuzz_dir)
            .output()
            .with_context(|| format!("running cargo fuzz for {target}"))?;
        let log = String::from_utf8_lossy(&output.stderr);
        let (runs, took) = done_line(&log).unwrap_or((0, seconds));
        if !output.status.success() {
            eprintln!("{}", tail(&log, 60));
        }
        outcomes.push(Outcome {
            target,
            runs,
            seconds: took.max(1),
            crashed: !output.status.success(),
        });
    }
    println!(
        "{:<15} {:>12} {:>8} {:>10}  result",
        "target", "runs", "seconds", "runs/s"
    );
    for outcome in &outcomes {
        println!(
            "{:<15} {:>12} {:>8} {:>10}  {}",
            outcome.target,
            outcome.runs,
            outcome.seconds,
            outcome.runs / outcome.seconds,
            if outcome.crashed {
                "CRASH (see fuzz/artifacts)"
            } else {
                "no crash"
            }
        );
    }
    if outcomes.iter().any(|o| o.crashed || o.runs == 0) {
        bail!("a fuzz target crashed or did not run");
    }
    Ok(())
}

fn succeeds(command: &mut Command) -> bool {
    command.output().is_ok_and(|output| output.status.success())
}

/// libFuzzer's closing line: `Done 309840 runs in 61 second(s)`.
fn done_line(log: &str) -> Option<(u64, u64)> {
    let line = log.lines().rev().find(|line| line.starts_with("Done "))?;
    let mut words = line.split_whitespace();
    let runs = words.nth(1)?.parse().ok()?;
    let seconds = words.nth(1)?.parse().ok()?;
    Some((runs, seconds))
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_libfuzzers_closing_line() {
        assert_eq!(
            super::done_line("#2 INITED\nDone 309840 runs in 61 second(s)\n"),
            Some((309_840, 61))
        );
        assert_eq!(super::done_line("crashed"), None);
    }
}
