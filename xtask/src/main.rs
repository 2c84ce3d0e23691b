//! `cargo xtask`: the workspace's automation, in Rust so that it runs wherever cargo does.

mod codegen;
mod dict;
mod docs;
mod fuzz;
mod openapi;

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
    match Cli::parse().command {
        Command::Codegen { check } => codegen::run(check),
        Command::Fuzz { time, target } => fuzz::run(time, target.as_deref()),
        Command::Openapi => {
            println!("{}", codegen::openapi_text()?);
            Ok(())
        }
    }
}
