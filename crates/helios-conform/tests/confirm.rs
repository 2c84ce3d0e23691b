//! Every failure is sent again before it is reported: one that the rerun repeats stands, one
//! that it does not is inconclusive ("did not reproduce"), and both attempts are kept.

#[path = "support/proxy.rs"]
mod proxy;

use std::sync::atomic::{AtomicUsize, Ordering};

use helios_conform::{Options, REFERENCE_PROFILE, Verdict, run};

/// How many `PUT /api/switch/caps` the flaky front has seen.
static SEEN: AtomicUsize = AtomicUsize::new(0);

/// The first attempt's `PUT /api/switch/caps` (its challenge and its authenticated request)
/// goes on as a GET, which succeeds where the manual wants error 3; every later one as it was
/// sent.
fn once(line: &str) -> String {
    if line.starts_with("PUT /api/switch/caps") && SEEN.fetch_add(1, Ordering::SeqCst) < 2 {
        return line.replacen("PUT", "GET", 1);
    }
    line.to_owned()
}

fn always(line: &str) -> String {
    if line.starts_with("PUT /api/switch/caps") {
        return line.replacen("PUT", "GET", 1);
    }
    line.to_owned()
}

async fn judged(rewrite: fn(&str) -> String, confirm: Option<u32>) -> helios_conform::Outcome {
    let (reference, profile) = proxy::plain_http_reference().await;
    let target = proxy::through(proxy::start(proxy::upstream(&reference), rewrite).await);
    let options = Options {
        only: Some("switch_caps.put.wrong-method".into()),
        confirm,
        ..Options::default()
    };
    let result = run(&profile, &target, &options).await;
    reference.stop().await;
    result
        .outcomes
        .into_iter()
        .find(|o| o.id == "switch_caps.put.wrong-method")
        .expect("the case ran")
}

fn empty_run() -> helios_conform::Report {
    helios_conform::Report {
        discovered: Default::default(),
        outcomes: Vec::new(),
        seed: 0,
        cases: 1,
        allow: Vec::new(),
        started: std::time::SystemTime::now(),
        duration: std::time::Duration::ZERO,
        setup: None,
        baseline: None,
    }
}

#[tokio::test]
async fn a_failure_that_does_not_reproduce_is_inconclusive_and_one_that_does_stands() {
    let flaky = judged(once, None).await;
    assert!(
        matches!(&flaky.verdict, Verdict::Inconclusive(why) if why.contains("did not reproduce (1 of 2)")),
        "{}",
        flaky.verdict
    );
    assert_eq!(flaky.attempts.len(), 2);
    assert!(matches!(flaky.attempts[0].verdict, Verdict::Fail(_)));
    assert!(matches!(flaky.attempts[1].verdict, Verdict::Pass));
    assert_eq!(
        flaky.exchanges.len(),
        2,
        "both attempts' exchanges are kept"
    );
    let line = helios_conform::report::ndjson(
        &helios_conform::Report {
            outcomes: vec![flaky.clone()],
            ..empty_run()
        },
        REFERENCE_PROFILE,
        2,
    );
    let first: serde_json::Value =
        serde_json::from_str(line.lines().next().expect("a line")).expect("JSON");
    assert_eq!(first["verdict"], "inconclusive");
    assert_eq!(first["attempts"][0]["verdict"], "fail");
    assert_eq!(first["attempts"][1]["verdict"], "pass");

    let steady = judged(always, None).await;
    assert!(
        matches!(steady.verdict, Verdict::Fail(_)),
        "{}",
        steady.verdict
    );
    assert_eq!(steady.attempts.len(), 2);

    // --confirm 0: the first failure is reported as it is.
    let unconfirmed = judged(always, Some(0)).await;
    assert!(matches!(unconfirmed.verdict, Verdict::Fail(_)));
    assert!(unconfirmed.attempts.is_empty());
}
