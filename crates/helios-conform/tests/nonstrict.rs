//! Non-strict findings are never lost: for each path by which the runner reads a reply or an
//! event (the request cases, the stateful models, the event checks, the timing checks, the
//! health probes, discovery, the destructive groups), the reference intercom is started with a
//! fault that departs in a way an erratum rules non-strict, and every case that reads the
//! departing reply or event must carry that erratum's non-strict finding: not a plain pass, and
//! not a failure. No case of such a run fails.

#[path = "support/destructive.rs"]
mod destructive;
#[path = "support/target.rs"]
mod target;

use helios_conform::{Options, Outcome, Profile, REFERENCE_PROFILE, Verdict, run};
use helios_spec::Tier;
use helios_test_support::helios_device::faults::{Fault, Faults};
use helios_test_support::{Reference, helios_device};
use tokio::task::JoinSet;

/// The device and the lab's declaration a fault is run with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Setup {
    /// The reference profiles.
    Default,
    /// The reference profiles and the device's stimulus interface, so that the checks of
    /// inputs and of the outside world's events run too.
    Stimulus,
    /// The config, reboot and destructive tiers allowed, with short delays.
    Destructive,
}

/// One reader path: a fault, the erratum that rules its departure non-strict, and the cases
/// that read what it changes. An id ending in `*` stands for every case whose id starts with
/// the rest (at least one); `request:` followed by a path for the request cases of that
/// function (at least one of them reads a departing reply).
struct ReaderPath {
    fault: Fault,
    setup: Setup,
    erratum: &'static str,
    read_by: &'static [&'static str],
}

use Fault::*;

const PATHS: &[ReaderPath] = &[
    // The event reader (0/1 for a boolean): the event checks and the channel model, whose
    // recorder reads the whole history (the switch model's events among it).
    ReaderPath {
        fault: SwitchEventNumber,
        setup: Setup::Default,
        erratum: "switch-event-state-type",
        read_by: &["events.switch", "events.filter", "model.channel"],
    },
    // The same reader through the timing checks, and the input checked by stimulus.
    ReaderPath {
        fault: IoEventNumber,
        setup: Setup::Stimulus,
        erratum: "io-state-type",
        read_by: &[
            "events.output",
            "events.input",
            "timing.pull.event",
            "model.channel",
        ],
    },
    // The envelope reader on every pull of the models, the event and the timing checks (no
    // request case pulls a channel that holds events: those need device state).
    ReaderPath {
        fault: PullTrailingComma,
        setup: Setup::Stimulus,
        erratum: "trailing-comma",
        read_by: &[
            "model.channel",
            "events.switch",
            "events.filter",
            "events.output",
            "events.call",
            "events.audio",
            "events.input",
            "events.call.incoming",
            "events.world.*",
            "timing.pull.timeout",
            "timing.pull.event",
            "timing.channel.duration",
        ],
    },
    // The envelope reader behind the session's results: every health probe, and the
    // destructive groups that watch the uptime.
    ReaderPath {
        fault: StatusTrailingComma,
        setup: Setup::Destructive,
        erratum: "trailing-comma",
        read_by: &[
            "request:/api/system/status",
            "health.after.*",
            "restart.comes-back",
            "factory-reset.restarts",
            "factory-reset.apply-without-upload",
        ],
    },
    // The envelope reader in discovery.
    ReaderPath {
        fault: InfoTrailingComma,
        setup: Setup::Default,
        erratum: "trailing-comma",
        read_by: &[
            "request:/api/system/info",
            "discovery.variant",
            "discovery.firmware",
        ],
    },
    // The MJPEG reader.
    ReaderPath {
        fault: MjpegMissingCrlf,
        setup: Setup::Default,
        erratum: "mjpeg-framing",
        read_by: &["timing.mjpeg.fps"],
    },
];

