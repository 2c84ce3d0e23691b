//! The runner's command line (`helios-conform`, `cargo xtask conform [URL]`). Without a URL it
//! starts the reference intercom with its default profile on free loopback ports and runs the
//! whole suite against it (the only place where the runner and the device meet outside tests).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use std::io::Write as _;

use anyhow::{Context, Result};
use helios_conform::baseline::Baseline;
use helios_conform::verdict::{EXIT_SETUP, EXIT_USAGE};
use helios_conform::{Options, Profile, REFERENCE_PROFILE, Report, Target, exit_code, report};
use helios_spec::Tier;

/// Writes to standard output, ignoring a closed pipe (`conform | head`): the run goes on and
/// exits as judged.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod init;

const AFTER_HELP: &str = "\
Tiers (--allow): read-only and reversible always run; config, reboot and destructive only when
allowed here or in the profile's [run] tiers.

Exit codes:
  0  no case failed, and at least one request case was sent
  1  the device departs from the manual in at least one case (each FAIL is confirmed by a rerun)
  2  nothing failed, but what stands is undecided (inconclusive cases, or some cases the run's
     environment failed: verdict `error`)
  3  usage, profile or declaration error; a selector (--only) that matches no case; a run that
     sent no request case
  4  setup error: the device is unreachable, TLS or a password of the profile is refused, or the
     device stopped answering mid-run (the lab's setup, not a verdict on the device)
`verify` exits 0 when the bundle is as sealed, 1 when a file changed, went or came, or the
signature or key is wrong, and 3 on a usage error; `keygen` 0, or 3 when a file exists.

Report directory: a run writes into an empty one (a non-empty one is refused, exit 3, before
anything is sent; --force empties one holding an earlier report), and seals it: run.json, then
manifest.sha256 over every file (`sha256sum -c manifest.sha256` in the directory checks it),
with --sign its Ed25519 signature manifest.sig and the signer's key signer.pub.pem.

Examples:
  cargo xtask conform
      the whole suite against the embedded reference intercom
  cargo xtask conform https://192.0.2.10 --http http://192.0.2.10 --profile lab.toml --ca dev.pem \\
      --report-dir out
      a real device over HTTPS (certificate pinned) and plain HTTP, with reports and evidence
  cargo xtask conform https://192.0.2.10 --profile lab.toml --insecure --only switch --list
      the switch cases that would run, without sending anything
  cargo xtask conform keygen --out lab
      a key pair: lab.key.pem (private, mode 0600) and lab.pub.pem
  cargo xtask conform https://192.0.2.10 --profile lab.toml --ca dev.pem --report-dir out \
      --sign lab.key.pem
      a run whose report directory is sealed and signed
  cargo xtask conform verify out --key lab.pub.pem
      every file's hash and the signature checked, each difference named
  cargo xtask conform init https://192.0.2.10 --http http://192.0.2.10 --user admin --insecure \\
      > lab.toml
      a declaration drafted from the device (password from --password or $HELIOS_PASS_ADMIN),
      each value commented with how it was found; fill its TODOs, then run with --profile";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The device, e.g. https://192.0.2.10; none for the embedded reference intercom; or
    /// `replay` to send one case of an earlier run again (see CASE), `diff` to compare two
    /// stored runs (`diff DIR_A DIR_B`: exit 1 when a case fails in B that did not in A),
    /// `merge` to merge shards' report directories (`merge DIR... --out DIR`), `verify` to
    /// check a sealed report directory, `keygen` to write a signing key pair (--out), `init`
    /// to draft a declaration of the device at CASE to standard output.
    url: Option<String>,
    /// With `replay`: the id of the case, from the report directory's results; with `verify`:
    /// the report directory; with `diff`: the report directory of run A; with `init`: the
    /// device's URL.
    case: Option<String>,
    /// With `init`: the account to log in with.
    #[arg(long)]
    user: Option<String>,
    /// With `init`: its password [default: $HELIOS_PASS_<USER>]; never written to the draft.
    #[arg(long)]
    password: Option<String>,
    /// With `diff`: the report directory of run B; with `merge`: the other shards.
    #[arg(hide = true)]
    more: Vec<String>,
    /// The device's plain-HTTP address, to test services that require HTTPS (error 7).
    #[arg(long)]
    http: Option<String>,
    /// Run the same cases against two devices and report every case that behaves differently
    /// (exit 1 when one does).
    #[arg(long, num_args = 2, value_names = ["URL_A", "URL_B"], conflicts_with = "url")]
    compare: Option<Vec<String>>,
    /// The lab's declaration of the device (TOML). With `replay`: the profile of the run again,
    /// for the passwords its evidence keeps only the SHA-256 of (or export HELIOS_PASS_<USER>).
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Only cases whose id or function path contains this (a selector that matches nothing is
    /// a usage error, exit 3, with the nearest ids).
    #[arg(long)]
    only: Option<String>,
    /// Print the cases that would run (id, function, manual section, tier, check, status) and
    /// send nothing; takes the same selectors.
    #[arg(long)]
    list: bool,
    /// Blast-radius tiers to allow beyond read-only and reversible (comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = ["read-only", "reversible", "config", "reboot", "destructive"])]
    allow: Vec<String>,
    /// Requests per second at most [default: the profile's [run] rate; 0 is no limit].
    #[arg(long)]
    rate: Option<u32>,
    /// The seed of generated values; a run with the same seed sends the same requests
    /// [default: 0].
    #[arg(long)]
    seed: Option<u64>,
    /// Generated requests (or sequences) per property [default: 16].
    #[arg(long)]
    cases: Option<u32>,
    /// Seconds a request may take [default: the profile's [run] timeout_seconds].
    #[arg(long)]
    timeout: Option<u64>,
    /// How many times a failure is sent again before it is reported; one that does not
    /// reproduce is inconclusive. 0 turns confirmation off.
    #[arg(long, default_value_t = helios_conform::options::DEFAULT_CONFIRM)]
    confirm: u32,
    /// Requests in a row without an answer after which the device is taken to have stopped
    /// answering and the run stops (exit 4); 0 never stops.
    #[arg(long, default_value_t = helios_conform::session::DEFAULT_STALL_AFTER)]
    stall_after: u32,
    /// Judge by this firmware version instead of the one the device reports (for a device that
    /// reports oddly).
    #[arg(long)]
    firmware: Option<String>,
    /// Only the K-th of N parts of the cases (K from 1): N jobs with K = 1..N together judge
    /// every case once (a request case by a stable hash of its id, a behaviour group whole).
    #[arg(long, value_name = "K/N", value_parser = helios_conform::select::Shard::parse)]
    shard: Option<helios_conform::select::Shard>,
    /// Departures already filed (TOML `[[known]]` entries: case id or glob, verdict, reason,
    /// link, expires): they keep their verdict in every report, marked known, and do not fail
    /// the run; expired and stale entries are reported.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write FILE as a baseline of this run's departures (merged into FILE when it exists;
    /// stale entries dropped).
    #[arg(long, value_name = "FILE")]
    baseline_update: Option<PathBuf>,
    /// Only the cases that failed in the run stored in this report directory.
    #[arg(long, value_name = "DIR")]
    rerun_failed: Option<PathBuf>,
    /// Where to write results.ndjson, junit.xml, report.html, the evidence folder, run.json and
    /// manifest.sha256: an empty directory (or a new one). With `diff`: diff.txt and diff.html.
    #[arg(long)]
    report_dir: Option<PathBuf>,
    /// Empty the report directory first when it holds an earlier report.
    #[arg(long)]
    force: bool,
    /// Sign the report directory's manifest with this Ed25519 private key (PKCS#8 PEM, from
    /// `keygen` or `openssl genpkey -algorithm ed25519`).
    #[arg(long, value_name = "KEYFILE")]
    sign: Option<PathBuf>,
    /// With `verify`: the public key (PEM) the bundle must be signed by.
    #[arg(long, value_name = "PUB")]
    key: Option<PathBuf>,
    /// With `keygen`: write PREFIX.key.pem and PREFIX.pub.pem; with `merge`: the report
    /// directory of the merged run.
    #[arg(long, value_name = "PREFIX")]
    out: Option<PathBuf>,
    /// Accept a self-signed certificate.
    #[arg(long)]
    insecure: bool,
    /// Run every device of this inventory (TOML: one [[device]] per device, with name, https
    /// and/or http, profile, ca, insecure; paths relative to it) into --report-dir OUT:
    /// OUT/<name>/ per device, and the aggregate index.html, results.ndjson and junit.xml in
    /// OUT, all sealed by OUT/manifest.sha256. The fleet exits 1 when any device departs from
    /// the manual, else 4 when any had a setup error (an unreachable device), else 3 when any
    /// run sent no request case, else 2 when any stands undecided, else 0; an invalid entry is
    /// a usage error (exit 3) before anything is sent.
    #[arg(long, value_name = "FILE", requires = "report_dir", conflicts_with_all = ["url", "compare", "list", "rerun_failed", "http", "ca", "insecure", "profile", "baseline", "baseline_update"])]
    inventory: Option<PathBuf>,
    /// With --inventory: how many devices run at once [default: 8]; each keeps its own rate
    /// limit, login budget and timeouts.
    #[arg(long, value_name = "N", requires = "inventory", value_parser = clap::value_parser!(u32).range(1..=256))]
    jobs: Option<u32>,
    /// Pin the device's certificate (PEM).
    #[arg(long)]
    ca: Option<PathBuf>,
    /// Ask on stderr for the events only someone at the device can raise (a card on the
    /// reader), when the device has no stimulus interface; each waits for the event with the
    /// profile's `operator_seconds`.
    #[arg(long)]
    interactive: bool,
}

pub fn main(args: Args) -> Result<()> {
    let code = match run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("conform: {error:#}");
            EXIT_USAGE
        }
    };
    std::process::exit(code);
}

