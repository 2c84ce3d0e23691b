//! `helios-device` and `cargo xtask device`: start the reference intercom.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use clap::Parser;

use crate::clock::SystemClock;
use crate::device::Device;
use crate::faults::{self, Fault};
use crate::profile::Profile;
use crate::server;
use crate::tls::Tls;

#[derive(Debug, Parser)]
#[command(
    name = "helios-device",
    version = helios_version::describe(),
    about = "The reference 2N Helios IP intercom"
)]
pub struct Options {
    /// Where to serve plain HTTP; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub http: SocketAddr,
    /// Where to serve HTTPS; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub https: SocketAddr,
    /// The device profile (TOML); the committed default profile when absent.
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// A PEM certificate chain for HTTPS, instead of a self-signed certificate.
    #[arg(long, requires = "key")]
    pub cert: Option<PathBuf>,
    /// The PEM private key of --cert.
    #[arg(long, requires = "cert")]
    pub key: Option<PathBuf>,
    /// Where to serve the stimulus interface of the simulation (off when absent).
    #[arg(long)]
    pub stimulus: Option<SocketAddr>,
    /// A directory that keeps the configuration and the installed firmware across restarts
    /// (the profile's `system.state_dir`); without either they live in memory only.
    #[arg(long = "state", value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// Depart from the manual in this way (repeatable), on top of the profile's `faults`; the
    /// names are those of --list-faults.
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<Fault>,
    /// Print the fault catalogue (name, area, function, what departs from the manual) and exit.
    #[arg(long)]
    pub list_faults: bool,
}

/// Parses the command line and runs until Ctrl-C. A command line it cannot parse exits 3 (a
/// usage error), with clap's message; `--help` prints every flag and exits 0.
pub fn main_with_args(args: impl IntoIterator<Item = String>) -> Result<()> {
    let options = match Options::try_parse_from(args) {
        Ok(options) => options,
        Err(error) => {
            let code = if error.use_stderr() { 3 } else { 0 };
            let _ = error.print();
            std::process::exit(code);
        }
    };
    main_with_options(options)
}

/// Runs the device as `options` say, until Ctrl-C.
pub fn main_with_options(options: Options) -> Result<()> {
    if options.list_faults {
        print!("{}", faults::listing());
        return Ok(());
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=debug".into()),
        )
        .init();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(run(options))
}

async fn run(options: Options) -> Result<()> {
    let mut profile = match &options.profile {
        Some(path) => Profile::load(path)?,
        None => Profile::default_profile(),
    };
    if let Some(dir) = &options.state {
        profile.system.state_dir = Some(dir.clone());
    }
    for fault in &options.faults {
        profile.faults = profile.faults.with(*fault);
    }
    if !profile.faults.is_empty() {
        let names: Vec<&str> = profile.faults.iter().map(Fault::name).collect();
        println!("FAULTS {}", names.join(" "));
    }
    // A state directory a device cannot read back is refused, naming the file: starting from
    // the factory configuration instead would silently bring back its default passwords.
    crate::system::config::check_state(&profile)?;
    let tls = match (&options.cert, &options.key, &profile.system.state_dir) {
        (Some(cert), Some(key), _) => Tls::load(cert, key)?,
        (_, _, Some(dir)) => Tls::kept_in(dir)?,
        _ => Tls::self_signed()?,
    };
    let device = Device::new(profile, Arc::new(SystemClock::new()));
    let running = server::start(
        device.clone(),
        Some(options.http),
        Some((options.https, tls)),
    )
    .await?;
    if let Some(address) = options.stimulus {
        let bound = crate::stimulus::serve(device, address).await?;
        println!("STIMULUS http://{bound}/");
    }
    if let Some(http) = running.http {
        println!("HTTP  http://{http}/");
    }
    if let Some(https) = running.https {
        println!("HTTPS https://{https}/");
    }
    tokio::signal::ctrl_c().await?;
    println!("shutting down");
    running.shutdown().await;
    Ok(())
}
