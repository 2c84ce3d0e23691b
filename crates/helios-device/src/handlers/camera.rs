//! `camera/caps` and `camera/snapshot` (5.19, 5.20): the profile's sources and resolutions, and
//! frames of the simulated camera, live, from memory (`time`) or pushed as MJPEG (`fps`).

use std::sync::Arc;

use helios_spec::functions::camera::snapshot;
use helios_spec::{ErrorCode, MediaType};
use helios_wire::ApiError;
use serde_json::{Value, json};

use super::{Call, mjpeg};
use crate::device::Device;
use crate::faults::Fault;
use crate::hardware::Camera;
use crate::hardware::camera::{FrameError, View};
use crate::reply::Reply;

/// The camera; the pipeline has already answered 1 on a model without one.
fn camera(device: &Device) -> Result<&Arc<Camera>, ApiError> {
    device
        .camera()
        .ok_or_else(|| ApiError::new(ErrorCode::NotSupported, "this model has no camera"))
}

/// 5.19: the manual's shape, `jpegResolution` as {width, height} items and `sources` as
/// {source} items, in the profile's order.
pub(super) fn caps(device: &Device, _: &Call) -> Result<Reply, ApiError> {
    let config = camera(device)?.config();
    let resolutions: Vec<Value> = config
        .resolutions
        .iter()
        .map(|(width, height)| json!({ "width": width, "height": height }))
        .collect();
    let sources: Vec<Value> = config
        .sources
        .iter()
        .map(|source| json!({ "source": source }))
        .collect();
    if device.faults().has(Fault::SourcesMissing) {
        return Ok(Reply::Json(Some(json!({ "jpegResolution": resolutions }))));
    }
    Ok(Reply::Json(Some(
        json!({ "jpegResolution": resolutions, "sources": sources }),
    )))
}

/// 5.20. With `time` the frame of that many seconds ago, whatever `fps` says; otherwise with
/// `fps` >= 1 an MJPEG push, and else the current frame.
pub(super) fn snapshot(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let camera = camera(device)?;
    let faults = device.faults();
    let mut view = view(camera, call)?;
    if faults.has(Fault::WrongResolution)
        && let Some(&(width, height)) = camera.config().resolutions.iter().max()
    {
        (view.width, view.height) = (width, height);
    }
    let time = call.params.int(snapshot::TIME);
    let time = time.filter(|_| !faults.has(Fault::TimeIgnored));
    let frame = match (time, call.params.int(snapshot::FPS)) {
        (Some(time), _) if time < 0 => camera.past(view, time.unsigned_abs()),
        (None, Some(fps)) if fps >= 1 => {
            return mjpeg::push(camera.clone(), view, fps.unsigned_abs(), faults);
        }
        _ => camera.live(view),
    };
    match frame {
        Ok(frame) => Ok(Reply::Bytes {
            media: MediaType::Jpeg,
            body: frame.jpeg,
        }),
        // Erratum `snapshot-time-before-start`.
        Err(error @ FrameError::BeforeStart(_)) => Err(ApiError::with_param(
            ErrorCode::NoData,
            snapshot::TIME,
            error.to_string(),
        )),
        Err(error @ FrameError::Encoding(_)) => {
            Err(ApiError::new(ErrorCode::ProcessingError, error.to_string()))
        }
    }
}

/// The source and resolution a request asks for, checked against the profile (what camera/caps
/// lists). A width no resolution has answers 12 naming `width`; a listed width with a height it
/// is not paired with answers 12 naming `height` (erratum `snapshot-resolution-param`).
fn view(camera: &Camera, call: &Call) -> Result<View, ApiError> {
    let config = camera.config();
    let source = match call.params.word(snapshot::SOURCE) {
        Some(source) => camera.source_index(source).ok_or_else(|| {
            ApiError::with_param(
                ErrorCode::InvalidParameter,
                snapshot::SOURCE,
                format!("this device has no {source} camera"),
            )
        })?,
        None => camera.source_index(&config.default_source).ok_or_else(|| {
            ApiError::new(
                ErrorCode::ProcessingError,
                "the default source is not one of the camera's sources",
            )
        })?,
    };
    let width = dimension(call, snapshot::WIDTH)?;
    let height = dimension(call, snapshot::HEIGHT)?;
    if !config.resolutions.iter().any(|(w, _)| *w == width) {
        return Err(ApiError::with_param(
            ErrorCode::InvalidParameter,
            snapshot::WIDTH,
            format!("no resolution of camera/caps is {width} pixels wide"),
        ));
    }
    if !config.resolutions.contains(&(width, height)) {
        return Err(ApiError::with_param(
            ErrorCode::InvalidParameter,
            snapshot::HEIGHT,
            format!("{width} x {height} is not a resolution of camera/caps"),
        ));
    }
    Ok(View {
        source,
        width,
        height,
    })
}

/// A mandatory dimension; the pipeline has checked that it is present and within 1..4096.
fn dimension(call: &Call, name: &str) -> Result<u32, ApiError> {
    call.params
        .int(name)
        .and_then(|value| u32::try_from(value).ok())
        .ok_or_else(|| {
            ApiError::with_param(ErrorCode::InvalidParameter, name, "not a number of pixels")
        })
}