async fn outcomes(setup: Setup, faults: Faults) -> Vec<Outcome> {
    let mut device = helios_device::Profile::default_profile();
    if setup == Setup::Destructive {
        device.system.config_delay = 1;
        device.system.restart_delay = 1;
    }
    device.faults = faults;
    let reference = Reference::start(device).await;
    let text = match setup {
        Setup::Destructive => {
            destructive::quick_destructive(&destructive::firmware_image("nonstrict"))
        }
        Setup::Default | Setup::Stimulus => REFERENCE_PROFILE.to_owned(),
    };
    let mut declaration = Profile::parse(&text).expect("a valid declaration");
    if setup == Setup::Stimulus {
        declaration.stimulus_url = Some(reference.start_stimulus().await);
    }
    let options = match setup {
        Setup::Destructive => Options {
            allow: vec![Tier::Config, Tier::Reboot, Tier::Destructive],
            ..Options::default()
        },
        Setup::Default | Setup::Stimulus => Options::default(),
    };
    let result = run(&declaration, &target::target(&reference), &options).await;
    reference.stop().await;
    result.outcomes
}

/// What is wrong with a run of `path`: a case that reads the departure without the erratum's
/// finding, or any case that failed.
fn problems(path: &ReaderPath, outcomes: &[Outcome]) -> Vec<String> {
    let flagged = |o: &Outcome| matches!(&o.verdict, Verdict::NonStrict { erratum, .. } if *erratum == path.erratum);
    let mut problems = Vec::new();
    for reader in path.read_by {
        let cases: Vec<&Outcome> = if let Some(function) = reader.strip_prefix("request:") {
            outcomes
                .iter()
                .filter(|o| o.function == function && o.id.contains('.'))
                .filter(|o| !is_behaviour(&o.id))
                .collect()
        } else if let Some(prefix) = reader.strip_suffix('*') {
            outcomes
                .iter()
                .filter(|o| o.id.starts_with(prefix))
                .collect()
        } else {
            outcomes.iter().filter(|o| o.id == *reader).collect()
        };
        let ok = if reader.starts_with("request:") {
            cases.iter().any(|o| flagged(o))
        } else {
            !cases.is_empty() && cases.iter().all(|o| flagged(o))
        };
        if !ok {
            let seen: Vec<String> = cases
                .iter()
                .map(|o| format!("{}: {}", o.id, o.verdict))
                .collect();
            problems.push(format!(
                "{}: {reader} lacks non-strict {}: {seen:#?}",
                path.fault, path.erratum
            ));
        }
    }
    for failed in outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Fail(_)))
    {
        problems.push(format!(
            "{}: {} failed: {}",
            path.fault, failed.id, failed.verdict
        ));
    }
    problems
}

/// Whether a case id is one of the behaviour groups', discovery's or a health probe's.
fn is_behaviour(id: &str) -> bool {
    [
        "model.",
        "events.",
        "timing.",
        "health.",
        "discovery.",
        "config.",
        "restart.",
        "firmware.",
        "factory-reset.",
    ]
    .iter()
    .any(|prefix| id.starts_with(prefix))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_reader_path_reports_the_erratum_in_every_case_that_reads_the_departure() {
    // Two runs at a time; a path whose timing cases the load left undecided runs again alone.
    let mut runs = JoinSet::new();
    let mut results = Vec::new();
    for (index, path) in PATHS.iter().enumerate() {
        let (fault, setup) = (path.fault, path.setup);
        runs.spawn(async move { (index, outcomes(setup, Faults::NONE.with(fault)).await) });
        if runs.len() == 2 {
            results.extend(runs.join_next().await.map(|r| r.expect("a run")));
        }
    }
    results.extend(runs.join_all().await);
    results.sort_by_key(|(index, _)| *index);
    let mut all = Vec::new();
    for (index, outcomes) in &mut results {
        let path = &PATHS[*index];
        if !problems(path, outcomes).is_empty() {
            *outcomes = self::outcomes(path.setup, Faults::NONE.with(path.fault)).await;
        }
        let non_strict: Vec<&str> = outcomes
            .iter()
            .filter(|o| matches!(o.verdict, Verdict::NonStrict { .. }))
            .map(|o| o.id.as_str())
            .collect();
        println!(
            "{:22} {:24} {}",
            path.fault.name(),
            path.erratum,
            non_strict.join(", ")
        );
        all.extend(problems(path, outcomes));
    }
    assert!(all.is_empty(), "{all:#?}");
}
