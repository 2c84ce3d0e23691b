//! The evidence for additions made after the 2.21 manual (`Origin::Later`), named once so that
//! every field that cites it says the same thing. Where no source dates an addition, the comment
//! says which dated addition it was grouped with; the runner treats such fields as optional
//! extras on any firmware, so a date that is too late can only make it more lenient.

use crate::version::{Origin, Version};

/// `system/info` `macAddr`, `devType`, `variantId`, `firmwarePackage`: the later manual's
/// example reply comes from firmware 2.35.0.45.0.
pub const SYSTEM_INFO_2_35: Origin = Origin::Later {
    since: Version::new(2, 35, 0),
    source: "2N IP HTTP API manual, latest edition, 5.1.1 api system info (example from 2.35.0.45.0)",
};

/// `system/info` `bootUuid`: read by py2n-intercom; no source dates it, so it is dated with the
/// other later `system/info` fields.
pub const BOOT_UUID: Origin = Origin::Later {
    since: Version::new(2, 35, 0),
    source: "py2n-intercom client.py reads bootUuid (undated; grouped with the 2.35 system/info fields)",
};

/// `buildType` "release" for official builds.
pub const BUILD_TYPE_RELEASE: Origin = Origin::Later {
    since: Version::new(2, 33, 2),
    source: "2N IP HTTP API manual, latest edition, 5.1.1: \"For versions 2.33.2 and higher ... release\"",
};

/// `buildType` "dev": seen on devices in the field, undated.
pub const BUILD_TYPE_DEV: Origin = Origin::Later {
    since: Version::V2_13,
    source: "field notes: buildType \"dev\" seen on devices (undated)",
};

/// `switch/status` `holdTimeout`, dated by the later manual's release notes; `locked` and `held`
/// are described on the same page and dated with it.
pub const SWITCH_STATUS_2_36: Origin = Origin::Later {
    since: Version::new(2, 36, 0),
    source: "2N IP HTTP API manual, latest edition, release notes 2.36 and 5.x api switch status",
};

/// The event record's `hash`, and the MJPEG `fps` range 1 to 15: seen in clients written against
/// firmware 2.50; no source dates them earlier.
pub const FIRMWARE_2_50: Origin = Origin::Later {
    since: Version::new(2, 50, 0),
    source: "ha-2N-intercom (tests against firmware 2.50.0.76.2): event hash, CAMERA_MJPEG_FPS_MAX = 15",
};
