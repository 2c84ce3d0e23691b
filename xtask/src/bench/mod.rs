//! `cargo xtask bench`: without a URL, the benchmarks of the reference intercom and the parsers
//! (criterion, then the `harness = false` ones) and one table of their figures beside their
//! baselines; with a URL, load mode against that device (`helios_conform::load`).

mod load;
mod suite;
mod table;

use std::path::PathBuf;

use anyhow::Result;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The device to measure, e.g. https://192.0.2.10; none runs the benchmarks.
    url: Option<String>,
    /// Load mode: the device's plain-HTTP address, for services on HTTP.
    #[arg(long)]
    http: Option<String>,
    /// Load mode: the lab's declaration of the device (TOML).
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Load mode: seconds each measurement runs.
    #[arg(long, default_value_t = 5)]
    duration: u64,
    /// Load mode: requests per second, overriding the profile's limit.
    #[arg(long)]
    rate: Option<u32>,
    /// Load mode: seconds a request may take.
    #[arg(long)]
    timeout: Option<u64>,
    /// Load mode: accept a self-signed certificate.
    #[arg(long)]
    insecure: bool,
    /// Load mode: pin the device's certificate (PEM).
    #[arg(long)]
    ca: Option<PathBuf>,
    /// Benchmarks: seconds criterion measures each benchmark.
    #[arg(long, default_value_t = 3)]
    measure: u64,
    /// Benchmarks: only these (parsers, snapshot, events, mjpeg, memory, fleet).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Benchmarks: print the table of the last run without running anything.
    #[arg(long)]
    table: bool,
}

pub(crate) fn main(args: Args) -> Result<()> {
    match &args.url {
        Some(url) => {
            let code = match load::run(url, &args) {
                Ok(code) => code,
                Err(error) => {
                    eprintln!("bench: {error:#}");
                    3
                }
            };
            std::process::exit(code);
        }
        None => suite::run(&args),
    }
}
