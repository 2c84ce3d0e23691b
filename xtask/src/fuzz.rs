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
    let mut outcomes = Vec::new();
    for target in targets {
        outcomes.push(fuzz(target, seconds, nightly)?);
    }
    print_table(&outcomes);
    if outcomes.iter().any(|o| o.crashed || o.runs == 0) {
        bail!("a fuzz target crashed or did not run");
    }
    Ok(())
}

/// Runs one target for `seconds`, its new inputs in `fuzz/corpus-working/<target>`.
fn fuzz(target: &'static str, seconds: u64, nightly: bool) -> Result<Outcome> {
    let fuzz_dir = workspace_root().join("fuzz");
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
    let started = std::time::Instant::now();
    let output = command
        .current_dir(&fuzz_dir)
        .output()
        .with_context(|| format!("running cargo fuzz for {target}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    let runs = final_stat(&log, "number_of_executed_units").unwrap_or(0);
    let took = started.elapsed().as_secs();
    if !output.status.success() {
        eprintln!("{}", tail(&log, 60));
    }
    Ok(Outcome {
        target,
        runs,
        seconds: took.max(1),
        crashed: !output.status.success(),
    })
}

/// Each target's executions, rate and outcome, one a line.
fn print_table(outcomes: &[Outcome]) {
    println!(
        "{:<15} {:>12} {:>8} {:>10}  result",
        "target", "runs", "seconds", "runs/s"
    );
    for outcome in outcomes {
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
}

fn succeeds(command: &mut Command) -> bool {
    command.output().is_ok_and(|output| output.status.success())
}

/// One of libFuzzer's closing statistics (`-print_final_stats=1`), printed after a crash too:
/// `stat::number_of_executed_units: 11463`.
fn final_stat(log: &str, name: &str) -> Option<u64> {
    let prefix = format!("stat::{name}:");
    log.lines()
        .rev()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|value| value.trim().parse().ok())
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_libfuzzers_final_stats() {
        let log = "Done 11463 runs in 3 second(s)\nstat::number_of_executed_units: 11463\nstat::average_exec_per_sec:     3821\n";
        assert_eq!(
            super::final_stat(log, "number_of_executed_units"),
            Some(11_463)
        );
        assert_eq!(
            super::final_stat("crashed", "number_of_executed_units"),
            None
        );
    }
}
