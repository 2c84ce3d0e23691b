//! The runner against the reference intercom started with each fault of the catalogue
//! (`helios_device::faults`): each fault must fail at least one case of the function it affects,
//! or, where the errata register rules its behaviour a non-strict reading, draw that erratum's
//! non-strict finding from such a case; and the same device without faults must pass.

#[path = "support/destructive.rs"]
mod destructive;
#[path = "support/target.rs"]
mod target;
use helios_conform::{Checked, Options, Profile, REFERENCE_PROFILE, Verdict, exit_code, run};
use helios_spec::{Licence, Service, Tier};
use helios_test_support::helios_device::faults::{Fault, Faults};
use helios_test_support::helios_device::profile::{
    AuthName, FirmwareVersion, LicenceName, ServiceName, ServiceSecurity, TransportName,
};
use helios_test_support::{Reference, helios_device};
use tokio::task::JoinSet;

/// A device and the lab's declaration of it: what a fault needs in order to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Setup {
    /// The reference profiles.
    Default,
    /// A 2.13 device, which has no pcap.
    Firmware213,
    /// The Audio service disabled.
    AudioDisabled,
    /// No Enhanced Audio licence.
    NoEnhancedAudio,
    /// A model without a display.
    NoDisplay,
    /// The config, reboot and destructive tiers allowed, with a one-second configuration
    /// delay and restart.
    Destructive,
    /// The reference profiles, with the device's stimulus interface declared (what a display
    /// shows, which no function reports).
    Stimulus,
    /// A model with three switches, declared so.
    ThreeSwitches,
}

const SETUPS: [Setup; 8] = [
    Setup::Default,
    Setup::Firmware213,
    Setup::AudioDisabled,
    Setup::NoEnhancedAudio,
    Setup::NoDisplay,
    Setup::Destructive,
    Setup::Stimulus,
    Setup::ThreeSwitches,
];

impl Setup {
    fn device(self, faults: Faults) -> helios_device::Profile {
        let mut profile = helios_device::Profile::default_profile();
        match self {
            Self::Default | Self::Stimulus => {}
            Self::Firmware213 => {
                profile.device.sw_version =
                    FirmwareVersion::try_from("2.13.0.0.1".to_owned()).expect("a firmware version");
            }
            Self::AudioDisabled => {
                profile.services.insert(
                    ServiceName(Service::Audio),
                    ServiceSecurity {
                        enabled: false,
                        transport: TransportName::Https,
                        auth: AuthName::Digest,
                    },
                );
            }
            Self::NoEnhancedAudio => {
                profile
                    .licences
                    .retain(|l| *l != LicenceName(Licence::EnhancedAudio));
            }
            Self::NoDisplay => profile.displays.clear(),
            Self::ThreeSwitches => profile.switches.0.retain(|s| s.switch.0 != 4),
            Self::Destructive => {
                profile.system.config_delay = 1;
                profile.system.restart_delay = 1;
            }
        }
        profile.faults = faults;
        profile
    }

    fn options(self) -> Options {
        match self {
            Self::Destructive => Options {
                allow: vec![Tier::Config, Tier::Reboot, Tier::Destructive],
                ..Options::default()
            },
            _ => Options::default(),
        }
    }

    fn declaration(self) -> Checked {
        let text = match self {
            Self::Default | Self::Stimulus => REFERENCE_PROFILE.to_owned(),
            Self::NoDisplay => REFERENCE_PROFILE.replace("[[displays]]\ndisplay = \"ext1\"\n", ""),
            Self::ThreeSwitches => {
                REFERENCE_PROFILE.replace("[[switches]]\nswitch = 4\nenabled = false\n", "")
            }
            Self::Firmware213 => REFERENCE_PROFILE.replace("2.21.0.0.1", "2.13.0.0.1"),
            Self::AudioDisabled => REFERENCE_PROFILE.replace(
                "[services.audio]\nenabled = true",
                "[services.audio]\nenabled = false",
            ),
            Self::NoEnhancedAudio => REFERENCE_PROFILE.replace(
                "licences = [\"enhanced-integration\", \"enhanced-audio\"]",
                "licences = [\"enhanced-integration\"]",
            ),
            Self::Destructive => {
                destructive::quick_destructive(&destructive::firmware_image("faults"))
            }
        };
        assert!(
            matches!(self, Setup::Default | Setup::Stimulus) || text != REFERENCE_PROFILE,
            "{self:?} changes the declaration"
        );
        Profile::parse(&text).expect("a valid declaration")
    }
}

