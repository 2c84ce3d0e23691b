//! The fault catalogue (`helios_device::faults`): for every fault, one request or short
//! sequence that shows the manual's behaviour on the reference intercom and a different one on
//! the same device started with the fault; and `--list-faults` and `--fault` on the binary.

mod common;
mod fault_probes;
mod system_support;

use std::process::Command;

use common::TestDevice;
use fault_probes::{PROBES, Probe};
use helios_device::Profile;
use helios_device::faults::{Fault, Faults};

fn device(probe: &Probe, faults: Faults) -> TestDevice {
    let mut profile = Profile::default_profile();
    (probe.setup)(&mut profile);
    profile.faults = faults;
    TestDevice::new(profile)
}

#[test]
fn every_fault_has_exactly_one_probe() {
    for fault in Fault::ALL {
        let count = PROBES.iter().filter(|probe| probe.fault == *fault).count();
        assert_eq!(count, 1, "{fault}: {count} probes");
    }
}

#[test]
fn each_fault_changes_what_its_probe_sees_and_the_reference_follows_the_manual() {
    let mut wrong = Vec::new();
    for probe in PROBES {
        let reference = (probe.observe)(&device(probe, Faults::NONE));
        let faulty = (probe.observe)(&device(probe, Faults::NONE.with(probe.fault)));
        if reference != probe.manual {
            wrong.push(format!(
                "{}: the reference device shows {reference:?}, the manual {:?}",
                probe.fault, probe.manual
            ));
        }
        if faulty == probe.manual {
            wrong.push(format!(
                "{}: the faulty device still shows {faulty:?}",
                probe.fault
            ));
        }
        println!("{:26} {:45} -> {faulty}", probe.fault.name(), probe.manual);
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_binary_says_its_version_commit_and_manual() {
    let output = Command::new(env!("CARGO_BIN_EXE_helios-device"))
        .arg("--version")
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(
        text,
        format!("helios-device {}\n", helios_version::describe())
    );
    assert!(
        text.contains(&format!("manual {}", helios_spec::MANUAL_VERSION)),
        "{text}"
    );
}

#[test]
fn list_faults_prints_the_catalogue() {
    let output = Command::new(env!("CARGO_BIN_EXE_helios-device"))
        .arg("--list-faults")
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(text.lines().count(), Fault::ALL.len());
    for (line, fault) in text.lines().zip(Fault::ALL) {
        let columns: Vec<&str> = line.split("  ").filter(|c| !c.is_empty()).collect();
        assert_eq!(columns[0].trim(), fault.name(), "{line}");
        assert_eq!(columns[2].trim(), fault.function().path, "{line}");
        assert_eq!(columns[3].trim(), fault.description(), "{line}");
    }
}

#[test]
fn an_unknown_fault_is_refused_with_the_known_ones() {
    let output = Command::new(env!("CARGO_BIN_EXE_helios-device"))
        .args(["--fault", "no-such-fault", "--http", "127.0.0.1:0"])
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    let text = String::from_utf8(output.stderr).expect("UTF-8");
    assert!(text.contains("unknown fault `no-such-fault`"), "{text}");
    for fault in Fault::ALL {
        assert!(text.contains(fault.name()), "{text}");
    }
}

#[test]
fn a_profile_names_its_faults_and_unknown_names_are_refused() {
    let text = format!(
        "faults = [\"{}\", \"{}\"]\n{}",
        Fault::NoChallenge,
        Fault::PutAccepted,
        helios_device::profile::DEFAULT_PROFILE
    );
    let profile = Profile::parse(&text, "faulty.toml").expect("a valid profile");
    let faults: Vec<Fault> = profile.faults.iter().collect();
    assert_eq!(faults, [Fault::PutAccepted, Fault::NoChallenge]);
    let text = format!(
        "faults = [\"nope\"]\n{}",
        helios_device::profile::DEFAULT_PROFILE
    );
    let error = Profile::parse(&text, "faulty.toml").expect_err("refused");
    assert!(
        error.to_string().contains("unknown fault `nope`"),
        "{error}"
    );
}
