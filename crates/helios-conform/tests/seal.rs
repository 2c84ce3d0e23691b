//! Sealed evidence: one run against the reference intercom (a small selection), its report
//! directory sealed and signed, then copies of it altered one way each, every alteration
//! named by `verify` (a changed byte and which file, a file missing, a file added, an edited
//! report, a rewritten manifest, a wrong key, a signature asked of an unsigned bundle); the
//! manifest checked by `sha256sum -c` and the signature by `openssl` where they are installed;
//! `run.json`'s record; and the fresh-directory rule (`bundle::prepare`).

#[path = "support/target.rs"]
mod target;

use std::path::{Path, PathBuf};

use helios_conform::report::bundle::{self, FreshError, MANIFEST, RUN, SIGNATURE, SIGNER};
use helios_conform::report::record::{self, RunRecord};
use helios_conform::report::seal::{self, Difference};
use helios_conform::report::{self, keys};
use helios_conform::{Options, Profile, REFERENCE_PROFILE, run};
use helios_test_support::{Reference, helios_device};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("helios-seal-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a copy");
    for entry in std::fs::read_dir(from).expect("a directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("a file copied");
        }
    }
}

/// A sealed bundle: the reports, the evidence and `run.json` of one small run, signed with
/// `key` when given.
async fn bundle_of_a_run(dir: &Path, key: Option<&keys::SigningKey>) -> serde_json::Value {
    let reference = Reference::start(helios_device::Profile::default_profile()).await;
    let target = target::target(&reference);
    let profile = Profile::parse(REFERENCE_PROFILE).expect("the reference profile");
    let options = Options {
        only: Some("switch_caps".into()),
        ..Options::default()
    };
    bundle::prepare(dir, false).expect("a fresh directory");
    let result = run(&profile, &target, &options).await;
    reference.stop().await;
    let code = result.exit_code();
    assert_eq!(code, 0, "{:?}", result.setup);
    report::write(&result, dir, &target, REFERENCE_PROFILE, code).expect("the reports");
    report::write_evidence(&result, dir, REFERENCE_PROFILE, &target).expect("the evidence");
    let run_record = RunRecord {
        options: &options,
        commit: "0123abc",
        exit_code: code,
    };
    record::write_run(&result, dir, REFERENCE_PROFILE, &run_record).expect("run.json");
    let sealed = seal::seal(dir, key).expect("sealed");
    assert_eq!(
        sealed.signer,
        key.map(|k| keys::fingerprint(&k.verifying_key()))
    );
    record::run_json(&result, REFERENCE_PROFILE, &run_record)
}

/// Verifies a copy of `sealed` altered by `alter`, with `key`, and returns the differences.
fn altered(
    sealed: &Path,
    name: &str,
    key: Option<&keys::VerifyingKey>,
    alter: impl FnOnce(&Path),
) -> Vec<Difference> {
    let copy = scratch(name);
    copy_dir(sealed, &copy);
    alter(&copy);
    let found = seal::verify(&copy, key).expect("a bundle");
    let _ = std::fs::remove_dir_all(&copy);
    found.differences
}

/// The first exchange file of the bundle.
fn an_exchange(dir: &Path) -> String {
    bundle::files(dir)
        .expect("files")
        .into_iter()
        .find(|f| f.starts_with("evidence/exchanges/"))
        .expect("an exchange")
}

