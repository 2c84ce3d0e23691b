//! `cargo xtask test` and `cargo xtask provision`: the README's test command, which sets the
//! machine up (`provision.rs`) and then runs `cargo test --workspace`.

use crate::provision::{self, EXIT_CANNOT_PROVISION};
use anyhow::{Context, Result};
use std::process::Command;

/// Provisions (unless told not to), then runs `cargo test --workspace ARGS` and exits with
/// its code.
pub(crate) fn run(provisioning: bool, args: &[String]) -> Result<()> {
    if provisioning {
        provision(false)?;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["test", "--workspace"])
        .args(args)
        .status()
        .context("`cargo test` did not start")?;
    std::process::exit(status.code().unwrap_or(101));
}

/// `--check`: lists each need, exit 3 when one is missing. Otherwise installs what is missing,
/// exit 3 with what is left and how to install it when that fails.
pub(crate) fn provision(check: bool) -> Result<()> {
    if check {
        let absent = provision::report();
        if !absent.is_empty() {
            eprintln!("missing: {}", absent.join(", "));
            std::process::exit(EXIT_CANNOT_PROVISION);
        }
        return Ok(());
    }
    if let Err(cannot) = provision::provision() {
        eprintln!("error: {}", cannot.message);
        std::process::exit(EXIT_CANNOT_PROVISION);
    }
    Ok(())
}
