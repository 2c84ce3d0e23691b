//! The conformance runner's command line, as the `helios-conform` binary and as `cargo xtask
//! conform` (which delegates here): `conform.rs` parses and runs (`conform/init.rs`: `init`, a
//! declaration drafted from a live device), `progress.rs` draws the live progress on a
//! terminal, `seal.rs` readies and seals the report directory (`verify`, `keygen`), `fleet.rs`
//! runs the devices of an inventory (`--inventory`).

mod conform;
mod fleet;
mod progress;
mod seal;
mod shards;

pub use conform::{Args, main};

/// Parses the command line, or exits: a command line that does not parse is a usage error,
/// exit 3 as the runner's other usage errors (exit 2 would read as "only inconclusive cases");
/// `--help` and `--version` print and exit 0.
pub fn parse_or_exit<P: clap::Parser>() -> P {
    match P::try_parse() {
        Ok(parsed) => parsed,
        Err(error) => {
            let code = if error.use_stderr() {
                helios_conform::verdict::EXIT_USAGE
            } else {
                0
            };
            let _ = error.print();
            std::process::exit(code);
        }
    }
}