#[tokio::test]
async fn verify_names_every_alteration_of_a_sealed_bundle() {
    let key = keys::generate().expect("a key");
    let public = key.verifying_key();
    let dir = scratch("signed");
    let record = bundle_of_a_run(&dir, Some(&key)).await;
    let manifest = std::fs::read_to_string(dir.join(MANIFEST)).expect("the manifest");
    for file in [
        "results.ndjson",
        "junit.xml",
        "report.html",
        RUN,
        "evidence/profile.toml",
        "evidence/device.json",
    ] {
        assert!(
            manifest.contains(&format!("  {file}\n")),
            "{file}: {manifest}"
        );
    }
    for file in [MANIFEST, SIGNATURE, SIGNER] {
        assert!(!manifest.contains(file), "{file} lists itself");
    }
    // Untouched: every file matches, signed by the key, with or without it given.
    let intact = seal::verify(&dir, Some(&public)).expect("a bundle");
    assert!(intact.is_intact(), "{:?}", intact.differences);
    assert_eq!(intact.listed, manifest.lines().count());
    assert_eq!(intact.signed_by, Some(keys::fingerprint(&public)));
    assert!(seal::verify(&dir, None).expect("a bundle").is_intact());
    assert_eq!(record["exitCode"], 0);

    // One byte of an exchange changed: that file, and nothing else.
    let exchange = an_exchange(&dir);
    let found = altered(&dir, "byte", Some(&public), |copy| {
        let path = copy.join(&exchange);
        let mut bytes = std::fs::read(&path).expect("the exchange");
        bytes[20] ^= 0x01;
        std::fs::write(&path, bytes).expect("written");
    });
    assert!(
        matches!(found.as_slice(), [Difference::Changed { file, .. }] if *file == exchange),
        "{found:?}"
    );
    assert!(
        found[0]
            .to_string()
            .starts_with(&format!("changed: {exchange}: "))
    );

    // A file removed; a file added.
    let found = altered(&dir, "removed", Some(&public), |copy| {
        std::fs::remove_file(copy.join("junit.xml")).expect("removed");
    });
    assert_eq!(found, [Difference::Missing("junit.xml".into())]);
    let found = altered(&dir, "folder", Some(&public), |copy| {
        std::fs::remove_file(copy.join("junit.xml")).expect("removed");
        std::fs::create_dir(copy.join("junit.xml")).expect("a folder in its place");
    });
    assert_eq!(found, [Difference::Missing("junit.xml".into())]);
    let found = altered(&dir, "added", Some(&public), |copy| {
        std::fs::write(copy.join("evidence/exchanges/extra.json"), "{}").expect("added");
    });
    assert_eq!(
        found,
        [Difference::Added("evidence/exchanges/extra.json".into())]
    );

    // report.html edited, and the same edit with the manifest rewritten to match it: the
    // signature no longer holds.
    let edit = |copy: &Path| {
        let path = copy.join("report.html");
        let html = std::fs::read_to_string(&path).expect("the page");
        std::fs::write(&path, html.replacen("fail", "pass", 1)).expect("edited");
    };
    let found = altered(&dir, "html", Some(&public), edit);
    assert!(
        matches!(found.as_slice(), [Difference::Changed { file, .. }] if file == "report.html"),
        "{found:?}"
    );
    let found = altered(&dir, "rehashed", Some(&public), |copy| {
        edit(copy);
        let manifest = std::fs::read_to_string(copy.join(MANIFEST)).expect("the manifest");
        let html = std::fs::read(copy.join("report.html")).expect("the page");
        let rewritten: String = manifest
            .lines()
            .map(|line| match line.split_once("  ") {
                Some((_, "report.html")) => {
                    format!("{}  report.html\n", report::sha256_hex(&html))
                }
                _ => format!("{line}\n"),
            })
            .collect();
        std::fs::write(copy.join(MANIFEST), rewritten).expect("rewritten");
    });
    assert!(
        matches!(found.as_slice(), [Difference::BadSignature { .. }]),
        "{found:?}"
    );
    assert!(found[0].to_string().starts_with("bad signature: "));

    // Another key: the bundle says whose signature it holds.
    let other = keys::generate().expect("a key").verifying_key();
    let found = seal::verify(&dir, Some(&other))
        .expect("a bundle")
        .differences;
    assert_eq!(
        found,
        [Difference::WrongKey {
            signed_by: keys::fingerprint(&public),
            given: keys::fingerprint(&other),
        }]
    );
    // The signature and the signer's key removed: an unsigned bundle, refused when a key asks
    // for a signature.
    let found = altered(&dir, "stripped", Some(&public), |copy| {
        std::fs::remove_file(copy.join(SIGNATURE)).expect("removed");
        std::fs::remove_file(copy.join(SIGNER)).expect("removed");
    });
    assert_eq!(found, [Difference::Unsigned]);
    // The signature alone removed: missing, with or without a key given.
    for key in [Some(&public), None] {
        let found = altered(&dir, "unsigned", key, |copy| {
            std::fs::remove_file(copy.join(SIGNATURE)).expect("removed");
        });
        assert_eq!(found, [Difference::Missing(SIGNATURE.into())]);
    }
    // No manifest: not sealed, said once.
    let found = altered(&dir, "no-manifest", None, |copy| {
        std::fs::remove_file(copy.join(MANIFEST)).expect("removed");
    });
    assert_eq!(found, [Difference::Missing(MANIFEST.into())]);
    // A manifest line that leaves the bundle is no manifest line.
    let found = altered(&dir, "escape", None, |copy| {
        let mut manifest = std::fs::read_to_string(copy.join(MANIFEST)).expect("manifest");
        manifest.push_str(&format!("{}  ../outside\n", "0".repeat(64)));
        std::fs::write(copy.join(MANIFEST), manifest).expect("written");
    });
    assert!(
        found.iter().any(
            |d| matches!(d, Difference::Malformed { text, .. } if text.ends_with("../outside"))
        ),
        "{found:?}"
    );
    tools_agree(&dir, &public);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `sha256sum -c` checks the manifest from the bundle, and openssl verifies the signature with
/// the public key as written, where each is installed.
fn tools_agree(dir: &Path, public: &keys::VerifyingKey) {
    let run = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .current_dir(dir)
            .output()
            .ok()
    };
    match run("sha256sum", &["--strict", "-c", MANIFEST]) {
        Some(output) => assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        ),
        None => eprintln!("SKIPPED: sha256sum is not installed"),
    }
    let pem = dir.join("key.pub.pem.tmp");
    std::fs::write(&pem, keys::public_pem(public).expect("PEM")).expect("written");
    let pem_text = pem.display().to_string();
    let args = [
        "pkeyutl", "-verify", "-pubin", "-inkey", &pem_text, "-rawin", "-in", MANIFEST, "-sigfile",
        SIGNATURE,
    ];
    match run("openssl", &args) {
        Some(output) => assert!(
            output.status.success(),
            "openssl: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        None => eprintln!("SKIPPED: openssl is not installed"),
    }
    let _ = std::fs::remove_file(&pem);
}

