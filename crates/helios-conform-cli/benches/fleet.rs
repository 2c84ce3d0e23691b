//! The fleet benchmark (`harness = false`): the wall time of one `helios-conform --inventory`
//! run over twenty reference intercoms against that of the same run over one of them, as a
//! ratio (goal: at most 3 on 2 cores). The devices run in this process on loopback; the runner
//! is the `helios-conform` binary, as a lab runs it. Each device runs the whole default suite,
//! or the cases `HELIOS_BENCH_FLEET_ONLY` selects (`--only`); `HELIOS_BENCH_FLEET_JOBS` sets
//! `--jobs` (default: every device at once). The figures go to `<target>/helios-bench/
//! fleet.json` (or `$HELIOS_BENCH_OUT`) for `cargo xtask bench`'s table.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use helios_test_support::Reference;
use helios_test_support::helios_device::Profile;
use serde_json::json;

/// Devices in the fleet.
const DEVICES: usize = 20;

/// Where the figures go: `$HELIOS_BENCH_OUT`, else `helios-bench/` in the target directory
/// (the bench binary lives in `<target>/release/deps/`).
fn out_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HELIOS_BENCH_OUT") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("helios-bench")))
        .unwrap_or_else(|| PathBuf::from("target/helios-bench"))
}

/// An inventory of `references` in `dir`.
fn inventory(dir: &Path, name: &str, references: &[Reference]) -> PathBuf {
    let text: String = references
        .iter()
        .enumerate()
        .map(|(at, r)| {
            format!(
                "[[device]]\nname = \"door-{}\"\nhttps = \"{}\"\nhttp = \"{}\"\ninsecure = true\n\n",
                at + 1,
                r.https,
                r.http
            )
        })
        .collect();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).expect("the inventory");
    path
}

/// One fleet run through the binary: its wall time and exit code.
fn run(inventory: &Path, out: &Path, jobs: usize, only: Option<&str>) -> (Duration, i32) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_helios-conform"));
    command
        .arg("--inventory")
        .arg(inventory)
        .arg("--report-dir")
        .arg(out)
        .args(["--jobs", &jobs.to_string()]);
    if let Some(only) = only {
        command.args(["--only", only]);
    }
    let started = Instant::now();
    let output = command.output().expect("helios-conform runs");
    let took = started.elapsed();
    let code = output.status.code().unwrap_or(-1);
    if code != 0 {
        eprintln!("{}", String::from_utf8_lossy(&output.stdout));
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    }
    (took, code)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this once too: both measure.
    let only = std::env::var("HELIOS_BENCH_FLEET_ONLY").ok();
    let jobs = std::env::var("HELIOS_BENCH_FLEET_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(DEVICES);
    let dir = std::env::temp_dir().join(format!("helios-bench-fleet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let references: Vec<Reference> = runtime.block_on(async {
        let mut started = Vec::new();
        // One more for the single run: a device run twice within a minute would count the
        // first run's refused logins against the second's budget (its blocking window).
        for _ in 0..=DEVICES {
            started.push(Reference::start(Profile::default_profile()).await);
        }
        started
    });
    let one = inventory(&dir, "one", &references[DEVICES..]);
    let all = inventory(&dir, "all", &references[..DEVICES]);
    let (single, single_code) = run(&one, &dir.join("one"), 1, only.as_deref());
    let (fleet, fleet_code) = run(&all, &dir.join("all"), jobs, only.as_deref());
    runtime.block_on(async {
        for reference in references {
            reference.stop().await;
        }
    });
    let ratio = fleet.as_secs_f64() / single.as_secs_f64();
    let suite = only
        .as_deref()
        .map_or("the whole default suite".to_owned(), |o| {
            format!("--only {o}")
        });
    println!(
        "fleet: {DEVICES} devices ({suite}, --jobs {jobs}) in {:.1} s, one device in {:.1} s: \
         ratio {ratio:.2} (goal <= 3 on 2 cores; exit codes {fleet_code} and {single_code})",
        fleet.as_secs_f64(),
        single.as_secs_f64()
    );
    let figures = json!({
        "devices": DEVICES,
        "jobs": jobs,
        "only": only,
        "fleet_seconds": fleet.as_secs_f64(),
        "single_seconds": single.as_secs_f64(),
        "ratio": ratio,
        "cores": std::thread::available_parallelism().map_or(0, usize::from),
        "exit_codes": [fleet_code, single_code],
    });
    let out = out_dir();
    let written = std::fs::create_dir_all(&out).and_then(|()| {
        std::fs::write(
            out.join("fleet.json"),
            serde_json::to_vec_pretty(&figures).unwrap_or_default(),
        )
    });
    if let Err(error) = written {
        eprintln!("cannot write the figures to {}: {error}", out.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        (fleet_code, single_code),
        (0, 0),
        "the reference devices pass"
    );
}
