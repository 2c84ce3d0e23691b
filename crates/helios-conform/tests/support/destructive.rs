//! What the tests that allow the destructive tiers share: a firmware image the reference
//! intercom takes, and the reference declaration with short delays that points at it.

use helios_conform::REFERENCE_PROFILE;
use helios_test_support::helios_device;

/// A firmware image the reference intercom takes (2.21.0.0.2), written once per process under
/// a name tagged `tag`; returns its path.
pub(crate) fn firmware_image(tag: &str) -> String {
    let path = std::env::temp_dir().join(format!("helios-{tag}-{}.fw", std::process::id()));
    if !path.exists() {
        let variant = helios_device::Profile::default_profile().device.variant;
        let image = helios_device::system::firmware::build(&variant, "2.21.0.0.2", &[7; 4096])
            .expect("an image");
        std::fs::write(&path, image).expect("the image is written");
    }
    path.display().to_string()
}

/// The reference declaration with a one-second configuration delay, a short restart timeout
/// and the firmware image at `image`.
pub(crate) fn quick_destructive(image: &str) -> String {
    let text = REFERENCE_PROFILE
        .replace("config_delay_seconds = 15", "config_delay_seconds = 1")
        .replace(
            "restart_timeout_seconds = 120",
            "restart_timeout_seconds = 30",
        )
        .replace(
            "# firmware_image = \"images/helios-2.21.0.0.2.fw\"",
            &format!("firmware_image = {image:?}"),
        );
    assert!(text.contains("config_delay_seconds = 1\n") && text.contains(image));
    text
}
