//! The budget of failed logins against the reference intercom's login blocking (5 failures
//! block an address for 30 s): with the device's limit declared, the runner's wrong-password
//! cases stay below it and the address is never blocked; declared too high, the same cases
//! block it, which shows the budget is what keeps the runner safe.

#[path = "support/target.rs"]
mod target;
use helios_conform::{Options, Profile, REFERENCE_PROFILE, Target, Verdict, run};
use helios_test_support::{Reference, helios_device};

async fn device() -> (Reference, Target) {
    let reference = Reference::start(helios_device::Profile::default_profile()).await;
    let target = target::target(&reference);
    (reference, target)
}

/// Whether a valid request of the full account still succeeds afterwards.
async fn still_served(profile: &helios_conform::Checked, target: &Target) -> bool {
    let options = Options {
        case: Some("switch_caps.get.valid".into()),
        ..Options::default()
    };
    let result = run(profile, target, &options).await;
    result
        .outcomes
        .iter()
        .any(|o| o.id == "switch_caps.get.valid" && o.verdict == Verdict::Pass)
}

async fn wrong_passwords(declaration: &str) -> (usize, bool) {
    let profile = Profile::parse(declaration).expect("the profile");
    let (reference, target) = device().await;
    let options = Options {
        only: Some("wrong-password".into()),
        ..Options::default()
    };
    let result = run(&profile, &target, &options).await;
    let failed: Vec<String> = result
        .outcomes
        .iter()
        .filter(|o| o.id.ends_with(".wrong-password"))
        .filter(|o| o.verdict != Verdict::Pass)
        .map(|o| format!("{}: {}", o.id, o.verdict))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let sent = result
        .outcomes
        .iter()
        .filter(|o| o.id.ends_with(".wrong-password"))
        .count();
    let served = still_served(&profile, &target).await;
    reference.stop().await;
    (sent, served)
}

#[tokio::test]
async fn the_declared_limit_keeps_the_address_unblocked() {
    let (sent, served) = wrong_passwords(REFERENCE_PROFILE).await;
    assert_eq!(sent, 4, "one fewer than the 5 that block");
    assert!(served, "the address is not blocked");
}

#[tokio::test]
async fn a_limit_declared_too_high_lets_the_runner_block_itself() {
    let declaration = REFERENCE_PROFILE.replace("block_after = 5", "block_after = 20");
    assert_ne!(declaration, REFERENCE_PROFILE);
    let (sent, served) = wrong_passwords(&declaration).await;
    assert!(sent >= 5, "{sent} wrong passwords");
    assert!(!served, "the device blocked the runner's address");
}
