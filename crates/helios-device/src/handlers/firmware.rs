//! `firmware` and `firmware/apply` (manual 5.4, 5.5): an uploaded image is checked at once and
//! kept until `firmware/apply` installs it, which restarts the device on the new version.

use std::cmp::Ordering;

use helios_spec::ErrorCode;
use helios_spec::functions::firmware::BLOB_FW;
use helios_wire::ApiError;
use serde_json::json;

use super::{Call, blob};
use crate::device::Device;
use crate::faults::Fault;
use crate::reply::Reply;
use crate::system::{Operation, firmware};

/// 5.4: the image's version, and whether it is older than the running firmware. A corrupted,
/// truncated or foreign image answers 12 naming `blob-fw`.
pub(super) fn upload(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let data = blob(call, BLOB_FW)?;
    let config = device.config();
    let check = if device.faults().has(Fault::CorruptFirmwareAccepted) {
        firmware::check_header
    } else {
        firmware::check
    };
    let image = check(data, &config.device.variant).map_err(|error| {
        ApiError::with_param(ErrorCode::InvalidParameter, BLOB_FW, error.to_string())
    })?;
    let version = image.version.text.clone();
    let downgrade =
        firmware::compare_versions(&version, &config.device.sw_version.text) == Ordering::Less;
    device.with_state(|state, _| state.system.uploaded = Some(image));
    Ok(Reply::Json(Some(
        json!({"version": version, "downgrade": downgrade}),
    )))
}

/// 5.5: installs the uploaded image and restarts; without one, 15 and no restart (erratum
/// `firmware-apply-without-upload`).
pub(super) fn apply(device: &Device, _: &Call) -> Result<Reply, ApiError> {
    let image = device.with_state(|state, _| state.system.uploaded.take());
    let delay = device.config().system.restart_delay;
    let operation = match image {
        Some(image) => Operation::InstallFirmware(image),
        None if device.faults().has(Fault::ApplyWithoutUpload) => Operation::Restart,
        None => {
            return Err(ApiError::new(
                ErrorCode::NoData,
                "no firmware has been uploaded",
            ));
        }
    };
    device.schedule(delay, operation);
    Ok(Reply::Json(None))
}