#[tokio::test]
async fn run_json_records_what_identifies_the_run() {
    let dir = scratch("record");
    let record = bundle_of_a_run(&dir, None).await;
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(RUN)).expect("run.json")).expect("JSON");
    assert_eq!(written, record);
    for key in ["started", "ended"] {
        let at = record[key].as_str().expect("a time");
        assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
    }
    assert!(record["duration"].as_f64().is_some());
    assert_eq!(record["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(record["tool"]["commit"], "0123abc");
    assert_eq!(record["spec"]["sha256"], record::spec_sha256());
    assert_eq!(record["spec"]["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(
        record["declaration"]["sha256"],
        report::sha256_hex(REFERENCE_PROFILE.as_bytes())
    );
    let masked = std::fs::read(dir.join("evidence/profile.toml")).expect("the declaration");
    assert_eq!(
        record["declaration"]["maskedSha256"],
        report::sha256_hex(&masked)
    );
    assert_eq!(record["device"]["firmware"], "2.21.0.0.1");
    assert_eq!(record["seed"], 0);
    assert_eq!(record["selectors"]["only"], "switch_caps");
    assert_eq!(record["exitCode"], 0);
    // Unsigned: it verifies, and says so.
    let found = seal::verify(&dir, None).expect("a bundle");
    assert!(found.is_intact() && found.signed_by.is_none(), "{found:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_report_directory_is_written_fresh() {
    let dir = scratch("fresh");
    // Absent: created.
    assert_eq!(bundle::prepare(&dir, false).expect("created").emptied, 0);
    assert!(dir.is_dir());
    // Empty: taken as it is.
    assert_eq!(bundle::prepare(&dir, false).expect("empty").emptied, 0);
    // An earlier report: refused without --force, naming what it holds and the way out.
    std::fs::create_dir_all(dir.join("evidence/exchanges")).expect("a folder");
    std::fs::write(dir.join("results.ndjson"), "{}\n").expect("written");
    std::fs::write(dir.join("evidence/exchanges/old.json"), "{}").expect("written");
    let refused = bundle::prepare(&dir, false).expect_err("not empty");
    assert!(matches!(refused, FreshError::NotEmpty { .. }), "{refused}");
    let message = refused.to_string();
    assert!(
        message.contains("not empty") && message.contains("--force"),
        "{message}"
    );
    assert!(dir.join("results.ndjson").exists(), "nothing removed");
    // --force empties it.
    assert_eq!(bundle::prepare(&dir, true).expect("emptied").emptied, 2);
    assert_eq!(std::fs::read_dir(&dir).expect("the directory").count(), 0);
    // A directory of other files is not emptied, even with --force.
    std::fs::write(dir.join("notes.txt"), "mine").expect("written");
    let refused = bundle::prepare(&dir, true).expect_err("not a report");
    assert!(
        matches!(refused, FreshError::NotAReport { .. }),
        "{refused}"
    );
    assert!(dir.join("notes.txt").exists());
    // A file is no directory.
    let file = dir.join("notes.txt");
    assert!(matches!(
        bundle::prepare(&file, true),
        Err(FreshError::NotADirectory(_))
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn keys_round_trip_through_their_pem_files() {
    let dir = scratch("keys");
    std::fs::create_dir_all(&dir).expect("a folder");
    let files = keys::write_pair(&dir.join("lab")).expect("a key pair");
    assert!(files.private.ends_with("lab.key.pem") && files.public.ends_with("lab.pub.pem"));
    let private = keys::read_signing(&files.private).expect("the private key");
    let public = keys::read_verifying(&files.public).expect("the public key");
    assert_eq!(private.verifying_key(), public);
    assert_eq!(files.fingerprint, keys::fingerprint(&public));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&files.private)
            .expect("a file")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the private key is readable by others: {mode:o}"
        );
    }
    // Never overwritten; each file read as the other kind is refused, naming the format.
    assert!(matches!(
        keys::write_pair(&dir.join("lab")),
        Err(keys::KeyError::Exists(_))
    ));
    let wrong = keys::read_verifying(&files.private).expect_err("a private key");
    assert!(wrong.to_string().contains("BEGIN PUBLIC KEY"), "{wrong}");
    let wrong = keys::read_signing(&files.public).expect_err("a public key");
    assert!(wrong.to_string().contains("PKCS#8"), "{wrong}");
    let _ = std::fs::remove_dir_all(&dir);
}
