//! `cargo xtask`: the workspace's automation, in Rust so that it runs wherever cargo does.

mod bench;
mod codegen;
mod dict;
mod docs;
mod fuzz;
mod openapi;
mod provision;
mod test;
mod trace;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Automation for the helios workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate the files derived from the spec (spec/openapi.json, docs/*.md).
    Codegen {
        /// Fail if a generated file is stale instead of writing it.
        #[arg(long)]
        check: bool,
    },
    /// Print the OpenAPI 3.1 document of the API to stdout.
    Openapi,
    /// Run the conformance suite against a device; with no URL, against the reference
    /// intercom started on free loopback ports.
    Conform(Box<helios_conform_cli::Args>),
    /// Benchmarks: without a URL, the criterion and harness benches of the reference intercom
    /// and the parsers, printed as one table; with a URL, load mode against that device.
    Bench(Box<bench::Args>),
    /// Start the reference intercom (HTTP on 127.0.0.1:8080, HTTPS on 127.0.0.1:8443).
    Device(Box<helios_device::cli::Options>),
    /// The README's test command: install what the tests drive (tshark, Chromium, curl, the
    /// Python packages) when it is missing, then `cargo test --workspace` with ARGS. Exit 3
    /// when the machine cannot be provisioned; else cargo's exit code.
    Test {
        /// Run the tests without provisioning first.
        #[arg(long)]
        no_provision: bool,
        /// Passed to `cargo test --workspace` (e.g. `--locked`, `-- --nocapture`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Install what the tests drive when it is missing (as root or through sudo); with
    /// `--check`, only list each need and whether it is met (exit 3 when something is missing).
    Provision {
        /// List, install nothing.
        #[arg(long)]
        check: bool,
    },
    /// Run the cargo-fuzz targets (nightly gives AddressSanitizer; stable runs with -s none).
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 60)]
        time: u64,
        /// One target; all of them when absent.
        target: Option<String>,
    },
}

fn main() -> Result<()> {
    let cli: Cli = helios_conform_cli::parse_or_exit();
    match cli.command {
        Command::Bench(args) => bench::main(*args),
        Command::Codegen { check } => codegen::run(check),
        Command::Conform(args) => helios_conform_cli::main(*args),
        Command::Device(options) => helios_device::cli::main_with_options(*options),
        Command::Fuzz { time, target } => fuzz::run(time, target.as_deref()),
        Command::Test { no_provision, args } => test::run(!no_provision, &args),
        Command::Provision { check } => test::provision(check),
        Command::Openapi => {
            println!("{}", codegen::openapi_text()?);
            Ok(())
        }
    }
}
