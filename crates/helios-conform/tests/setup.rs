//! Setup errors are the lab's, never the device's: an unreachable device, a URL that is not
//! one, a refused certificate, a wrong password in the profile and a device that stops
//! answering mid-run each end the run with a setup error (exit 4) that names the cause and the
//! flag or profile key to fix, and judge nothing against the device. A selector that matches
//! nothing is a usage error (exit 3) with suggestions; `--list` sends nothing.

#[path = "support/proxy.rs"]
mod proxy;
#[path = "support/target.rs"]
mod target;

use std::time::Duration;

use helios_conform::verdict::{EXIT_SETUP, EXIT_USAGE};
use helios_conform::{Options, Profile, REFERENCE_PROFILE, Report, Setup, Target, Verdict, run};
use helios_test_support::{Reference, helios_device};

fn reference_profile() -> helios_conform::Checked {
    Profile::parse(REFERENCE_PROFILE).expect("the reference profile")
}

fn only(selector: &str) -> Options {
    Options {
        only: Some(selector.into()),
        ..Options::default()
    }
}

/// The preflight's errors of a run, asserting it judged nothing and exits 4.
fn preflight_errors(run: &Report) -> Vec<helios_conform::SetupError> {
    assert_eq!(run.exit_code(), EXIT_SETUP, "{:?}", run.setup);
    assert!(
        run.outcomes.is_empty(),
        "no case may run: {:?}",
        run.outcomes
    );
    match &run.setup {
        Some(Setup::Preflight(errors)) => errors.clone(),
        other => panic!("expected a preflight setup error, got {other:?}"),
    }
}

/// What the terminal shows of a setup error, which must never read as a verdict on the device.
fn shown(run: &Report) -> String {
    let text = run
        .setup
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(!text.contains("departs"), "{text}");
    assert!(text.contains("SETUP ERROR"), "{text}");
    text
}

#[tokio::test]
async fn an_unreachable_device_is_a_setup_error() {
    // A port nobody listens on: bound, then let go.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = listener.local_addr().expect("an address");
    drop(listener);
    let target = Target {
        http: None,
        https: Some(format!("https://{address}")),
        insecure: true,
        ca_pem: None,
    };
    let result = run(&reference_profile(), &target, &Options::default()).await;
    let errors = preflight_errors(&result);
    let text = shown(&result);
    assert_eq!(errors.len(), 1, "{text}");
    assert!(errors[0].cause.contains("refused"), "{text}");
    assert!(errors[0].fix.contains("reachable"), "{text}");
}

#[tokio::test]
async fn an_address_that_is_no_http_url_is_a_setup_error() {
    for (address, cause) in [
        ("not-a-url", "not a URL"),
        ("http://[::1", "not a URL"),
        ("ftp://example.com", "scheme is `ftp`"),
    ] {
        let target = Target {
            http: Some(address.into()),
            https: None,
            insecure: false,
            ca_pem: None,
        };
        let result = run(&reference_profile(), &target, &Options::default()).await;
        let errors = preflight_errors(&result);
        let text = shown(&result);
        assert!(errors[0].cause.contains(cause), "{address}: {text}");
        assert!(errors[0].fix.contains("https://HOST"), "{address}: {text}");
    }
}

#[tokio::test]
async fn a_certificate_the_runner_cannot_trust_is_a_setup_error() {
    let reference = Reference::start(helios_device::Profile::default_profile()).await;
    let target = Target {
        ca_pem: None,
        insecure: false,
        ..target::target(&reference)
    };
    let result = run(&reference_profile(), &target, &Options::default()).await;
    let errors = preflight_errors(&result);
    let text = shown(&result);
    assert!(
        errors.iter().any(|e| e.what.contains("HTTPS")
            && e.fix.contains("--ca")
            && e.fix.contains("--insecure")),
        "{text}"
    );
    reference.stop().await;
}

