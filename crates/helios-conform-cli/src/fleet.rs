//! Fleets on the command line (`helios-conform --inventory fleet.toml --report-dir OUT [--jobs
//! N]`): the inventory checked and every report directory made ready before anything is sent,
//! then at most N devices run at once in this process, each with its own `Session` (its rate
//! limit, login budget and timeouts), each written into `OUT/<name>/` and sealed as a single
//! run's directory the moment it ends (a device that is unreachable gets its `setup.json`, exit
//! 4, and the others go on); last the aggregate (`helios_conform::fleet::aggregate`), read back
//! from those directories, and `OUT/manifest.sha256` over the whole of `OUT`.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use helios_conform::fleet::{self, Device, DeviceResult};
use helios_conform::report::{bundle, keys, seal};
use helios_conform::{Options, Report};

use crate::seal::Sealing;

/// What the command line asks of a fleet.
pub(crate) struct Fleet<'a> {
    pub(crate) inventory: &'a Path,
    pub(crate) out: &'a Path,
    /// Empty `out` first when it holds an earlier report.
    pub(crate) force: bool,
    /// The key that signs every device's manifest and the fleet's.
    pub(crate) sign: Option<&'a Path>,
    pub(crate) jobs: Option<u32>,
    pub(crate) options: Options,
}

/// Writes one device's reports into its directory and seals it, as a single run's.
pub(crate) type Write<'a> = dyn Fn(&Device, &Sealing, &Report) -> Result<()> + 'a;

/// Devices run at once without `--jobs`: a run mostly waits on its device (its rate, its timed
/// checks), so a few share a core well.
pub(crate) const DEFAULT_JOBS: u32 = 8;

fn say(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// Runs the fleet; its exit code ([`fleet::exit_code`]).
pub(crate) fn run(args: &Fleet<'_>, write: &Write<'_>) -> Result<i32> {
    let out = args.out;
    let devices = fleet::inventory::load(args.inventory, &|name| std::env::var(name).ok())?;
    // `--shard K/N` with an inventory takes whole devices: the K-th of every N in the order of
    // their names, so that no shard is empty while N is at most the devices' number.
    let (devices, options) = match args.options.shard {
        Some(shard) => (
            fleet::shard(devices, shard.index, shard.count).map_err(anyhow::Error::msg)?,
            &Options {
                shard: None,
                ..args.options.clone()
            },
        ),
        None => (devices, &args.options),
    };
    for device in &devices {
        let has_http = device.target.http.is_some();
        if helios_conform::run::unmatched(&device.profile, has_http, options).is_some() {
            anyhow::bail!(
                "--only {:?} matches no case of device `{}` (`--list` with its profile prints \
                 them)",
                options.only.as_deref().unwrap_or_default(),
                device.name
            );
        }
    }
    // The key, OUT and every device's directory are made ready before anything is sent.
    let key = (args.sign.map(keys::read_signing))
        .transpose()
        .context("--sign")?;
    crate::seal::fresh(out, args.force)?;
    let sealings = (devices.iter())
        .map(|d| Sealing::prepare(&out.join(&d.name), false, args.sign, options))
        .collect::<Result<Vec<_>>>()?;
    let jobs = args.jobs.unwrap_or(DEFAULT_JOBS);
    say(&format!(
        "fleet: {} devices, at most {jobs} at once, into {}",
        devices.len(),
        out.display()
    ));
    let started = Instant::now();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(run_devices(&devices, &sealings, options, jobs, write))?;
    let results = (devices.iter())
        .map(|d| DeviceResult::read(out, &d.name))
        .collect::<Result<Vec<_>, _>>()?;
    let codes: Vec<i32> = results.iter().map(|r| r.exit_code).collect();
    let code = fleet::exit_code(&codes);
    fleet::aggregate::write(out, &results, code)?;
    say(&table(&results).join("\n"));
    let sealed = seal::seal(out, key.as_ref())?;
    say(&format!(
        "fleet: exit {code} in {:.1} s; aggregate in {}; sealed: {} lists {} files{}",
        started.elapsed().as_secs_f64(),
        out.join("index.html").display(),
        out.join(bundle::MANIFEST).display(),
        sealed.files,
        sealed
            .signer
            .map(|f| format!(", signed by key {f}"))
            .unwrap_or_default()
    ));
    Ok(code)
}

/// Runs every device, at most `jobs` at once, and writes each one's reports as it ends.
async fn run_devices(
    devices: &[Device],
    sealings: &[Sealing],
    options: &Options,
    jobs: u32,
    write: &Write<'_>,
) -> Result<()> {
    let permits = Arc::new(tokio::sync::Semaphore::new(jobs as usize));
    let mut running = tokio::task::JoinSet::new();
    for (at, device) in devices.iter().cloned().enumerate() {
        let (permits, options) = (permits.clone(), options.clone());
        running.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let started = Instant::now();
            let report = helios_conform::run(&device.profile, &device.target, &options).await;
            (at, report, started.elapsed())
        });
    }
    // This future runs on the thread that blocks on it, not on the runtime's workers: writing
    // a report here keeps no other device's run waiting.
    while let Some(joined) = running.join_next().await {
        let (at, report, took) = joined.context("a device's run panicked")?;
        write(&devices[at], &sealings[at], &report)?;
        let failed = (report.outcomes.iter())
            .filter(|o| matches!(o.verdict, helios_conform::Verdict::Fail(_)))
            .count();
        say(&format!(
            "{}: exit {}: {} cases, {failed} failed, in {:.1} s",
            devices[at].name,
            report.exit_code(),
            report.outcomes.len(),
            took.as_secs_f64()
        ));
    }
    Ok(())
}

/// The closing table: each device's exit code, its cases and failures, or its setup error.
fn table(results: &[DeviceResult]) -> Vec<String> {
    let width = results
        .iter()
        .map(|r| r.name.len())
        .max()
        .unwrap_or(0)
        .max(6);
    let mut lines = vec![format!(
        "{:<width$} {:>4} {:>6} {:>6}  setup error",
        "device", "exit", "cases", "failed"
    )];
    for result in results {
        lines.push(format!(
            "{:<width$} {:>4} {:>6} {:>6}  {}",
            result.name,
            result.exit_code,
            result.cases.len(),
            result.failures().count(),
            result.setup.as_deref().unwrap_or("-")
        ));
    }
    lines
}
