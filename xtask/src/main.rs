//! `cargo xtask`: the workspace's automation.
fn main() {}
