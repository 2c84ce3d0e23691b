//! The report directory as a bundle: the names of its seal files, the rule that a run writes
//! into a fresh directory (a directory that holds anything is refused unless `--force`, which
//! empties it first, and only when what it holds is an earlier report), and the list of its
//! files as the manifest names them.

use std::path::{Path, PathBuf};

/// The manifest: every file of the bundle with its SHA-256, in `sha256sum -c` form.
pub const MANIFEST: &str = "manifest.sha256";
/// The Ed25519 signature of the manifest's bytes: 64 raw bytes, as `openssl pkeyutl` reads it.
pub const SIGNATURE: &str = "manifest.sig";
/// The public key that signed the manifest (SPKI PEM), so that a bundle verifies without a key
/// given and says which key signed it.
pub const SIGNER: &str = "signer.pub.pem";
/// What identifies the run: times, tool, spec, declaration, device, seed, selectors, exit code.
pub const RUN: &str = "run.json";

/// The files that seal the bundle, at its top level; the manifest lists every file but these.
pub const SEAL_FILES: [&str; 3] = [MANIFEST, SIGNATURE, SIGNER];

/// What a report of an earlier run leaves at the top of its directory: a directory holding
/// one of these is one `--force` may empty.
const EARLIER_REPORT: [&str; 8] = [
    "results.ndjson",
    "junit.xml",
    "report.html",
    "setup.json",
    "evidence",
    RUN,
    MANIFEST,
    SIGNATURE,
];

/// Why a report directory cannot be written fresh.
#[derive(Debug, thiserror::Error)]
pub enum FreshError {
    /// The directory holds something and `--force` was not given.
    #[error(
        "the report directory {} is not empty (it holds {}): a run writes its report into an \
         empty directory, so that no file of an earlier run mixes with its own; name another \
         directory, or add --force to empty this one first",
        dir.display(), entries.join(", ")
    )]
    NotEmpty { dir: PathBuf, entries: Vec<String> },
    /// `--force` was given for a directory that holds no earlier report.
    #[error(
        "--force empties only a directory that holds an earlier report (results.ndjson, \
         setup.json, evidence/, ...), and {} holds none of that (it holds {}): empty it \
         yourself, or name another directory",
        dir.display(), entries.join(", ")
    )]
    NotAReport { dir: PathBuf, entries: Vec<String> },
    /// The path names something other than a directory.
    #[error("the report directory {} is not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// The directory could not be read, created or emptied.
    #[error("the report directory {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A report directory made ready for a run: created when it did not exist, and how many
/// entries of an earlier report `--force` removed.
#[derive(Debug, PartialEq, Eq)]
pub struct Prepared {
    pub emptied: usize,
}

/// Makes `dir` ready before a run sends anything: created when absent; refused when it holds
/// anything, unless `force`, which empties it when what it holds is an earlier report.
pub fn prepare(dir: &Path, force: bool) -> Result<Prepared, FreshError> {
    let io = |source| FreshError::Io {
        path: dir.to_owned(),
        source,
    };
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => return Err(FreshError::NotADirectory(dir.to_owned())),
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io)?;
            return Ok(Prepared { emptied: 0 });
        }
        Err(error) => return Err(io(error)),
    }
    let mut entries: Vec<String> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    if entries.is_empty() {
        return Ok(Prepared { emptied: 0 });
    }
    let shown = || entries.iter().take(5).cloned().collect::<Vec<_>>();
    if !force {
        return Err(FreshError::NotEmpty {
            dir: dir.to_owned(),
            entries: shown(),
        });
    }
    if !entries.iter().any(|e| EARLIER_REPORT.contains(&e.as_str())) {
        return Err(FreshError::NotAReport {
            dir: dir.to_owned(),
            entries: shown(),
        });
    }
    for entry in &entries {
        let path = dir.join(entry);
        let removed = match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&path),
            Ok(_) => std::fs::remove_file(&path),
            Err(error) => Err(error),
        };
        removed.map_err(|source| FreshError::Io { path, source })?;
    }
    Ok(Prepared {
        emptied: entries.len(),
    })
}

/// Every file under `dir` (anything that is not a directory, symbolic links included), as a
/// path relative to it with `/` between its parts, sorted.
pub fn files(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut folders = vec![(dir.to_owned(), String::new())];
    while let Some((folder, prefix)) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = format!("{prefix}{name}");
            if entry.file_type()?.is_dir() {
                folders.push((entry.path(), format!("{relative}/")));
            } else {
                found.push(relative);
            }
        }
    }
    found.sort();
    Ok(found)
}
