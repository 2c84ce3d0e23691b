//! The benchmarks: `cargo bench` on the parser and device benches, with criterion's output
//! and the figures of the `harness = false` benches kept in the target directory, then one table.

use std::path::PathBuf;
use std::process::Command;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};

use super::Args;
use super::table;
use crate::codegen::workspace_root;

/// The benches: (name, package, whether criterion runs it).
const BENCHES: [(&str, &str, bool); 6] = [
    ("parsers", "helios-wire", true),
    ("snapshot", "helios-device", true),
    ("events", "helios-device", true),
    ("mjpeg", "helios-device", false),
    ("memory", "helios-device", false),
    ("fleet", "helios-conform-cli", false),
];

/// The target directory cargo builds into.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let target = target_dir();
    let criterion_home = target.join("criterion");
    let figures = target.join("helios-bench");
    let started = SystemTime::now();
    if !args.table {
        for (name, package, criterion) in BENCHES {
            if !args.only.is_empty() && !args.only.iter().any(|o| o == name) {
                continue;
            }
            let mut command =
                Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            command
                .current_dir(workspace_root())
                .args(["bench", "-p", package, "--bench", name])
                .env("CRITERION_HOME", &criterion_home)
                .env("HELIOS_BENCH_OUT", &figures);
            if criterion {
                command.args([
                    "--",
                    "--warm-up-time",
                    "1",
                    "--measurement-time",
                    &args.measure.to_string(),
                ]);
            }
            eprintln!("== cargo bench -p {package} --bench {name}");
            let status = command
                .status()
                .with_context(|| format!("running the {name} bench"))?;
            if !status.success() {
                bail!("the {name} bench failed ({status})");
            }
        }
    }
    let since = (!args.table).then_some(started);
    print!("{}", table::render(&criterion_home, &figures, since)?);
    Ok(())
}
