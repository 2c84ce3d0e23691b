//! `cargo xtask codegen [--check]`: writes every file derived from the spec (and the device's
//! fault catalogue), or with `--check` fails when one on disk differs from what they generate now.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The generated files, relative to the workspace root, with their contents.
fn generated() -> Result<Vec<(String, String)>> {
    Ok([
        ("spec/openapi.json".to_owned(), openapi_text()?),
        ("docs/functions.md".to_owned(), crate::docs::functions_md()),
        ("docs/errata.md".to_owned(), crate::docs::errata_md()),
        (
            "docs/requirements.md".to_owned(),
            crate::trace::requirements_md(),
        ),
        (
            "docs/faults.md".to_owned(),
            helios_device::faults::catalogue_md(),
        ),
    ]
    .into_iter()
    .chain(
        crate::dict::dictionaries()
            .into_iter()
            .map(|(target, text)| (dict_path(target), text)),
    )
    .collect())
}

fn dict_path(target: &str) -> String {
    format!("fuzz/dict/{target}.dict")
}

pub(crate) fn openapi_text() -> Result<String> {
    let mut text = serde_json::to_string_pretty(&crate::openapi::document())?;
    text.push('\n');
    Ok(text)
}

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

pub(crate) fn run(check: bool) -> Result<()> {
    let root = workspace_root();
    let mut stale = Vec::new();
    for (relative, contents) in generated()? {
        let path = root.join(&relative);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == contents {
            continue;
        }
        if check {
            stale.push(relative);
        } else {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, contents).with_context(|| format!("writing {relative}"))?;
            println!("wrote {relative}");
        }
    }
    if !stale.is_empty() {
        bail!(
            "generated files are stale: {}; run `cargo xtask codegen`",
            stale.join(", ")
        );
    }
    Ok(())
}
