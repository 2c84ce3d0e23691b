//! `cargo xtask`: the workspace's automation, in Rust so that it runs wherever cargo does.

mod bench;
mod codegen;
mod conform;
mod dict;
mod docs;
mod fuzz;
mod openapi;
mod progress;
mod seal;

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
    Conform(Box<conform::Args>),
    /// Benchmarks: without a URL, the criterion and harness benches of the reference intercom
    /// and the parsers, printed as one table; with a URL, load mode against that device.
    Bench(Box<bench::Args>),
    /// Start the reference intercom (HTTP on 127.0.0.1:8080, HTTPS on 127.0.0.1:8443).
    Device(Box<helios_device::cli::Options>),
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
    // A command line that does not parse is a usage error: exit 3, as the runner's other usage
    // errors (exit 2 would read as "only inconclusive cases"). `--help` exits 0.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 3 } else { 0 };
            let _ = error.print();
            std::process::exit(code);
        }
    };
    match cli.command {
        Command::Bench(args) => bench::main(*args),
        Command::Codegen { check } => codegen::run(check),
        Command::Conform(args) => conform::main(*args),
        Command::Device(options) => helios_device::cli::main_with_options(*options),
        Command::Fuzz { time, target } => fuzz::run(time, target.as_deref()),
        Command::Openapi => {
            println!("{}", codegen::openapi_text()?);
            Ok(())
        }
    }
}
