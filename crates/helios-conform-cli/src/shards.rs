//! `merge DIR... --out DIR`: the report directories of a run's shards (`--shard K/N`), each
//! verified against its own seal, merged into one report directory written and sealed as a
//! single run's (`helios_conform::merge`).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use helios_conform::merge::{Shard, merge as merged};
use helios_conform::report::{bundle, keys};
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
    }
    if dirs.iter().all(|dir| is_fleet(dir)) {
        return merge_fleets(dirs, out, force, sign);
    }
    for dir in dirs {
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

/// A fleet's report directory (`--inventory`): its aggregate beside the devices' directories,
/// and no run of its own.
fn is_fleet(dir: &Path) -> bool {
    dir.join("index.html").is_file() && !dir.join(bundle::RUN).is_file()
}

/// The shards of a fleet (`--inventory` with `--shard K/N`, each holding whole devices)
/// merged: every device's sealed directory copied into `out` as it is (a device in two shards
/// is refused, and so are devices of different runs: tool, spec, seed, selectors), then the
/// aggregate written anew from them and `out` sealed.
fn merge_fleets(dirs: &[PathBuf], out: &Path, force: bool, sign: Option<&Path>) -> Result<i32> {
    let key = sign.map(keys::read_signing).transpose().context("--sign")?;
    let mut devices: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut identity: Option<(PathBuf, serde_json::Value)> = None;
    for dir in dirs {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            let Some(name) = path.is_dir().then(|| path.file_name()).flatten() else {
                continue;
            };
            let name = name.to_string_lossy().into_owned();
            same_run(&mut identity, &path)?;
            if let Some(other) = devices.insert(name.clone(), path.clone()) {
                bail!(
                    "device `{name}` is in two shards, {} and {}: each shard of a fleet holds \
                     whole devices, once",
                    other.display(),
                    dir.display()
                );
            }
        }
    }
    crate::seal::fresh(out, force)?;
    for (name, from) in &devices {
        copy_dir(from, &out.join(name))?;
    }
    let results = (devices.keys())
        .map(|name| helios_conform::fleet::DeviceResult::read(out, name))
        .collect::<Result<Vec<_>, _>>()?;
    let codes: Vec<i32> = results.iter().map(|r| r.exit_code).collect();
    let code = helios_conform::fleet::exit_code(&codes);
    helios_conform::fleet::aggregate::write(out, &results, code)?;
    let sealed = report::seal::seal(out, key.as_ref())?;
    say(&format!(
        "{} fleet shards merged: {} devices in {}, exit {code}; sealed: {} files",
        dirs.len(),
        devices.len(),
        out.display(),
        sealed.files
    ));
    Ok(code)
}

/// Whether the device directory `dir` comes from the same run as the others seen so far (its
/// `run.json`: tool, spec, seed and selectors but the shard).
fn same_run(seen: &mut Option<(PathBuf, serde_json::Value)>, dir: &Path) -> Result<()> {
    let Ok(text) = std::fs::read_to_string(dir.join(bundle::RUN)) else {
        return Ok(());
    };
    let run: serde_json::Value = serde_json::from_str(&text)?;
    let mut selectors = run["selectors"].clone();
    if let Some(object) = selectors.as_object_mut() {
        object.remove("shard");
    }
    let this = serde_json::json!([run["tool"], run["spec"], run["seed"], selectors]);
    match seen {
        Some((first, identity)) if *identity != this => bail!(
            "the shards come from different runs: {} and {} differ in tool, spec, seed or \
             selectors",
            first.display(),
            dir.display()
        ),
        Some(_) => Ok(()),
        None => {
            *seen = Some((dir.to_owned(), this));
            Ok(())
        }
    }
}

/// Copies the directory `from` to `to`, file by file.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().context("a file name")?);
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).with_context(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(())
}

fn say(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}
