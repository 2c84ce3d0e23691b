//! Stamps the crate with the commit it was built from: `HELIOS_GIT_COMMIT` when the builder
//! sets it (a source tarball has no .git), else `git rev-parse HEAD`, else "unknown".
//!
//! Only a new commit reruns this (HEAD, the branch it names, packed refs), so that the crates
//! depending on this one are not rebuilt on every edit.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn main() {
    println!("cargo:rerun-if-env-changed=HELIOS_GIT_COMMIT");
    let commit = std::env::var("HELIOS_GIT_COMMIT")
        .ok()
        .or_else(|| git(&["rev-parse", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=HELIOS_GIT_COMMIT={commit}");
    let mut watched = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        // `--git-path` resolves a worktree's own HEAD and the shared refs alike.
        if let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", &name])
            && std::path::Path::new(&path).exists()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
