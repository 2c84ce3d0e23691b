//! `config` and `config/factoryreset` (manual 5.6, 5.7): the configuration document down and
//! up, and the factory settings back; uploads and resets take effect after the profile's
//! `config_delay` (about 15 s on a real device).

use helios_spec::functions::config;
use helios_spec::{ErrorCode, MediaType, Method};
use helios_wire::ApiError;

use super::{Call, blob};
use crate::device::Device;
use crate::faults::Fault;
use crate::reply::Reply;
use crate::system::Operation;

/// 5.6: GET and POST download the configuration; PUT uploads one, which is checked whole now
/// (12 naming `blob-cfg` if anything in it is wrong, nothing changed) and applied later.
pub(super) fn config(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    if call.method != Method::Put {
        let xml = device
            .running()
            .download()
            .map_err(|error| ApiError::new(ErrorCode::ProcessingError, error.to_string()))?;
        if device.faults().has(Fault::ConfigAsText) {
            return Ok(Reply::Raw {
                content_type: MediaType::Text.mime(),
                body: xml.into(),
            });
        }
        return Ok(Reply::Bytes {
            media: MediaType::Xml,
            body: xml.into(),
        });
    }
    let upload = blob(call, config::BLOB_CFG)?;
    let config = device.running().prepare(upload).map_err(|invalid| {
        ApiError::with_param(ErrorCode::InvalidParameter, config::BLOB_CFG, invalid.0)
    })?;
    if device.faults().has(Fault::ConfigUploadLost) {
        return Ok(Reply::Json(None));
    }
    let delay = device.config().system.config_delay;
    device.schedule(delay, Operation::ApplyConfig(Box::new(config)));
    Ok(Reply::Json(None))
}

/// 5.7: the factory configuration, after the delay, then a restart.
pub(super) fn factoryreset(device: &Device, _: &Call) -> Result<Reply, ApiError> {
    let delay = device.config().system.config_delay;
    device.schedule(delay, Operation::FactoryReset);
    Ok(Reply::Json(None))
}
