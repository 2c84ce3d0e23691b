//! `cargo xtask conform init URL --user U --password P > lab.toml`: a declaration drafted from
//! a live device (`helios_conform::draft`), written to standard output, its TODOs for the lab
//! to fill before a run accepts it.

use std::io::Write as _;

use anyhow::{Context, Result};
use helios_conform::verdict::{EXIT_PASS, EXIT_SETUP};
use helios_conform::{Options, Target};

use super::Args;

/// Drafts the declaration of the device `args` names.
pub(super) fn init(args: &Args) -> Result<i32> {
    let url = args
        .case
        .clone()
        .context("init needs the device's URL: cargo xtask conform init URL --user U")?;
    let user = args
        .user
        .clone()
        .context("init needs --user, the account to log in with")?;
    let variable = helios_conform::draft::password_variable(&user);
    let password = match &args.password {
        Some(password) => password.clone(),
        None => std::env::var(&variable)
            .with_context(|| format!("init needs --password, or ${variable} set"))?,
    };
    let ca_pem = match &args.ca {
        Some(path) => {
            Some(std::fs::read(path).with_context(|| format!("reading {}", path.display()))?)
        }
        None => None,
    };
    let (http, https) = if url.starts_with("https://") {
        (args.http.clone(), Some(url))
    } else {
        (Some(url), None)
    };
    let target = Target {
        http,
        https,
        insecure: args.insecure,
        ca_pem,
    };
    let options = Options {
        timeout: args.timeout.map(std::time::Duration::from_secs),
        ..Options::default()
    };
    let runtime = tokio::runtime::Runtime::new()?;
    match runtime.block_on(helios_conform::draft::draft(
        &target, &user, &password, &options,
    )) {
        Ok(text) => {
            say!("{}", text.trim_end());
            let todos = text
                .lines()
                .filter(|l| l.contains("= \"TODO") || l.contains("= 'TODO"))
                .count();
            eprintln!(
                "conform init: drafted; fill its {todos} TODO(s), export {variable}, then run \
                 cargo xtask conform URL --profile FILE"
            );
            Ok(EXIT_PASS)
        }
        Err(setup) => {
            eprint!("{setup}");
            Ok(EXIT_SETUP)
        }
    }
}