/// The commands in the place of a URL: `replay`, `diff`, `merge`, `verify`, `keygen`, `init`.
fn command(args: &Args) -> Option<Result<i32>> {
    if args.inventory.is_some() {
        return Some(fleet(args));
    }
    match args.url.as_deref()? {
        "replay" => Some(replay(args)),
        "diff" => Some(diff(args)),
        "merge" => {
            let dirs: Vec<PathBuf> = args
                .case
                .iter()
                .chain(&args.more)
                .map(PathBuf::from)
                .collect();
            Some(crate::shards::merge(
                &dirs,
                args.out.as_deref(),
                args.force,
                args.sign.as_deref(),
            ))
        }
        "verify" => {
            let dir = args.case.as_deref().map(std::path::Path::new);
            let dir = dir.or(args.report_dir.as_deref());
            Some(crate::seal::verify(dir, args.key.as_deref()))
        }
        "keygen" => Some(crate::seal::keygen(args.out.as_deref())),
        "init" => Some(init::init(args)),
        _ => None,
    }
}

fn run(args: Args) -> Result<i32> {
    if let Some(code) = command(&args) {
        return code;
    }
    let profile_text = match &args.profile {
        Some(path) => read_text(path)?,
        None => REFERENCE_PROFILE.to_owned(),
    };
    // A password the declaration reads from the environment (`password_env`) goes into the
    // text that the run and its reports read, which mask it.
    let profile_text = helios_conform::profile::with_env_passwords(&profile_text, &|name| {
        std::env::var(name).ok()
    })
    .context("the profile")?;
    let profile = Profile::parse(&profile_text).context("the profile")?;
    let options = options(&args)?;
    if args.report_dir.is_none() && (args.force || args.sign.is_some()) {
        anyhow::bail!("--force and --sign are about the report directory: give --report-dir DIR");
    }
    let baseline = read_baseline(&args)?;
    if options.ids.as_ref().is_some_and(|ids| ids.is_empty()) {
        say!("no case failed in that run: nothing to run again");
        return Ok(helios_conform::verdict::EXIT_PASS);
    }
    let ca_pem = match &args.ca {
        Some(path) => {
            Some(std::fs::read(path).with_context(|| format!("reading {}", path.display()))?)
        }
        None => None,
    };
    // Whether the run will have a plain-HTTP address (the embedded reference has both).
    let has_http = match &args.url {
        Some(url) => args.http.is_some() || !url.starts_with("https://"),
        None => true,
    };
    // The ids of --rerun-failed come from a run of this device: they need no check against
    // the listing (which knows only what the declaration implies).
    if options.ids.is_none()
        && let Some(nearest) = helios_conform::run::unmatched(&profile, has_http, &options)
    {
        return Ok(unmatched(args.only.as_deref(), &nearest));
    }
    if args.list {
        return Ok(list(&profile, has_http, &options));
    }
    let runtime = tokio::runtime::Runtime::new()?;
    if let Some(urls) = &args.compare {
        return compare(&runtime, &profile, &options, urls, &args, ca_pem.as_ref());
    }
    // The report directory is made ready, and the signing key read, before anything is sent.
    let sealing = (args.report_dir.as_deref())
        .map(|dir| crate::seal::Sealing::prepare(dir, args.force, args.sign.as_deref(), &options))
        .transpose()?;
    let started = std::time::Instant::now();
    let (mut run, target, embedded_run) = reach(&runtime, &args, &profile, &options, ca_pem)?;
    if let Some(helios_conform::Setup::Preflight(_)) = &run.setup {
        return Ok(setup_error(&run, sealing.as_ref(), &profile_text));
    }
    apply_baseline(&args, baseline.as_ref(), &mut run)?;
    say!("{}", report::summary(&run, &profile_text).trim_end());
    say!(
        "{} cases in {:.1} s",
        run.outcomes.len(),
        started.elapsed().as_secs_f64()
    );
    let code = run.exit_code();
    if let Some(sealing) = &sealing {
        write_reports(
            &run,
            sealing,
            target,
            embedded_run,
            &profile_text,
            &args,
            code,
        )?;
    }
    Ok(exit(&run, code))
}

