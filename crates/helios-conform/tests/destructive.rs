//! The config, reboot and destructive tiers against the reference intercom: skipped unless
//! allowed; when allowed, the configuration is changed, applied and restored with no difference
//! left, restarts come back, a corrupt firmware image is refused, and a factory reset is undone.

#[path = "support/destructive.rs"]
mod destructive;
#[path = "support/target.rs"]
mod target;

use std::time::Duration;

use helios_conform::{Options, Outcome, Profile, Target, Verdict, run};
use helios_spec::Tier;
use helios_test_support::{Reference, helios_device};

use destructive::{firmware_image, quick_destructive};

/// The reference intercom with a one-second configuration delay and restart, and the lab
/// profile that declares them.
async fn quick_device() -> (Reference, Target, helios_conform::Checked) {
    let mut device = helios_device::Profile::default_profile();
    device.system.config_delay = 1;
    device.system.restart_delay = 1;
    let reference = Reference::start(device).await;
    let target = target::target(&reference);
    let lab = quick_destructive(&firmware_image("destructive"));
    (
        reference,
        target,
        Profile::parse(&lab).expect("the lab profile"),
    )
}

fn find<'a>(outcomes: &'a [Outcome], id: &str) -> &'a Outcome {
    outcomes
        .iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("no outcome {id}"))
}

#[tokio::test]
async fn destructive_groups_are_skipped_unless_allowed() {
    let (reference, target, profile) = quick_device().await;
    let result = run(
        &profile,
        &target,
        &Options {
            only: Some("restart".into()),
            ..Options::default()
        },
    )
    .await;
    assert!(matches!(
        find(&result.outcomes, "restart").verdict,
        Verdict::Skipped(_)
    ));
    reference.stop().await;
}

#[tokio::test]
async fn allowed_destructive_groups_change_and_restore_the_device() {
    let (reference, target, profile) = quick_device().await;
    let options = Options {
        // Nothing but the behaviour groups: no request case has these in its id or path.
        only: Some("config-and-more".into()),
        allow: vec![Tier::Config, Tier::Reboot, Tier::Destructive],
        ..Options::default()
    };
    // Each group by itself, as `--only` selects it.
    let mut outcomes = Vec::new();
    for group in ["config", "restart", "firmware", "factory-reset"] {
        let options = Options {
            only: Some(group.into()),
            ..options.clone()
        };
        let result =
            tokio::time::timeout(Duration::from_secs(120), run(&profile, &target, &options))
                .await
                .expect("the group ends");
        outcomes.extend(
            result
                .outcomes
                .into_iter()
                .filter(|o| o.check != "discovery" && !o.id.contains('_')),
        );
    }
    let bad: Vec<String> = outcomes
        .iter()
        .filter(|o| !matches!(o.verdict, Verdict::Pass | Verdict::NotApplicable(_)))
        .map(|o| format!("{}: {}", o.id, o.verdict))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    for id in [
        "config.download",
        "config.upload",
        "config.delay",
        "config.applies",
        "config.restore",
        "health.after.config",
        "restart.comes-back",
        "health.after.restart",
        "firmware.corrupt-image",
        "firmware.damaged-image",
        "firmware.declared-image",
        "factory-reset.restarts",
        "factory-reset.restore",
        "factory-reset.apply-without-upload",
    ] {
        assert_eq!(find(&outcomes, id).verdict, Verdict::Pass, "{id}");
    }
    let restore = find(&outcomes, "config.restore");
    assert_eq!(restore.observed, "no difference");
    assert_eq!(restore.attachments[0].0, "difference.diff");
    // The device's configuration is what it was: the probe setting is back.
    let config = format!("{:?}", reference.device.config());
    assert!(config.contains("2N Helios IP Verso"), "{config}");
    assert!(
        !config.contains("helios-conform"),
        "the marker is gone after the restore"
    );
    reference.stop().await;
}
