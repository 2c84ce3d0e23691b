//! `email/send` (manual 5.28): a message with camera images, delivered through the profile's
//! SMTP server by `hardware::smtp`, the images from `hardware::snapshots`.

use std::time::UNIX_EPOCH;

use helios_spec::ErrorCode;
use helios_spec::functions::email::send;
use helios_wire::ApiError;

use super::Call;
use crate::device::Device;
use crate::hardware::smtp::{self, Mail, MailError};
use crate::hardware::snapshots::{SnapshotRequest, snapshots};
use crate::reply::Reply;

/// How far back the camera memory reaches, in seconds (5.20: `time` in <-30, 0>).
const CAMERA_MEMORY: i64 = 30;

fn invalid(param: &str, detail: String) -> ApiError {
    ApiError::with_param(ErrorCode::InvalidParameter, param, detail)
}

/// 5.28. Nothing holds the device lock while the message is sent.
pub(super) fn send(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let params = &call.params;
    let resolution = resolution(device, call)?;
    let count = params.int(send::PICTURE_COUNT).unwrap_or(0);
    let pictures = if count > 0 {
        let (width, height) = resolution.ok_or_else(|| {
            invalid(
                send::PICTURE_COUNT,
                "this model has no camera to take images with".into(),
            )
        })?;
        pictures(device, call, count, width, height)?
    } else {
        Vec::new()
    };
    // Erratum `email-smtp-failure`: no SMTP service is a processing error like a refusal.
    let config = device.config();
    let settings = config.email.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::ProcessingError,
            "the SMTP service is not configured",
        )
    })?;
    let mail = Mail {
        to: params.text(send::TO).unwrap_or_default().to_owned(),
        subject: params.text(send::SUBJECT).unwrap_or_default().to_owned(),
        body: params.text(send::BODY).unwrap_or_default().to_owned(),
        pictures,
        date: UNIX_EPOCH + device.clock().unix(),
    };
    smtp::send(settings, &mail).map_err(|error| match error {
        MailError::InvalidRecipient(_) => invalid(send::TO, error.to_string()),
        MailError::Build(_) | MailError::Send { .. } | MailError::Timeout { .. } => {
            ApiError::new(ErrorCode::ProcessingError, error.to_string())
        }
    })?;
    Ok(Reply::Json(None))
}

/// The images' resolution (erratum `email-picture-resolution`): `width` and `height` as a pair
/// camera/caps lists, or its largest without them; `None` when the model has no camera.
fn resolution(device: &Device, call: &Call) -> Result<Option<(u32, u32)>, ApiError> {
    let caps: &[(u32, u32)] = device
        .profile
        .camera
        .as_ref()
        .map_or(&[], |camera| camera.resolutions.as_slice());
    let missing = |name: &str, other: &str| {
        ApiError::with_param(
            ErrorCode::MissingParameter,
            name,
            format!("{other} is given without {name}"),
        )
    };
    match (call.params.int(send::WIDTH), call.params.int(send::HEIGHT)) {
        (None, None) => Ok(caps
            .iter()
            .copied()
            .max_by_key(|(w, h)| u64::from(*w) * u64::from(*h))),
        (Some(_), None) => Err(missing(send::HEIGHT, send::WIDTH)),
        (None, Some(_)) => Err(missing(send::WIDTH, send::HEIGHT)),
        (Some(width), Some(height)) => {
            if !caps.iter().any(|(w, _)| i64::from(*w) == width) {
                return Err(invalid(
                    send::WIDTH,
                    format!("no resolution of camera/caps is {width} wide"),
                ));
            }
            caps.iter()
                .copied()
                .find(|(w, h)| i64::from(*w) == width && i64::from(*h) == height)
                .map(Some)
                .ok_or_else(|| {
                    invalid(
                        send::HEIGHT,
                        format!("{width}x{height} is not a resolution of camera/caps"),
                    )
                })
        }
    }
}

/// `count` images `timeSpan` seconds apart, the last one now, oldest first (erratum
/// `email-picture-time`).
fn pictures(
    device: &Device,
    call: &Call,
    count: i64,
    width: u32,
    height: u32,
) -> Result<Vec<Vec<u8>>, ApiError> {
    let span = call.params.int(send::TIME_SPAN).unwrap_or(0);
    let reach = span.saturating_mul(count - 1);
    if reach > CAMERA_MEMORY {
        return Err(invalid(
            send::TIME_SPAN,
            format!(
                "{count} images {span} s apart reach {reach} s back; the camera keeps {CAMERA_MEMORY} s"
            ),
        ));
    }
    let camera = snapshots(device.camera(), device.profile.device.seed, device.now());
    (0..count)
        .map(|index| {
            let offset = i32::try_from(-(span * (count - 1 - index))).unwrap_or(i32::MIN);
            camera
                .jpeg(&SnapshotRequest {
                    source: None,
                    width,
                    height,
                    offset,
                })
                .map_err(|e| ApiError::new(ErrorCode::ProcessingError, e.to_string()))
        })
        .collect()
}
