//! JPEG snapshots for the functions that enclose camera images (`email/send`), behind a small
//! trait so that the camera's frame memory can stand in for the synthetic images made here.
//!
//! [`snapshots`] is the one place that chooses the implementation: the camera's own frames (its
//! frame cache and its 30 s memory) when the model has a camera, otherwise [`Synthetic`]: a real
//! baseline JPEG (jpeg-encoder) of the requested size showing a gradient whose colour follows the
//! moment the image shows, so that images taken at different times differ.

use std::sync::Arc;
use std::time::Duration;

use super::camera::{Camera, View};

/// What one snapshot is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SnapshotRequest<'a> {
    /// The video source; `None` for the default source of the camera settings.
    pub source: Option<&'a str>,
    pub width: u32,
    pub height: u32,
    /// Seconds relative to now, 0 or negative: the camera memory holds the last 30 s (5.20).
    pub offset: i32,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{width}x{height} is not a resolution this device can encode")]
    Size { width: u32, height: u32 },
    #[error("encoding the JPEG image: {0}")]
    Encoding(#[from] jpeg_encoder::EncodingError),
    #[error("the camera: {0}")]
    Camera(String),
}

/// A source of JPEG snapshots.
pub trait Snapshots {
    /// The JPEG image of `request`.
    fn jpeg(&self, request: &SnapshotRequest<'_>) -> Result<Vec<u8>, SnapshotError>;
}

/// The snapshots a device encloses: its `camera`'s frames, or without one, synthetic images
/// of a device with this `seed` at uptime `now`.
pub fn snapshots(camera: Option<&Arc<Camera>>, seed: u64, now: Duration) -> Box<dyn Snapshots> {
    match camera {
        Some(camera) => Box::new(FromCamera(camera.clone())),
        None => Box::new(Synthetic { seed, now }),
    }
}

/// The camera's frames: the same bytes a snapshot of that moment gets.
#[derive(Debug)]
struct FromCamera(Arc<Camera>);

impl Snapshots for FromCamera {
    fn jpeg(&self, request: &SnapshotRequest<'_>) -> Result<Vec<u8>, SnapshotError> {
        let camera = &self.0;
        let source = request.source.unwrap_or(&camera.config().default_source);
        let source = camera
            .source_index(source)
            .ok_or_else(|| SnapshotError::Camera(format!("no source {source}")))?;
        let view = View {
            source,
            width: request.width,
            height: request.height,
        };
        let frame = match request.offset {
            0 => camera.live(view),
            offset => camera.past(view, u64::from(offset.unsigned_abs())),
        };
        frame
            .map(|frame| frame.jpeg.to_vec())
            .map_err(|error| SnapshotError::Camera(error.to_string()))
    }
}

/// Synthetic camera images: a gradient tinted by the moment shown.
#[derive(Clone, Copy, Debug)]
pub struct Synthetic {
    pub seed: u64,
    /// The device's uptime when the images are taken.
    pub now: Duration,
}

/// The JPEG quality of synthetic images: good enough to see, small enough to mail.
const QUALITY: u8 = 80;

impl Snapshots for Synthetic {
    fn jpeg(&self, request: &SnapshotRequest<'_>) -> Result<Vec<u8>, SnapshotError> {
        let size_error = || SnapshotError::Size {
            width: request.width,
            height: request.height,
        };
        let width = u16::try_from(request.width).map_err(|_| size_error())?;
        let height = u16::try_from(request.height).map_err(|_| size_error())?;
        if width == 0 || height == 0 {
            return Err(size_error());
        }
        let moment = self
            .now
            .as_secs()
            .saturating_add_signed(i64::from(request.offset));
        let source_salt = request
            .source
            .map_or(0, |s| s.bytes().map(u64::from).sum::<u64>());
        // One byte of tint per moment, mixed with the seed so that devices differ.
        let tint = (self.seed ^ source_salt)
            .wrapping_add(moment)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            >> 56;
        let (w, h) = (usize::from(width), usize::from(height));
        let mut pixels = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for x in 0..w {
                pixels.push(u8::try_from(x * 255 / w).unwrap_or(u8::MAX));
                pixels.push(u8::try_from(y * 255 / h).unwrap_or(u8::MAX));
                pixels.push(u8::try_from(tint).unwrap_or(u8::MAX));
            }
        }
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, QUALITY).encode(
            &pixels,
            width,
            height,
            jpeg_encoder::ColorType::Rgb,
        )?;
        Ok(jpeg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(offset: i32) -> SnapshotRequest<'static> {
        SnapshotRequest {
            source: None,
            width: 160,
            height: 120,
            offset,
        }
    }

    #[test]
    fn images_are_jpegs_that_follow_the_moment() {
        let camera = Synthetic {
            seed: 1,
            now: Duration::from_secs(100),
        };
        let now = camera.jpeg(&request(0)).expect("a JPEG");
        assert_eq!(&now[..2], &[0xFF, 0xD8]);
        assert_eq!(&now[now.len() - 2..], &[0xFF, 0xD9]);
        assert_eq!(camera.jpeg(&request(0)).expect("a JPEG"), now);
        assert_ne!(camera.jpeg(&request(-5)).expect("a JPEG"), now);
        let too_big = SnapshotRequest {
            width: 70_000,
            ..request(0)
        };
        assert!(matches!(
            camera.jpeg(&too_big),
            Err(SnapshotError::Size { .. })
        ));
    }
}