/// What the runner makes of one fault.
struct Expectation {
    fault: Fault,
    setup: Setup,
    /// The erratum whose non-strict finding catches it; `None`: a failed case must.
    non_strict: Option<&'static str>,
}

impl Expectation {
    /// The ids of the cases among `failed` that catch the fault: cases of its own function that
    /// failed (not merely inconclusive), or drew the expected erratum's non-strict finding.
    fn caught_by<'f>(&self, failed: &'f [Failure]) -> Vec<&'f str> {
        let function = self.fault.function().path;
        failed
            .iter()
            .filter(|f| f.function == function)
            .filter(|f| match (self.non_strict, &f.verdict) {
                (None, Verdict::Fail(_)) => true,
                (Some(expected), Verdict::NonStrict { erratum, .. }) => *erratum == expected,
                _ => false,
            })
            .map(|f| f.id.as_str())
            .collect()
    }
}

const fn caught(fault: Fault, setup: Setup) -> Expectation {
    Expectation {
        fault,
        setup,
        non_strict: None,
    }
}

const fn non_strict(fault: Fault, setup: Setup, erratum: &'static str) -> Expectation {
    Expectation {
        fault,
        setup,
        non_strict: Some(erratum),
    }
}

use Fault::*;

const EXPECTATIONS: &[Expectation] = &[
    caught(PathPrefixServed, Setup::Default),
    caught(EarlyFunctionServed, Setup::Firmware213),
    caught(PutAccepted, Setup::Default),
    caught(PostRefused, Setup::Default),
    caught(DisabledServiceServed, Setup::AudioDisabled),
    caught(LicenceUnchecked, Setup::NoEnhancedAudio),
    caught(HardwareUnchecked, Setup::NoDisplay),
    caught(PlainHttpServed, Setup::Default),
    caught(BasicAccepted, Setup::Default),
    caught(NoChallenge, Setup::Default),
    caught(CredentialsSkipped, Setup::Default),
    caught(MonitoringControls, Setup::Default),
    caught(MissingAsInvalid, Setup::Default),
    caught(WrongParamNamed, Setup::Default),
    caught(InvalidValueIgnored, Setup::Default),
    caught(SwitchNumberWraps, Setup::Default),
    caught(FirstOccurrenceWins, Setup::Default),
    caught(MultipartIgnored, Setup::Default),
    caught(OversizedAccepted, Setup::Default),
    caught(SuccessAsString, Setup::Default),
    caught(ActiveAsNumber, Setup::Default),
    caught(SourcesMissing, Setup::Default),
    caught(JsonAsHtml, Setup::Default),
    caught(ConfigAsText, Setup::Default),
    caught(ResponseIgnored, Setup::Default),
    caught(DisabledSwitchOperates, Setup::Default),
    caught(MonostableNeverOff, Setup::Default),
    caught(SwitchStatusInverted, Setup::Default),
    caught(ExtraSwitch, Setup::ThreeSwitches),
    caught(WrongOutput, Setup::Default),
    caught(DialWrongSession, Setup::Default),
    caught(HangupKeepsCall, Setup::Default),
    caught(FilterIgnored, Setup::Default),
    caught(ChannelNeverExpires, Setup::Default),
    caught(PullDuplicates, Setup::Default),
    caught(PullTimeoutIgnored, Setup::Default),
    caught(SwitchEventInverted, Setup::Default),
    caught(UnsubscribeUnknown, Setup::Default),
    caught(WrongResolution, Setup::Default),
    caught(MjpegHalfRate, Setup::Default),
    caught(TimeIgnored, Setup::Default),
    caught(ConfigUploadLost, Setup::Destructive),
    caught(CorruptFirmwareAccepted, Setup::Destructive),
    non_strict(
        ApplyWithoutUpload,
        Setup::Destructive,
        "firmware-apply-without-upload",
    ),
    caught(SilentRestart, Setup::Destructive),
    non_strict(SwitchEventNumber, Setup::Default, "switch-event-state-type"),
    non_strict(IoEventNumber, Setup::Default, "io-state-type"),
    non_strict(PullTrailingComma, Setup::Default, "trailing-comma"),
    non_strict(StatusTrailingComma, Setup::Destructive, "trailing-comma"),
    non_strict(InfoTrailingComma, Setup::Default, "trailing-comma"),
    non_strict(MjpegMissingCrlf, Setup::Default, "mjpeg-framing"),
    // The coherence group's: each caught by its one oracle (COHERENCE below).
    caught(UncappedEvent, Setup::Default),
    caught(StatusOmitsInputs, Setup::Default),
    non_strict(DateHeaderSkewed, Setup::Default, "date-header"),
    non_strict(ClockAhead, Setup::Default, "system-time"),
    non_strict(EventTimeLocal, Setup::Default, "boot-time"),
    caught(SwitchEventStaleStamp, Setup::Default),
    caught(OutputEventEarlyStamp, Setup::Default),
    caught(RegisterTimeExpiry, Setup::Default),
    caught(DisplayImageNotShown, Setup::Stimulus),
];