/// The run's exit code, with what stopped it on standard error: the device stopped answering
/// (4), or no request case was sent (3).
fn exit(run: &Report, code: i32) -> i32 {
    if let Some(setup) = &run.setup {
        eprint!("{setup}");
        return EXIT_SETUP;
    }
    if !run.sent_a_request_case() {
        eprintln!(
            "conform: no request case was sent (every selected case was skipped or not \
             applicable): a run that executed nothing is not a verdict; check --only, --allow and \
             the profile's [run] tiers"
        );
        return EXIT_USAGE;
    }
    code
}

/// `--baseline FILE` read and checked before anything is sent (a bad file is a usage error).
fn read_baseline(args: &Args) -> Result<Option<Baseline>> {
    match &args.baseline {
        Some(path) => Ok(Some(Baseline::read(path)?)),
        None => Ok(None),
    }
}

/// Marks the departures the baseline accepts as known and says what it found (expired, stale
/// and unmatched entries); with `--baseline-update FILE`, writes FILE with an entry for each
/// departure no entry covers and without the stale ones (merged into FILE when it exists).
fn apply_baseline(args: &Args, baseline: Option<&Baseline>, run: &mut Report) -> Result<()> {
    let today = helios_conform::baseline::today();
    if let Some(baseline) = baseline {
        let applied = baseline.apply(&mut run.outcomes, today);
        say!("{}", applied.summary(&run.outcomes).trim_end());
        run.baseline = Some(applied);
    }
    if let Some(path) = &args.baseline_update {
        let base = if path.exists() {
            Baseline::read(path)?
        } else {
            baseline.cloned().unwrap_or_default()
        };
        let applied = run.baseline.clone().unwrap_or_default();
        let updated = base.updated(&run.outcomes, &applied, today, BASELINE_DAYS);
        std::fs::write(path, updated.to_toml())
            .with_context(|| format!("writing {}", path.display()))?;
        say!(
            "baseline with {} entries written to {} (new entries expire in {BASELINE_DAYS} days: \
             fill in each reason and link)",
            updated.known.len(),
            path.display()
        );
    }
    Ok(())
}

