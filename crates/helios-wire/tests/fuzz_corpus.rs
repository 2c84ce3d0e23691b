//! Replays every committed fuzz corpus file through its target's check, on stable, in ordinary
//! `cargo test`: a crash once found stays fixed.

use std::path::{Path, PathBuf};

use helios_wire::fuzzing::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn every_corpus_file_passes_its_check() {
    let mut replayed = 0;
    for (name, check) in TARGETS {
        let dir = fuzz_dir().join("corpus").join(name);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut files = 0;
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let bytes = std::fs::read(&path).expect("a readable corpus file");
            check(&bytes);
            files += 1;
        }
        assert!(files > 0, "target {name} has an empty corpus");
        replayed += files;
    }
    assert!(replayed > 0);
}

/// The fuzz workspace declares exactly the targets the wire crate checks.
#[test]
fn every_target_is_declared_and_every_declared_target_is_checked() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let declared: Vec<&str> = manifest
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .filter(|name| *name != "helios-fuzz")
        .collect();
    let checked: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    let mut declared_sorted = declared.clone();
    declared_sorted.sort_unstable();
    let mut checked_sorted = checked.clone();
    checked_sorted.sort_unstable();
    assert_eq!(declared_sorted, checked_sorted);
    for name in declared {
        let target = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        let text = std::fs::read_to_string(&target)
            .unwrap_or_else(|e| panic!("{}: {e}", target.display()));
        assert!(
            text.contains(&format!("helios_wire::fuzzing::{name}(")),
            "{} does not call helios_wire::fuzzing::{name}",
            target.display()
        );
    }
}
