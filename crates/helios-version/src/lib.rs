//! What the workspace's binaries and reports say they are: the tool's version, the commit it
//! was built from (stamped by `build.rs`), and the manual version the spec transcribes.

/// The workspace's version (every crate shares it).
pub const TOOL: &str = env!("CARGO_PKG_VERSION");

/// The commit the binary was built from (40 hex digits), or "unknown" outside a git checkout.
pub const COMMIT: &str = env!("HELIOS_GIT_COMMIT");

/// `--version`'s text: "0.1.0 (commit 0123…, manual 2.21)".
pub fn describe() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{TOOL} (commit {COMMIT}, manual {})",
            helios_spec::MANUAL_VERSION
        )
    })
}