/// How long a new entry of `--baseline-update` accepts its departure.
const BASELINE_DAYS: u64 = 90;

/// A file's text, its path named when it cannot be read.
fn read_text(path: &std::path::Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// The run's options from the command line.
fn options(args: &Args) -> Result<Options> {
    let allow = args
        .allow
        .iter()
        .map(|id| Tier::from_id(id).with_context(|| format!("unknown tier `{id}`")))
        .collect::<Result<Vec<_>>>()?;
    let firmware = match &args.firmware {
        Some(text) => Some(
            helios_spec::Version::parse(text)
                .with_context(|| format!("`{text}` is not a firmware version"))?,
        ),
        None => None,
    };
    Ok(Options {
        only: args.only.clone(),
        case: None,
        firmware,
        allow,
        rate: args.rate,
        timeout: args.timeout.map(Duration::from_secs),
        seed: args.seed,
        cases: args.cases,
        replay: None,
        interactive: args.interactive,
        confirm: Some(args.confirm),
        stall_after: Some(args.stall_after),
        shard: args.shard,
        ids: match &args.rerun_failed {
            Some(dir) => Some(helios_conform::history::StoredRun::read(dir)?.failed_ids()),
            None => None,
        },
    })
}

/// A selector that matches no case: the nearest ids on standard error, and a usage error.
fn unmatched(only: Option<&str>, nearest: &[String]) -> i32 {
    eprintln!(
        "conform: --only {:?} matches no case id or function path{}",
        only.unwrap_or_default(),
        if nearest.is_empty() {
            "; none is near it (`--list` prints them all)"
        } else {
            "; the nearest:"
        }
    );
    for id in nearest {
        eprintln!("  {id}");
    }
    EXIT_USAGE
}

/// `--list`: the cases that would run, one a line, and nothing sent.
fn list(profile: &helios_conform::Checked, has_http: bool, options: &Options) -> i32 {
    let listed = helios_conform::run::listing(profile, has_http, options);
    say!(
        "{:<56} {:<24} {:<8} {:<12} {:<11} status",
        "id",
        "function",
        "section",
        "tier",
        "check"
    );
    let or_dash = |text: &'static str| if text.is_empty() { "-" } else { text };
    for case in &listed {
        say!(
            "{:<56} {:<24} {:<8} {:<12} {:<11} {}",
            case.id,
            or_dash(case.function),
            or_dash(case.section),
            case.tier.id(),
            case.check,
            case.status
        );
    }
    say!(
        "{} cases ({} behaviour groups, each several cases); nothing was sent",
        listed.len(),
        listed.iter().filter(|c| c.check == "behaviour").count()
    );
    helios_conform::verdict::EXIT_PASS
}

/// `--inventory FILE --report-dir OUT`: the devices of a fleet (`fleet.rs`), each device's
/// reports written and sealed as a single run's.
fn fleet(args: &Args) -> Result<i32> {
    let fleet = crate::fleet::Fleet {
        inventory: args.inventory.as_deref().context("--inventory")?,
        out: (args.report_dir.as_deref()).context("--inventory needs --report-dir OUT")?,
        force: args.force,
        sign: args.sign.as_deref(),
        jobs: args.jobs,
        options: options(args)?,
    };
    crate::fleet::run(&fleet, &|device, sealing, run| {
        if let Some(helios_conform::Setup::Preflight(_)) = &run.setup {
            eprintln!("{}:", device.name);
            setup_error(run, Some(sealing), &device.profile_text);
            return Ok(());
        }
        let (target, code) = (device.target.clone(), run.exit_code());
        write_reports(
            run,
            sealing,
            target,
            false,
            &device.profile_text,
            args,
            code,
        )
    })
}

/// Runs against the device the command line names, or the embedded reference intercom, with
/// live progress: the run, the target it reached, and whether that was the embedded one.
fn reach(
    runtime: &tokio::runtime::Runtime,
    args: &Args,
    profile: &helios_conform::Checked,
    options: &Options,
    ca_pem: Option<Vec<u8>>,
) -> Result<(Report, Target, bool)> {
    let mut progress = crate::progress::Progress::new();
    let mut judged = |outcome: &helios_conform::Outcome| progress.judged(outcome);
    let reached = runtime.block_on(async {
        match &args.url {
            Some(url) => {
                let (http, https) = if url.starts_with("https://") {
                    (args.http.clone(), Some(url.clone()))
                } else {
                    (Some(url.clone()), None)
                };
                let target = Target {
                    http,
                    https,
                    insecure: args.insecure,
                    ca_pem,
                };
                let run =
                    helios_conform::run_with_progress(profile, &target, options, &mut judged).await;
                Ok::<_, anyhow::Error>((run, target, false))
            }
            None => embedded(profile, options, &mut judged)
                .await
                .map(|(run, target)| (run, target, true)),
        }
    })?;
    progress.finish();
    Ok(reached)
}

/// The reports and the evidence folder in the report directory, sealed.
fn write_reports(
    run: &Report,
    sealing: &crate::seal::Sealing,
    target: Target,
    embedded_run: bool,
    profile_text: &str,
    args: &Args,
    code: i32,
) -> Result<()> {
    let dir = sealing.dir();
    report::write(run, dir, &target, profile_text, code)?;
    // An embedded run records an empty target: a replay starts the reference intercom anew.
    let recorded = if embedded_run {
        Target {
            http: None,
            https: None,
            insecure: args.insecure,
            ca_pem: None,
        }
    } else {
        target
    };
    report::write_evidence(run, dir, profile_text, &recorded)?;
    say!("reports and evidence in {}", dir.display());
    sealing.finish(run, profile_text, code)
}

/// A run the preflight stopped: what failed and what to fix, on standard error, and
/// `setup.json` in the (fresh) report directory, sealed with `run.json` as a run's reports
/// are; no report that could read as a verdict on the device.
fn setup_error(run: &Report, sealing: Option<&crate::seal::Sealing>, profile_text: &str) -> i32 {
    let Some(setup) = &run.setup else {
        return run.exit_code();
    };
    eprint!("{setup}");
    if let (Some(sealing), helios_conform::Setup::Preflight(errors)) = (sealing, setup) {
        let mut record = serde_json::json!({
            "setup": errors.iter().map(|e| serde_json::json!({
                "what": e.what, "cause": e.cause, "fix": e.fix,
            })).collect::<Vec<_>>(),
            "exitCode": EXIT_SETUP,
        });
        report::Secrets::of_profile(profile_text).json(&mut record);
        let path = sealing.dir().join("setup.json");
        let written = serde_json::to_string_pretty(&record)
            .map_err(anyhow::Error::from)
            .and_then(|text| {
                std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
            })
            .and_then(|()| sealing.finish(run, profile_text, EXIT_SETUP));
        // A report that cannot be written does not turn the setup error into another.
        match written {
            Ok(()) => eprintln!("the setup errors are in {}", path.display()),
            Err(error) => eprintln!("conform: {error:#}"),
        }
    }
    EXIT_SETUP
}

/// `cargo xtask conform --compare A B`: the same cases against two devices, and every case that
/// behaves differently.
fn compare(
    runtime: &tokio::runtime::Runtime,
    profile: &helios_conform::Checked,
    options: &Options,
    urls: &[String],
    args: &Args,
    ca_pem: Option<&Vec<u8>>,
) -> Result<i32> {
    let [a, b] = urls else {
        anyhow::bail!("--compare needs two device addresses");
    };
    let target = |url: &String| Target {
        http: (!url.starts_with("https://")).then(|| url.clone()),
        https: url.starts_with("https://").then(|| url.clone()),
        insecure: args.insecure,
        ca_pem: ca_pem.cloned(),
    };
    let mut runs = Vec::new();
    for url in [a, b] {
        let mut progress = crate::progress::Progress::new();
        let mut judged = |outcome: &helios_conform::Outcome| progress.judged(outcome);
        let run = runtime.block_on(helios_conform::run_with_progress(
            profile,
            &target(url),
            options,
            &mut judged,
        ));
        progress.finish();
        if let Some(setup) = &run.setup {
            eprint!("{url}: {setup}");
            return Ok(EXIT_SETUP);
        }
        say!("{url}: {} cases", run.outcomes.len());
        runs.push(run);
    }
    let differences = helios_conform::compare::differences(&runs[0], &runs[1]);
    say!(
        "{}",
        helios_conform::compare::table(&differences, a, b).trim_end()
    );
    Ok(i32::from(!differences.is_empty()))
}

/// `diff DIR_A DIR_B [--report-dir OUT]`: two stored runs compared, as text (and diff.txt and
/// diff.html in OUT); exit 1 when B regressed.
fn diff(args: &Args) -> Result<i32> {
    let (Some(a), [b]) = (&args.case, args.more.as_slice()) else {
        anyhow::bail!("diff needs two report directories: diff DIR_A DIR_B");
    };
    let a = helios_conform::history::StoredRun::read(std::path::Path::new(a))?;
    let b = helios_conform::history::StoredRun::read(std::path::Path::new(b))?;
    let differences = helios_conform::history::diff(&a, &b);
    let text = helios_conform::history::text(&a, &b, &differences);
    say!("{}", text.trim_end());
    if let Some(dir) = &args.report_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        std::fs::write(dir.join("diff.txt"), &text)?;
        std::fs::write(
            dir.join("diff.html"),
            helios_conform::history::html(&a, &b, &differences)?,
        )?;
        say!("diff.txt and diff.html in {}", dir.display());
    }
    Ok(if helios_conform::history::regressed(&differences) {
        helios_conform::verdict::EXIT_FAIL
    } else {
        helios_conform::verdict::EXIT_PASS
    })
}

