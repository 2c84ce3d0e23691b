//! The MJPEG push of `camera/snapshot` with `fps` >= 1: a `multipart/x-mixed-replace` body that
//! sends the camera's current frame at the requested rate for as long as the client reads.
//!
//! The stream is a plain `Stream` polled by the connection's own task: no task is spawned, so
//! when the client goes away hyper drops the body, and with it the stream and its
//! [`StreamGuard`](crate::hardware::camera::StreamGuard). Frames are paced with tokio's timer,
//! a transport matter, while what each frame shows comes from the device clock. A frame is
//! encoded inline, once per tick for every client together (the camera's frame cache); at the
//! camera's resolutions that takes a few milliseconds.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use helios_spec::ErrorCode;
use helios_wire::ApiError;
use helios_wire::mjpeg::{Boundary, write_part};
use tokio::time::{Interval, MissedTickBehavior};

use crate::faults::{Fault, Faults};
use crate::hardware::Camera;
use crate::hardware::camera::scene::FRAME_RATE;
use crate::hardware::camera::{StreamGuard, View};
use crate::reply::Reply;

/// The boundary between frames. RFC 2046 lets the sender choose; Content-Length in every part
/// makes its occurrence inside a JPEG harmless.
const BOUNDARY: &str = "helios-mjpeg-frame";

/// What the stream carries from one frame to the next.
struct Push {
    camera: Arc<Camera>,
    view: View,
    boundary: Boundary,
    period: Duration,
    /// Each part without the CRLF that ends it (`mjpeg-missing-crlf`): the next boundary line
    /// follows the frame at once.
    missing_crlf: bool,
    /// Made on the first poll, inside the runtime that serves the connection.
    interval: Option<Interval>,
    _open: StreamGuard,
}

/// The push reply at `fps` frames a second. The camera has no more than [`FRAME_RATE`] distinct
/// frames a second, so a higher rate is sent at that rate (erratum `fps-range`).
pub(super) fn push(
    camera: Arc<Camera>,
    view: View,
    fps: u64,
    faults: Faults,
) -> Result<Reply, ApiError> {
    let boundary = Boundary::new(BOUNDARY)
        .map_err(|e| ApiError::new(ErrorCode::ProcessingError, e.to_string()))?;
    let content_type = boundary.content_type();
    let rate = u32::try_from(fps.clamp(1, FRAME_RATE)).unwrap_or(1);
    let period = Duration::from_secs(1) / rate;
    let period = if faults.has(Fault::MjpegHalfRate) {
        period * 2
    } else {
        period
    };
    let state = Push {
        _open: camera.open_stream(),
        camera,
        view,
        boundary,
        period,
        missing_crlf: faults.has(Fault::MjpegMissingCrlf),
        interval: None,
    };
    let frames = futures_util::stream::unfold(state, |mut push| async move {
        let period = push.period;
        let interval = push.interval.get_or_insert_with(|| {
            let mut interval = tokio::time::interval(period);
            interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
            interval
        });
        interval.tick().await;
        match push.camera.live(push.view) {
            Ok(frame) => {
                let mut part = write_part(&push.boundary, &mime::IMAGE_JPEG, &frame.jpeg);
                if push.missing_crlf {
                    part.truncate(part.len().saturating_sub(2));
                }
                Some((Ok::<_, Infallible>(Bytes::from(part)), push))
            }
            Err(error) => {
                tracing::warn!(%error, "the MJPEG stream ends: no frame");
                None
            }
        }
    });
    Ok(Reply::Stream {
        content_type,
        body: Body::from_stream(frames),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boundary_is_valid() {
        assert!(Boundary::new(BOUNDARY).is_ok());
    }
}
