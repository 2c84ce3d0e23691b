//! `/api/camera/…`: video sources and JPEG snapshots.

pub mod caps;
pub mod snapshot;

use crate::function::CapsRef;

/// The resolutions a device offers, width and height taken from the same item.
pub(crate) const RESOLUTION_WIDTH: CapsRef = CapsRef {
    function: caps::PATH,
    list: "jpegResolution",
    field: "width",
    paired_with: Some("height"),
};

pub(crate) const RESOLUTION_HEIGHT: CapsRef = CapsRef {
    function: caps::PATH,
    list: "jpegResolution",
    field: "height",
    paired_with: Some("width"),
};
