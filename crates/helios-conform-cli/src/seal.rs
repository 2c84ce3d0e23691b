//! The sealed report directory on the command line: made ready before a run sends anything
//! (fresh, or emptied with `--force`; the `--sign` key read), sealed after it (`run.json`, the
//! manifest and its signature), and `conform keygen` and `conform verify`. The work is
//! `helios_conform::report::{bundle, record, seal, keys}`'s.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use helios_conform::report::{bundle, keys, record, seal};
use helios_conform::{Options, Report};

/// The git commit this tool was built from, or `unknown`.
const COMMIT: &str = helios_version::COMMIT;

/// Exit code of `verify` for a bundle that is not as sealed.
const EXIT_ALTERED: i32 = 1;

/// A report directory ready for a run, the options `run.json` records, and the key that will
/// sign its manifest.
#[derive(Debug)]
pub(crate) struct Sealing {
    dir: PathBuf,
    options: Options,
    key: Option<keys::SigningKey>,
}

impl Sealing {
    /// Before the run: the key of `--sign` read, and `dir` fresh (emptied with `force`).
    pub(crate) fn prepare(
        dir: &Path,
        force: bool,
        sign: Option<&Path>,
        options: &Options,
    ) -> Result<Self> {
        let key = sign.map(keys::read_signing).transpose().context("--sign")?;
        fresh(dir, force)?;
        Ok(Self {
            dir: dir.to_owned(),
            options: options.clone(),
            key,
        })
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// After the reports are written: `run.json`, then the manifest over every file, signed
    /// when `--sign` gave a key.
    pub(crate) fn finish(&self, run: &Report, profile_text: &str, exit_code: i32) -> Result<()> {
        let run_record = record::RunRecord {
            options: &self.options,
            commit: COMMIT,
            exit_code,
        };
        record::write_run(run, &self.dir, profile_text, &run_record)?;
        let sealed = seal::seal(&self.dir, self.key.as_ref())?;
        let signed = match &sealed.signer {
            Some(fingerprint) => format!(", signed by key {fingerprint}"),
            None => String::new(),
        };
        say(&format!(
            "sealed: {} lists {} files{signed}",
            self.dir.join(bundle::MANIFEST).display(),
            sealed.files
        ));
        Ok(())
    }
}

/// Makes `dir` a fresh report directory (`bundle::prepare`: created, or emptied of an earlier
/// report with `force`), saying so when it emptied one.
pub(crate) fn fresh(dir: &Path, force: bool) -> Result<()> {
    let prepared = bundle::prepare(dir, force)?;
    if prepared.emptied > 0 {
        say(&format!(
            "emptied {} ({} entries of an earlier report; --force)",
            dir.display(),
            prepared.emptied
        ));
    }
    Ok(())
}

fn say(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// `cargo xtask conform keygen --out PREFIX`: a new key pair, `PREFIX.key.pem` and
/// `PREFIX.pub.pem`.
pub(crate) fn keygen(out: Option<&Path>) -> Result<i32> {
    let out =
        out.context("keygen needs --out PREFIX (writes PREFIX.key.pem and PREFIX.pub.pem)")?;
    let files = keys::write_pair(out)?;
    say(&format!(
        "private key: {} (keep it secret; --sign reads it)\npublic key:  {} (hand it over; \
         verify --key reads it)\nfingerprint: {}",
        files.private.display(),
        files.public.display(),
        files.fingerprint
    ));
    Ok(0)
}

/// `cargo xtask conform verify DIR [--key PUB]`: every difference on standard output, and exit
/// 0 when the bundle is as sealed (and signed by `--key`'s key when given), 1 when not, 3 on
/// a usage error.
pub(crate) fn verify(dir: Option<&Path>, key: Option<&Path>) -> Result<i32> {
    let dir = dir.context("verify needs the report directory: conform verify DIR [--key PUB]")?;
    let key = key.map(keys::read_verifying).transpose().context("--key")?;
    let found = seal::verify(dir, key.as_ref())?;
    for difference in &found.differences {
        say(&difference.to_string());
    }
    if !found.is_intact() {
        say(&format!(
            "ALTERED: {} is not as sealed ({} difference{})",
            dir.display(),
            found.differences.len(),
            if found.differences.len() == 1 {
                ""
            } else {
                "s"
            }
        ));
        return Ok(EXIT_ALTERED);
    }
    let signature = match (&found.signed_by, key.is_some()) {
        (Some(fingerprint), true) => format!("signed by the key given ({fingerprint})"),
        (Some(fingerprint), false) => format!(
            "signed by key {fingerprint} (give --key PUB to require that it is the lab's key)"
        ),
        (None, _) => "not signed".into(),
    };
    say(&format!(
        "OK: {} files match {}; {signature}",
        found.listed,
        dir.join(bundle::MANIFEST).display()
    ));
    Ok(0)
}
