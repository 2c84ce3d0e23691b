//! `display/caps` and `display/image` (5.21, 5.22): the profile's displays, and uploads checked
//! against what the profile's model takes (`display::image::MODELS`), images decoded for real.

use std::io::Cursor;

use helios_spec::functions::display::image::{
    BLOB_IMAGE, BLOB_VIDEO, DISPLAY, DURATION, FUNCTION as IMAGE, MODELS, REPEAT,
};
use helios_spec::{BlobFormat, Domain, ErrorCode, Method};
use helios_wire::ApiError;
use helios_wire::params::Typed;
use image::{ImageFormat, ImageReader, Limits};
use serde_json::{Value, json};

use super::Call;
use crate::device::Device;
use crate::faults::Fault;
use crate::hardware::{ContentKind, DisplayContent};
use crate::profile::{Display, Profile};
use crate::reply::Reply;

/// The most memory decoding one upload may take: a 4096 x 4096 RGBA image.
const DECODE_BUDGET: u64 = 64 << 20;

/// 5.21, with `resolution` as an object (erratum `display-caps-shape`).
pub(super) fn caps(device: &Device, _: &Call) -> Result<Reply, ApiError> {
    let displays: Vec<Value> = device
        .profile
        .displays
        .iter()
        .map(|display| {
            json!({
                "display": display.display,
                "resolution": { "width": display.width, "height": display.height },
            })
        })
        .collect();
    Ok(Reply::Json(Some(json!({ "displays": displays }))))
}

/// 5.22: PUT shows an image or a video, DELETE removes it.
pub(super) fn image(device: &Device, call: &Call) -> Result<Reply, ApiError> {
    let name = call.params.text(DISPLAY).unwrap_or_default();
    let display = device
        .profile
        .displays
        .iter()
        .find(|display| display.display == name)
        .ok_or_else(|| {
            ApiError::with_param(
                ErrorCode::InvalidParameter,
                DISPLAY,
                format!("this device has no display `{name}`"),
            )
        })?;
    if display.standard_display {
        // Erratum `display-image-standard-display`.
        return Err(ApiError::new(
            ErrorCode::ProcessingError,
            "the standard display function is enabled",
        ));
    }
    if call.method == Method::Delete {
        // Deleting when nothing is shown succeeds too (erratum `display-image-lifetime`).
        device.with_state(|state, _| state.displays.clear(name));
        return Ok(Reply::Json(None));
    }
    let rules = Rules::of(&device.config(), display);
    let mut content = match (call.params.get(BLOB_IMAGE), call.params.get(BLOB_VIDEO)) {
        (Some(Typed::Blob(blob)), _) => rules.image(&blob.data, blob.format)?,
        (_, Some(Typed::Blob(blob))) => rules.video(&blob.data, blob.format)?,
        // The pipeline has answered 11 for neither and 12 for both.
        _ => {
            return Err(ApiError::with_param(
                ErrorCode::MissingParameter,
                BLOB_IMAGE,
                "missing mandatory parameter",
            ));
        }
    };
    content.duration_ms = optional_u32(call, DURATION);
    content.repeat = optional_u32(call, REPEAT);
    if device.faults().has(Fault::DisplayImageNotShown) {
        return Ok(Reply::Json(None));
    }
    device.with_state(|state, _| {
        content.set_at = device.now();
        state.displays.show(name, content);
    });
    Ok(Reply::Json(None))
}

fn optional_u32(call: &Call, name: &str) -> Option<u32> {
    call.params
        .int(name)
        .and_then(|value| u32::try_from(value).ok())
}

/// What one display of the profile's model accepts.
struct Rules {
    model: &'static str,
    image_formats: &'static [BlobFormat],
    video_formats: &'static [BlobFormat],
    size: (u32, u32),
}

impl Rules {
    /// The half of 5.22 that describes the profile's `variant`, at the model's own size or, where
    /// the manual defers to display/caps, at the display's. A model 5.22 does not describe takes
    /// every format the spec lists, at the display's size.
    fn of(profile: &Profile, display: &Display) -> Self {
        let caps_size = (display.width, display.height);
        match MODELS.iter().find(|m| m.variant == profile.device.variant) {
            Some(model) => Self {
                model: model.variant,
                image_formats: model.image_formats,
                video_formats: model.video_formats,
                size: model.size.unwrap_or(caps_size),
            },
            None => Self {
                model: "this model",
                image_formats: spec_formats(BLOB_IMAGE),
                video_formats: spec_formats(BLOB_VIDEO),
                size: caps_size,
            },
        }
    }

