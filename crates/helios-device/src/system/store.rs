//! The state directory (`--state DIR`): what the device keeps across restarts, as a real device
//! keeps it in flash. Two files: `config.xml`, the configuration document last applied (as
//! `config` GET downloads it), and `firmware`, the version of the firmware last installed.
//!
//! Every write is atomic: the new content goes to a temporary file in the same directory, which
//! is synced and then renamed over the old one, and the directory is synced, so that a crash
//! leaves either the old file or the new one, never half of one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file that holds the configuration document.
pub const CONFIG_FILE: &str = "config.xml";
/// The file that holds the installed firmware's version.
pub const FIRMWARE_FILE: &str = "firmware";

/// A state directory.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The content of `name`, or `None` when the device never wrote it.
    pub fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        match fs::read(self.dir.join(name)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Replaces `name` with `content`, atomically.
    pub fn write(&self, name: &str, content: &[u8]) -> io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let temporary = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = (|| {
            let mut file = fs::File::create(&temporary)?;
            file.write_all(content)?;
            file.sync_all()?;
            fs::rename(&temporary, self.dir.join(name))
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written?;
        self.sync_dir();
        Ok(())
    }

    /// Removes `name`, if it is there.
    pub fn remove(&self, name: &str) -> io::Result<()> {
        match fs::remove_file(self.dir.join(name)) {
            Ok(()) => {
                self.sync_dir();
                Ok(())
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Makes a rename or removal durable. Some file systems cannot sync a directory; the file's
    /// own content is synced already, so that failure is only logged.
    fn sync_dir(&self) {
        if let Err(error) = fs::File::open(&self.dir).and_then(|dir| dir.sync_all()) {
            tracing::debug!(%error, dir = %self.dir.display(), "could not sync the state directory");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_whole_files_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = Store::new(dir.path().join("state"));
        assert_eq!(store.read(CONFIG_FILE).ok(), Some(None));
        store.write(CONFIG_FILE, b"one").expect("written");
        store.write(CONFIG_FILE, b"two").expect("written");
        assert_eq!(
            store.read(CONFIG_FILE).ok().flatten().as_deref(),
            Some(&b"two"[..])
        );
        let names: Vec<String> = fs::read_dir(store.dir())
            .expect("the directory")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [CONFIG_FILE]);
        store.remove(CONFIG_FILE).expect("removed");
        store.remove(CONFIG_FILE).expect("removing twice is fine");
        assert_eq!(store.read(CONFIG_FILE).ok(), Some(None));
    }
}
