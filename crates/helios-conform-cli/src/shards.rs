//! `merge DIR... --out DIR`: the report directories of a run's shards (`--shard K/N`), each
//! verified against its own seal, merged into one report directory written and sealed as a
//! single run's (`helios_conform::merge`).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use helios_conform::merge::{Shard, merge as merged};
use helios_conform::{Options, Target, report};

/// Merges `dirs` into `out`; the exit code is the merged run's, as if one run had judged every
/// case.
pub(crate) fn merge(
    dirs: &[PathBuf],
    out: Option<&Path>,
    force: bool,
    sign: Option<&Path>,
) -> Result<i32> {
    let out = out.context("merge needs --out DIR: merge DIR... --out DIR")?;
    if dirs.is_empty() {
        bail!("merge needs the shards' report directories: merge DIR... --out DIR");
    }
    let mut shards = Vec::new();
    for dir in dirs {
        let found = report::seal::verify(dir, None)
            .with_context(|| format!("verifying {}", dir.display()))?;
        if !found.is_intact() {
            bail!(
                "{} is not as sealed ({} differences; `verify` names them): a shard is merged \
                 only as its run wrote it",
                dir.display(),
                found.differences.len()
            );
        }
        shards.push(Shard::read(dir)?);
    }
    let whole = merged(shards)?;
    let options = options(&whole);
    let sealing = crate::seal::Sealing::prepare(out, force, sign, &options)?;
    let code = whole.report.exit_code();
    let target = target(&dirs[0]);
    report::write(&whole.report, out, &target, &whole.profile_text, code)?;
    report::write_evidence(&whole.report, out, &whole.profile_text, &target)?;
    let mut stdout = std::io::stdout();
    let _ = writeln!(
        stdout,
        "{}",
        report::summary(&whole.report, &whole.profile_text).trim_end()
    );
    let _ = writeln!(
        stdout,
        "{} shards merged: {} cases in {}",
        dirs.len(),
        whole.report.outcomes.len(),
        out.display()
    );
    sealing.finish(&whole.report, &whole.profile_text, code)?;
    Ok(code)
}

/// The options `run.json` records for the merged run: the shards' own, without `--shard`.
fn options(whole: &Shard) -> Options {
    let selectors = &whole.run["selectors"];
    Options {
        only: selectors["only"].as_str().map(str::to_owned),
        seed: Some(whole.report.seed),
        cases: Some(whole.report.cases),
        allow: whole.report.allow.clone(),
        confirm: selectors["confirm"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok()),
        ..Options::default()
    }
}

/// The target the first shard recorded (`evidence/target.json`).
fn target(dir: &Path) -> Target {
    let recorded: serde_json::Value = std::fs::read_to_string(dir.join("evidence/target.json"))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    Target {
        http: recorded["http"].as_str().map(str::to_owned),
        https: recorded["https"].as_str().map(str::to_owned),
        insecure: recorded["insecure"].as_bool().unwrap_or_default(),
        ca_pem: None,
    }
}