#[tokio::test]
async fn a_wrong_password_names_the_account_and_spares_the_others() {
    let reference = Reference::start(helios_device::Profile::default_profile()).await;
    let target = target::target(&reference);
    let wrong = REFERENCE_PROFILE.replace("password = \"viewer\"", "password = \"not-viewer\"");
    assert_ne!(wrong, REFERENCE_PROFILE);
    let profile = Profile::parse(&wrong).expect("the profile");
    let result = run(&profile, &target, &Options::default()).await;
    let errors = preflight_errors(&result);
    let text = shown(&result);
    assert_eq!(errors.len(), 1, "only the viewer is wrong: {text}");
    assert_eq!(errors[0].what, "account `viewer`", "{text}");
    assert!(errors[0].cause.contains("error 9"), "{text}");
    assert!(errors[0].fix.contains("[[accounts]] password"), "{text}");
    // The preflight kept within the login budget: the address is not blocked, and the right
    // profile passes at once.
    let again = run(&reference_profile(), &target, &only("switch_caps")).await;
    assert!(again.setup.is_none(), "{:?}", again.setup);
    assert_eq!(again.exit_code(), 0, "{}", failures(&again));
    reference.stop().await;
}

#[tokio::test]
async fn a_device_that_stops_answering_mid_run_stops_the_run() {
    // Every service on plain HTTP, through a front that answers 30 requests and then none.
    let (reference, profile) = proxy::plain_http_reference().await;
    let target = proxy::through(proxy::start_stalling(proxy::upstream(&reference), 30).await);
    let options = Options {
        timeout: Some(Duration::from_secs(1)),
        ..Options::default()
    };
    let started = std::time::Instant::now();
    let result = tokio::time::timeout(Duration::from_secs(120), run(&profile, &target, &options))
        .await
        .expect("the run stops early");
    let took = started.elapsed();
    assert_eq!(result.exit_code(), EXIT_SETUP);
    let Some(Setup::Stalled {
        last_answered: Some(last),
        during,
        ..
    }) = &result.setup
    else {
        panic!("expected a stall, got {:?}", result.setup);
    };
    let text = shown(&result);
    assert!(
        text.contains(last.as_str()) && text.contains(during.as_str()),
        "{text}"
    );
    // Five requests in a row went unanswered, a second each, and nothing after them was sent.
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(
        result
            .outcomes
            .iter()
            .all(|o| !matches!(o.verdict, Verdict::Fail(_))),
        "a device that stopped answering is not failed: {}",
        failures(&result)
    );
    assert!(
        result
            .outcomes
            .iter()
            .any(|o| matches!(o.verdict, Verdict::Error(_))),
        "the unanswered cases are errors"
    );
    reference.stop().await;
}

#[test]
fn a_selector_that_matches_nothing_is_a_usage_error_with_suggestions() {
    let profile = reference_profile();
    let nearest = helios_conform::run::unmatched(&profile, true, &only("swtich_ctrl"))
        .expect("nothing matches");
    assert!(
        nearest.iter().any(|id| id.starts_with("switch_ctrl")),
        "{nearest:?}"
    );
    assert!(helios_conform::run::unmatched(&profile, true, &only("switch_ctrl")).is_none());
    assert!(helios_conform::run::unmatched(&profile, true, &only("model.switch")).is_none());
}

#[tokio::test]
async fn a_run_that_sends_no_request_case_is_never_green() {
    // A selector for a destructive group alone sends nothing at the default tiers.
    let reference = Reference::start(helios_device::Profile::default_profile()).await;
    let target = target::target(&reference);
    let result = run(&reference_profile(), &target, &only("factory-reset")).await;
    assert!(result.setup.is_none());
    assert!(!result.sent_a_request_case());
    assert_eq!(result.exit_code(), EXIT_USAGE);
    reference.stop().await;
}

#[test]
fn the_listing_is_stable() {
    let listed = helios_conform::run::listing(&reference_profile(), true, &Options::default());
    let text: String = listed
        .iter()
        .map(|l| {
            format!(
                "{} | {} | {} | {} | {} | {}\n",
                l.id, l.function, l.section, l.tier, l.check, l.status
            )
        })
        .collect();
    insta::with_settings!({snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("conform__list", text);
    });
}

fn failures(run: &Report) -> String {
    run.outcomes
        .iter()
        .filter(|o| !matches!(o.verdict, Verdict::Pass | Verdict::NotApplicable(_)))
        .map(|o| format!("{}: {}\n", o.id, o.verdict))
        .collect()
}
