//! `cargo xtask conform [URL]`: the conformance runner's command line. Without a URL it starts
//! the reference intercom with its default profile on free loopback ports and runs the whole
//! suite against it (the only place where the runner and the device meet outside tests).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use helios_conform::{Options, Profile, REFERENCE_PROFILE, Target, exit_code, report};
use helios_spec::Tier;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The device, e.g. https://192.0.2.10; none for the embedded reference intercom; or
    /// `replay` to send one case of an earlier run again (see CASE).
    url: Option<String>,
    /// With `replay`: the id of the case, from the report directory's results.
    case: Option<String>,
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
    /// Only cases whose id or function path contains this.
    #[arg(long)]
    only: Option<String>,
    /// Blast-radius tiers to allow beyond read-only and reversible.
    #[arg(long, value_delimiter = ',')]
    allow: Vec<String>,
    /// Requests per second at most.
    #[arg(long)]
    rate: Option<u32>,
    /// The seed of generated values; a run with the same seed sends the same requests.
    #[arg(long)]
    seed: Option<u64>,
    /// Generated requests (or sequences) per property.
    #[arg(long)]
    cases: Option<u32>,
    /// Seconds a request may take.
    #[arg(long)]
    timeout: Option<u64>,
    /// Judge by this firmware version instead of the one the device reports (for a device that
    /// reports oddly).
    #[arg(long)]
    firmware: Option<String>,
    /// Where to write results.ndjson and junit.xml.
    #[arg(long)]
    report_dir: Option<PathBuf>,
    /// Accept a self-signed certificate.
    #[arg(long)]
    insecure: bool,
    /// Pin the device's certificate (PEM).
    #[arg(long)]
    ca: Option<PathBuf>,
    /// Ask on stderr for the events only someone at the device can raise (a card on the
    /// reader), when the device has no stimulus interface; each waits for the event with the
    /// profile's `operator_seconds`.
    #[arg(long)]
    interactive: bool,
}

pub(crate) fn main(args: Args) -> Result<()> {
    let code = match run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("conform: {error:#}");
            3
        }
    };
    std::process::exit(code);
}

fn run(args: Args) -> Result<i32> {
    if args.url.as_deref() == Some("replay") {
        return replay(&args);
    }
    let profile_text = match &args.profile {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
        }
        None => REFERENCE_PROFILE.to_owned(),
    };
    let profile = Profile::parse(&profile_text).context("the profile")?;
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
    let options = Options {
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
        confirm: None,
    };
    let ca_pem = match &args.ca {
        Some(path) => {
            Some(std::fs::read(path).with_context(|| format!("reading {}", path.display()))?)
        }
        None => None,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    if let Some(urls) = &args.compare {
        return compare(&runtime, &profile, &options, urls, &args, ca_pem.as_ref());
    }
    let started = std::time::Instant::now();
    let mut progress = crate::progress::Progress::new();
    let mut judged = |outcome: &helios_conform::Outcome| progress.judged(outcome);
    // The target the run reached, and whether it was the embedded reference intercom.
    let (run, target, embedded_run) = runtime.block_on(async {
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
                    helios_conform::run_with_progress(&profile, &target, &options, &mut judged)
                        .await;
                Ok::<_, anyhow::Error>((run, target, false))
            }
            None => embedded(&profile, &options, &mut judged)
                .await
                .map(|(run, target)| (run, target, true)),
        }
    })?;
    progress.finish();
    print!("{}", report::summary(&run, &profile_text));
    println!(
        "{} cases in {:.1} s",
        run.outcomes.len(),
        started.elapsed().as_secs_f64()
    );
    let verdicts: Vec<_> = run.outcomes.iter().map(|o| o.verdict.clone()).collect();
    let code = exit_code(&verdicts);
    if let Some(dir) = &args.report_dir {
        report::write(&run, dir, &target, &profile_text, code)?;
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
        report::write_evidence(&run, dir, &profile_text, &recorded)?;
        println!("reports and evidence in {}", dir.display());
    }
    Ok(code)
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
        println!("{url}: {} cases", run.outcomes.len());
        runs.push(run);
    }
    let differences = helios_conform::compare::differences(&runs[0], &runs[1]);
    print!("{}", helios_conform::compare::table(&differences, a, b));
    Ok(i32::from(!differences.is_empty()))
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
    let evidence = dir.join("evidence");
    let masked = std::fs::read_to_string(evidence.join("profile.toml"))
        .with_context(|| format!("reading the profile of the run in {}", evidence.display()))?;
    // The evidence keeps each password's SHA-256: the profile given again, the environment or
    // (for an embedded run) the reference profile supplies them.
    let given = match &args.profile {
        Some(path) => vec![
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        ],
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
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(evidence.join("target.json"))?)?;
    let text = |key: &str| recorded[key].as_str().map(str::to_owned);
    let tool: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(evidence.join("tool.json"))?)?;
    // What the case sent when it was judged (a property's smallest failing request, a model's
    // shortest failing sequence), so that the replay sends exactly that.
    let results = std::fs::read_to_string(dir.join("results.ndjson"))
        .with_context(|| format!("reading {}", dir.join("results.ndjson").display()))?;
    let line = results
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["id"] == id.as_str())
        .with_context(|| format!("no case {id} in {}", dir.display()))?;
    let allow = tool["allow"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tier| tier.as_str().and_then(Tier::from_id))
        .collect();
    let options = Options {
        case: Some(id.clone()),
        replay: line.get("replay").cloned(),
        seed: tool["seed"].as_u64(),
        cases: tool["cases"].as_u64().and_then(|n| u32::try_from(n).ok()),
        allow,
        timeout: args.timeout.map(Duration::from_secs),
        ..Options::default()
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let run = runtime.block_on(async {
        match (text("http"), text("https")) {
            (None, None) => embedded(&profile, &options, &mut |_| {})
                .await
                .map(|(run, _)| run),
            (http, https) => {
                let insecure = recorded["insecure"].as_bool().unwrap_or(false) || args.insecure;
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
                Ok(helios_conform::run(&profile, &target, &options).await)
            }
        }
    })?;
    let Some(outcome) = run.outcomes.iter().find(|o| o.id == id) else {
        anyhow::bail!("no case {id} in this suite");
    };
    println!("{}: {}", outcome.id, outcome.verdict);
    println!(
        "  expected: {}\n  observed: {}",
        outcome.expected, outcome.observed
    );
    let secrets = report::Secrets::of_profile(&profile_text);
    for exchange in &outcome.exchanges {
        println!("  sent: {}", secrets.curl(exchange));
    }
    Ok(exit_code(std::slice::from_ref(&outcome.verdict)))
}

/// Starts the reference intercom on free loopback ports, with its stimulus interface, and runs
/// against it, its certificate pinned.
async fn embedded(
    profile: &helios_conform::Checked,
    options: &Options,
    progress: &mut (dyn FnMut(&helios_conform::Outcome) + Send),
) -> Result<(helios_conform::Run, Target)> {
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
    println!(
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