/// The faults of the coherence group and the one case that catches each.
const COHERENCE: &[(Fault, &str)] = &[
    (UncappedEvent, "coherence.caps.events"),
    (StatusOmitsInputs, "coherence.caps.ports"),
    (DateHeaderSkewed, "coherence.clock.date"),
    (ClockAhead, "coherence.clock.status"),
    (EventTimeLocal, "coherence.clock.boot"),
    (SwitchEventStaleStamp, "coherence.clock.cause"),
    (OutputEventEarlyStamp, "coherence.clock.order"),
    (RegisterTimeExpiry, "coherence.phone.register"),
    (DisplayImageNotShown, "coherence.effect.display"),
];

/// The faults of the device's caps that only the declaration shows (the device is coherent,
/// its declaration is not), and the declared-vs-discovered case that catches each.
const DECLARATION: &[(Fault, &str)] = &[(ExtraSwitch, "declaration.switches.undeclared")];

/// A case that did not pass: its id, function and verdict.
struct Failure {
    id: String,
    function: &'static str,
    verdict: Verdict,
}

/// The cases of a run that failed, could not be judged or departed from the manual where the
/// errata register allows it, and the run's exit code.
async fn failed_cases(setup: Setup, faults: Faults) -> (Vec<Failure>, i32) {
    let reference = Reference::start(setup.device(faults)).await;
    let target = target::target(&reference);
    let mut declaration = setup.declaration();
    if setup == Setup::Stimulus {
        declaration.stimulus_url = Some(reference.start_stimulus().await);
    }
    let result = run(&declaration, &target, &setup.options()).await;
    reference.stop().await;
    let verdicts: Vec<Verdict> = result.outcomes.iter().map(|o| o.verdict.clone()).collect();
    let failed = result
        .outcomes
        .into_iter()
        .filter(|o| {
            matches!(
                o.verdict,
                Verdict::Fail(_) | Verdict::Inconclusive(_) | Verdict::NonStrict { .. }
            )
        })
        .map(|o| Failure {
            id: o.id,
            function: o.function,
            verdict: o.verdict,
        })
        .collect();
    (failed, exit_code(&verdicts))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_setup_passes_without_faults() {
    for setup in SETUPS {
        let (failed, code) = failed_cases(setup, Faults::NONE).await;
        let failed: Vec<String> = failed
            .iter()
            .map(|f| format!("{}: {}", f.id, f.verdict))
            .collect();
        assert!(failed.is_empty(), "{setup:?}: {failed:#?}");
        assert_eq!(code, 0, "{setup:?}");
    }
}

#[test]
fn every_fault_has_one_expectation() {
    for fault in Fault::ALL {
        let count = EXPECTATIONS.iter().filter(|e| e.fault == *fault).count();
        assert_eq!(count, 1, "{fault}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_is_caught_by_a_case_of_its_function() {
    // Three runs at a time: a run spends most of its 17 s waiting (timing checks, calls), so
    // three share two cores; a fault left uncaught under that load runs again alone below.
    let mut runs = JoinSet::new();
    let mut results = Vec::new();
    for (index, expectation) in EXPECTATIONS.iter().enumerate() {
        let (fault, setup) = (expectation.fault, expectation.setup);
        runs.spawn(async move { (index, failed_cases(setup, Faults::NONE.with(fault)).await) });
        if runs.len() == 3 {
            results.extend(runs.join_next().await.map(|r| r.expect("a run")));
        }
    }
    results.extend(runs.join_all().await);
    results.sort_by_key(|(index, _)| *index);
    // Timing checks under the load of two runs may be inconclusive rather than failed (they
    // never blame the device for the runner's own lateness): a fault that must be caught and
    // was not gets one more run, alone.
    for (index, (failed, _)) in &mut results {
        let expectation = &EXPECTATIONS[*index];
        if expectation.caught_by(failed).is_empty() {
            *failed = failed_cases(expectation.setup, Faults::NONE.with(expectation.fault))
                .await
                .0;
        }
    }

    let mut problems = Vec::new();
    println!("{:26} {:22} caught by", "fault", "function");
    for (index, (failed, _)) in results {
        let expectation = &EXPECTATIONS[index];
        let fault = expectation.fault;
        let function = fault.function().path;
        let caught = expectation.caught_by(&failed);
        let elsewhere: Vec<String> = failed
            .iter()
            .filter(|f| !caught.contains(&f.id.as_str()))
            .map(|f| format!("{} ({})", f.id, f.verdict.id()))
            .collect();
        let row = if caught.is_empty() {
            problems.push(format!("{fault}: no case of {function} caught it"));
            "NOT CAUGHT".to_owned()
        } else {
            match expectation.non_strict {
                Some(erratum) => format!("{} (non-strict: {erratum})", caught.join(", ")),
                None => caught.join(", "),
            }
        };
        println!("{:26} {function:22} {row}", fault.name());
        if !elsewhere.is_empty() {
            println!(
                "{:26} {:22} (also failed: {})",
                "",
                "",
                elsewhere.join(", ")
            );
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Each fault of the coherence group is caught by its own oracle and by no other case: no
/// other case fails or draws a non-strict finding (`cargo test --test faults -- coherence`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coherence_faults_are_caught_by_their_oracle_alone() {
    let expectation = |fault: Fault| {
        EXPECTATIONS
            .iter()
            .find(|e| e.fault == fault)
            .expect("an expectation")
    };
    let mut runs = JoinSet::new();
    let mut results = Vec::new();
    for &(fault, oracle) in COHERENCE {
        let setup = expectation(fault).setup;
        runs.spawn(async move {
            let (failed, _) = failed_cases(setup, Faults::NONE.with(fault)).await;
            (fault, oracle, failed)
        });
        if runs.len() == 3 {
            results.extend(runs.join_next().await.map(|r| r.expect("a run")));
        }
    }
    results.extend(runs.join_all().await);
    let mut problems = Vec::new();
    println!("{:26} caught by", "fault");
    for (fault, oracle, mut failed) in results {
        // As above: a run under the load of two others gets one more run, alone.
        if expectation(fault).caught_by(&failed) != [oracle] {
            failed = failed_cases(expectation(fault).setup, Faults::NONE.with(fault))
                .await
                .0;
        }
        let caught = expectation(fault).caught_by(&failed);
        let others: Vec<String> = failed
            .iter()
            .filter(|f| f.id != oracle && !matches!(f.verdict, Verdict::Inconclusive(_)))
            .map(|f| format!("{} ({})", f.id, f.verdict))
            .collect();
        if caught != [oracle] {
            problems.push(format!("{fault}: caught by {caught:?}, not {oracle}"));
        }
        if !others.is_empty() {
            problems.push(format!("{fault}: other cases depart too: {others:?}"));
        }
        let verdict = failed
            .iter()
            .find(|f| f.id == oracle)
            .map_or("NOT CAUGHT".to_owned(), |f| f.verdict.to_string());
        println!("{:26} {oracle}: {verdict}", fault.name());
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Each fault that only the declaration shows is caught by its declared-vs-discovered case and
/// by no request case or other check (`cargo test --test faults -- declaration`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declaration_faults_are_caught_by_their_case_alone() {
    let mut problems = Vec::new();
    for &(fault, case) in DECLARATION {
        let expectation = EXPECTATIONS
            .iter()
            .find(|e| e.fault == fault)
            .expect("an expectation");
        // The setup alone passes: the declaration fits the device without the fault.
        let (failed, _) = failed_cases(expectation.setup, Faults::NONE).await;
        let failed: Vec<String> = failed
            .iter()
            .map(|f| format!("{}: {}", f.id, f.verdict))
            .collect();
        assert!(failed.is_empty(), "{:?}: {failed:#?}", expectation.setup);
        let (failed, code) = failed_cases(expectation.setup, Faults::NONE.with(fault)).await;
        let caught = expectation.caught_by(&failed);
        if caught != [case] {
            problems.push(format!("{fault}: caught by {caught:?}, not {case}"));
        }
        let others: Vec<String> = failed
            .iter()
            .filter(|f| f.id != case && !matches!(f.verdict, Verdict::Inconclusive(_)))
            .map(|f| format!("{} ({})", f.id, f.verdict))
            .collect();
        if !others.is_empty() {
            problems.push(format!("{fault}: other cases depart too: {others:?}"));
        }
        assert_eq!(code, 1, "{fault}: a declaration mismatch is a failure");
        let verdict = failed
            .iter()
            .find(|f| f.id == case)
            .map_or("NOT CAUGHT".to_owned(), |f| f.verdict.to_string());
        println!("{:26} {case}: {verdict}", fault.name());
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