/// `cargo xtask conform replay <CASE> --report-dir DIR`: sends one case of an earlier run again,
/// to the device of that run (or a fresh reference intercom when the run was embedded), with the
/// profile it used, and judges it anew.
fn replay(args: &Args) -> Result<i32> {
    let id = args.case.clone().context("replay needs a case id")?;
    let dir = args
        .report_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("target/conform"));
    let recorded = Recorded::read(&dir, &id, args)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let run = runtime.block_on(recorded.send_again(args))?;
    if let Some(setup) = &run.setup {
        eprint!("{setup}");
        return Ok(EXIT_SETUP);
    }
    let Some(outcome) = run.outcomes.iter().find(|o| o.id == id) else {
        anyhow::bail!("no case {id} in this suite");
    };
    say!("{}: {}", outcome.id, outcome.verdict);
    say!(
        "  expected: {}\n  observed: {}",
        outcome.expected,
        outcome.observed
    );
    let secrets = report::Secrets::of_profile(&recorded.profile_text);
    for exchange in &outcome.exchanges {
        say!("  sent: {}", secrets.curl(exchange));
    }
    Ok(exit_code(std::slice::from_ref(&outcome.verdict)))
}

/// What a report directory kept of an earlier run, to send one of its cases again.
struct Recorded {
    /// The profile of the run, its passwords restored.
    profile_text: String,
    profile: helios_conform::Checked,
    /// `evidence/target.json`.
    target: serde_json::Value,
    /// The options that select the case and send what it sent.
    options: Options,
}