    /// An image in one of the model's formats, of exactly the display's size, that decodes.
    fn image(&self, data: &[u8], format: BlobFormat) -> Result<DisplayContent, ApiError> {
        let refuse =
            |why: String| ApiError::with_param(ErrorCode::InvalidParameter, BLOB_IMAGE, why);
        if !self.image_formats.contains(&format) {
            return Err(refuse(format!(
                "the {} display takes {} images, not {}",
                self.model,
                names(self.image_formats),
                format.name()
            )));
        }
        let size = decode(data, format)
            .map_err(|e| refuse(format!("the image cannot be decoded: {e}")))?;
        if size != self.size {
            return Err(refuse(format!(
                "the image is {} x {}; the display takes {} x {}",
                size.0, size.1, self.size.0, self.size.1
            )));
        }
        Ok(content(ContentKind::Image, format, Some(size), data.len()))
    }

    /// A video whose container signature is one of the model's video formats; videos are not
    /// decoded, so their size, length and frame rate go unchecked.
    fn video(&self, data: &[u8], format: BlobFormat) -> Result<DisplayContent, ApiError> {
        let refuse =
            |why: String| ApiError::with_param(ErrorCode::InvalidParameter, BLOB_VIDEO, why);
        if self.video_formats.is_empty() {
            return Err(refuse(format!("the {} display shows no video", self.model)));
        }
        if !self.video_formats.contains(&format) {
            return Err(refuse(format!(
                "the {} display takes {} videos, not {}",
                self.model,
                names(self.video_formats),
                format.name()
            )));
        }
        Ok(content(ContentKind::Video, format, None, data.len()))
    }
}

fn content(
    kind: ContentKind,
    format: BlobFormat,
    size: Option<(u32, u32)>,
    bytes: usize,
) -> DisplayContent {
    DisplayContent {
        kind,
        format,
        size,
        bytes,
        duration_ms: None,
        repeat: None,
        set_at: std::time::Duration::ZERO,
    }
}

/// Decodes the whole image (so that a truncated or corrupt one is refused), after reading its
/// size from the header, within [`DECODE_BUDGET`]. Returns width and height.
fn decode(data: &[u8], format: BlobFormat) -> Result<(u32, u32), String> {
    let format = match format {
        BlobFormat::Gif => ImageFormat::Gif,
        BlobFormat::Jpeg => ImageFormat::Jpeg,
        BlobFormat::Bmp => ImageFormat::Bmp,
        BlobFormat::Png => ImageFormat::Png,
        other => return Err(format!("{} is not an image format", other.name())),
    };
    let reader = || {
        let mut reader = ImageReader::with_format(Cursor::new(data), format);
        let mut limits = Limits::default();
        limits.max_alloc = Some(DECODE_BUDGET);
        reader.limits(limits);
        reader
    };
    let size = reader().into_dimensions().map_err(|e| e.to_string())?;
    let image = reader().decode().map_err(|e| e.to_string())?;
    if (image.width(), image.height()) != size {
        return Err("the header's size and the pixels' differ".into());
    }
    Ok(size)
}

/// The formats the spec's `name` parameter of display/image allows.
fn spec_formats(name: &str) -> &'static [BlobFormat] {
    IMAGE
        .params
        .iter()
        .find(|param| param.name == name)
        .and_then(|param| match param.domain {
            Domain::Blob { formats, .. } => Some(formats),
            _ => None,
        })
        .unwrap_or(&[])
}

fn names(formats: &[BlobFormat]) -> String {
    formats
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::DynamicImage::new_rgb8(width, height)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("encodes");
        out
    }

    #[test]
    fn a_whole_image_decodes_and_a_cut_one_does_not() {
        let whole = png(214, 240);
        assert_eq!(decode(&whole, BlobFormat::Png), Ok((214, 240)));
        // The header, and so the size, survive the cut; the pixels do not.
        let cut = &whole[..whole.len() - 20];
        assert!(decode(cut, BlobFormat::Png).is_err());
        assert!(decode(&whole, BlobFormat::Mpeg4).is_err());
    }
}
