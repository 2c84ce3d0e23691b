//! `cargo xtask bench <URL>`: load mode against a device, with the lab's profile.

use std::time::Duration;

use anyhow::{Context, Result};
use helios_conform::load::{LoadOptions, run as run_load};
use helios_conform::{Profile, REFERENCE_PROFILE, Target};

use super::Args;

/// Runs load mode and prints its table; the exit code is 0 when something was measured, 2 when
/// nothing could be.
pub(crate) fn run(url: &str, args: &Args) -> Result<i32> {
    let profile_text = match &args.profile {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
        }
        None => REFERENCE_PROFILE.to_owned(),
    };
    let profile_text = helios_conform::profile::with_env_passwords(&profile_text, &|name| {
        std::env::var(name).ok()
    })
    .context("the profile")?;
    let profile = Profile::parse(&profile_text).context("the profile")?;
    let ca_pem = match &args.ca {
        Some(path) => {
            Some(std::fs::read(path).with_context(|| format!("reading {}", path.display()))?)
        }
        None => None,
    };
    let (http, https) = if url.starts_with("https://") {
        (args.http.clone(), Some(url.to_owned()))
    } else {
        (Some(url.to_owned()), None)
    };
    let target = Target {
        http,
        https,
        insecure: args.insecure,
        ca_pem,
    };
    let options = LoadOptions {
        duration: Duration::from_secs(args.duration.max(1)),
        rate: args.rate,
        timeout: args.timeout.map(Duration::from_secs),
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(run_load(&profile, &target, &options));
    print!("{}", report.table());
    Ok(if report.measured_anything() { 0 } else { 2 })
}