impl Recorded {
    /// Reads the run in `dir` for the case `id`.
    fn read(dir: &std::path::Path, id: &str, args: &Args) -> Result<Self> {
        let evidence = dir.join("evidence");
        let masked = std::fs::read_to_string(evidence.join("profile.toml"))
            .with_context(|| format!("reading the profile of the run in {}", evidence.display()))?;
        // The evidence keeps each password's SHA-256: the profile given again, the environment
        // or (for an embedded run) the reference profile supplies them.
        let given = match &args.profile {
            Some(path) => vec![read_text(path)?],
            None => Vec::new(),
        };
        let given: Vec<&str> = given.iter().map(String::as_str).collect();
        let profile_text = report::restore_profile(
            &masked,
            report::Supply {
                profiles: &given,
                env: &|name| std::env::var(name).ok(),
                fallback: &[REFERENCE_PROFILE],
            },
        )?;
        let profile = Profile::parse(&profile_text).context("the recorded profile")?;
        let target: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(evidence.join("target.json"))?)?;
        let tool: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(evidence.join("tool.json"))?)?;
        // What the case sent when it was judged (a property's smallest failing request, a
        // model's shortest failing sequence), so that the replay sends exactly that.
        let results = read_text(&dir.join("results.ndjson"))?;
        let line = results
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .find(|line| line["id"] == id)
            .with_context(|| format!("no case {id} in {}", dir.display()))?;
        let allow = tool["allow"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|tier| tier.as_str().and_then(Tier::from_id))
            .collect();
        let options = Options {
            case: Some(id.to_owned()),
            replay: line.get("replay").cloned(),
            seed: tool["seed"].as_u64(),
            cases: tool["cases"].as_u64().and_then(|n| u32::try_from(n).ok()),
            allow,
            timeout: args.timeout.map(Duration::from_secs),
            ..Options::default()
        };
        Ok(Self {
            profile_text,
            profile,
            target,
            options,
        })
    }

    /// Runs the case against the recorded device, or a fresh reference intercom when the run
    /// was embedded.
    async fn send_again(&self, args: &Args) -> Result<Report> {
        let text = |key: &str| self.target[key].as_str().map(str::to_owned);
        match (text("http"), text("https")) {
            (None, None) => embedded(&self.profile, &self.options, &mut |_| {})
                .await
                .map(|(run, _)| run),
            (http, https) => {
                let insecure = self.target["insecure"].as_bool().unwrap_or(false) || args.insecure;
                let ca_pem = match &args.ca {
                    Some(path) => Some(std::fs::read(path)?),
                    None => None,
                };
                let target = Target {
                    http,
                    https,
                    insecure,
                    ca_pem,
                };
                Ok(helios_conform::run(&self.profile, &target, &self.options).await)
            }
        }
    }
}

