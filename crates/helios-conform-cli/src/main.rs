//! The `helios-conform` binary: the conformance runner without the workspace
//! (`cargo install --path crates/helios-conform-cli`). The same command line as `cargo xtask
//! conform`.

use clap::Parser;

#[derive(Debug, Parser)]
#[command(name = "helios-conform", version = helios_version::describe(), about = "Conformance runner for the 2N Helios IP HTTP API")]
struct Cli {
    #[command(flatten)]
    args: helios_conform_cli::Args,
}

fn main() -> anyhow::Result<()> {
    let cli: Cli = helios_conform_cli::parse_or_exit();
    helios_conform_cli::main(cli.args)
}
