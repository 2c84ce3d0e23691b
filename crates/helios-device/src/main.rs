//! The `helios-device` binary: the reference intercom on the command line.

fn main() -> anyhow::Result<()> {
    helios_device::cli::main_with_args(std::env::args())
}