/// Starts the reference intercom on free loopback ports, with its stimulus interface, and runs
/// against it, its certificate pinned.
async fn embedded(
    profile: &helios_conform::Checked,
    options: &Options,
    progress: &mut (dyn FnMut(&helios_conform::Outcome) + Send),
) -> Result<(helios_conform::Report, Target)> {
    let tls = helios_device::tls::Tls::self_signed()?;
    let ca_pem = Some(tls.cert_pem.clone().into_bytes());
    let device = helios_device::Device::new(
        helios_device::Profile::default_profile(),
        Arc::new(helios_device::clock::SystemClock::new()),
    );
    let any: SocketAddr = "127.0.0.1:0".parse()?;
    let stimulus = helios_device::stimulus::serve(device.clone(), any).await?;
    let mut profile = profile.clone();
    profile.stimulus_url = Some(format!("http://{stimulus}"));
    let running = helios_device::server::start(device, Some(any), Some((any, tls))).await?;
    let target = Target {
        http: running.http.map(|a| format!("http://{a}")),
        https: running.https.map(|a| format!("https://{a}")),
        insecure: false,
        ca_pem,
    };
    say!(
        "the reference intercom: {} and {}",
        target.http.as_deref().unwrap_or("-"),
        target.https.as_deref().unwrap_or("-")
    );
    let run = helios_conform::run_with_progress(&profile, &target, options, progress).await;
    running.shutdown().await;
    Ok((run, target))
}

#[cfg(test)]
mod tests {
    use helios_spec::{Privilege, Service};

    /// The lab profile that `cargo xtask conform` uses declares the device it starts.
    #[test]
    fn the_reference_profile_declares_the_default_device() {
        let declared = helios_conform::Profile::parse(helios_conform::REFERENCE_PROFILE)
            .expect("the reference profile");
        let device = helios_device::Profile::default_profile();
        assert_eq!(declared.variant, device.device.variant);
        assert_eq!(declared.firmware_text, device.device.sw_version.text);
        for service in Service::ALL {
            assert_eq!(
                declared.security(service),
                device.security(service),
                "{service}"
            );
        }
        let licences: Vec<_> = device.licences.iter().map(|l| l.0).collect();
        assert_eq!(declared.licences, licences);
        assert_eq!(declared.accounts.len(), device.accounts.0.len());
        for (lab, real) in declared.accounts.iter().zip(&device.accounts.0) {
            assert_eq!((&lab.user, &lab.password), (&real.user, &real.password));
            for privilege in Privilege::all() {
                assert_eq!(
                    lab.holds(privilege),
                    real.holds(privilege),
                    "{} {privilege}",
                    lab.user
                );
            }
        }
    }
}
