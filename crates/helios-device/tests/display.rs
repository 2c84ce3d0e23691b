//! Display functions (5.21 and 5.22) through the pipeline, without sockets: caps from the
//! profile, uploads decoded for real and checked against the model's formats and size (Verso on
//! the default profile, Vario on a copy of its profile with the Display service enabled), videos
//! by their container signature, and what the display shows observed through the device.

mod common;

use common::{ADMIN, snapshot};

use std::io::Cursor;
use std::time::Duration;

use common::{Request, TestDevice};
use helios_device::Profile;
use helios_device::hardware::{ContentKind, DisplayContent};
use helios_spec::BlobFormat;
use helios_wire::params::{PartSpec, encode_multipart, multipart_content_type};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

const BOUNDARY: &str = "helios-display-test";

/// A picture worth decoding: a gradient with a cross.
fn picture(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        let on_cross = x == width / 2 || y == height / 2;
        if on_cross {
            Rgb([255, 255, 255])
        } else {
            Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
        }
    }))
}

/// `picture` in `format`; JPEG is written by jpeg-encoder, the others by the image crate.
fn encoded(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let picture = picture(width, height);
    let mut out = Vec::new();
    if format == ImageFormat::Jpeg {
        jpeg_encoder::Encoder::new(&mut out, 85)
            .encode(
                picture.to_rgb8().as_raw(),
                width as u16,
                height as u16,
                jpeg_encoder::ColorType::Rgb,
            )
            .expect("encodes");
    } else {
        let picture = if format == ImageFormat::Gif {
            DynamicImage::ImageRgba8(picture.to_rgba8())
        } else {
            picture
        };
        picture
            .write_to(&mut Cursor::new(&mut out), format)
            .expect("encodes");
    }
    out
}

/// An MP4 file's first box: `ftyp` with the isom brand.
const MP4: &[u8] = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2\x00\x00\x00\x08free";
/// An H.264 Annex B stream: a start code and a sequence parameter set's first bytes.
const H264: &[u8] = b"\x00\x00\x00\x01\x67\x42\xc0\x1e\xd9\x00\xd8\x3d\xe0\x22";

/// PUT display/image with `parts` as multipart/form-data, as admin.
fn put(device: &TestDevice, query: &str, parts: &[(&str, &[u8])]) -> common::Reply {
    let specs: Vec<PartSpec<'_>> = parts
        .iter()
        .map(|(name, data)| PartSpec {
            name,
            data,
            filename: Some("upload"),
            content_type: Some("application/octet-stream"),
        })
        .collect();
    let body = encode_multipart(BOUNDARY, &specs);
    let uri = format!("/api/display/image?{query}");
    let request = Request::get(&uri)
        .method("PUT")
        .body(&multipart_content_type(BOUNDARY), &body);
    device.send_digest(&request, ADMIN.0, ADMIN.1)
}

fn send(device: &TestDevice, method: &str, uri: &str) -> common::Reply {
    device.send_digest(&Request::get(uri).method(method), ADMIN.0, ADMIN.1)
}

fn assert_refused(reply: &common::Reply, code: u64, param: &str) {
    assert_eq!(reply.error_code(), Some(code), "{}", reply.json());
    assert_eq!(
        reply.error_param().as_deref(),
        Some(param),
        "{}",
        reply.json()
    );
}

/// The Vario profile with its Display service enabled.
fn vario() -> TestDevice {
    let text = include_str!("../profiles/vario.toml");
    let enabled = text.replace(
        "[services.display]\nenabled = false",
        "[services.display]\nenabled = true",
    );
    assert_ne!(text, enabled, "the Vario profile disables Display");
    TestDevice::new(Profile::parse(&enabled, "vario.toml").expect("valid"))
}

#[test]
fn caps_list_the_profiles_displays() {
    let device = TestDevice::default_profile();
    let reply = send(&device, "GET", "/api/display/caps");
    snapshot!("device__display_caps", reply.json());
    assert_eq!(
        reply.result(),
        serde_json::json!({"displays": [{"display": "ext1", "resolution": {"width": 214, "height": 240}}]})
    );
    let reply = send(&vario(), "GET", "/api/display/caps");
    snapshot!("device__display_caps_vario", reply.json());
}

#[test]
fn the_verso_takes_jpeg_bmp_and_png_at_214_by_240() {
    let device = TestDevice::default_profile();
    for (format, blob) in [
        (ImageFormat::Jpeg, BlobFormat::Jpeg),
        (ImageFormat::Bmp, BlobFormat::Bmp),
        (ImageFormat::Png, BlobFormat::Png),
    ] {
        let image = encoded(format, 214, 240);
        device.advance(1);
        let reply = put(
            &device,
            "display=ext1&duration=30000",
            &[("blob-image", &image)],
        );
        assert_eq!(reply.result(), serde_json::Value::Null, "{format:?}");
        assert_eq!(
            device.device.display_content("ext1"),
            Some(DisplayContent {
                kind: ContentKind::Image,
                format: blob,
                size: Some((214, 240)),
                bytes: image.len(),
                duration_ms: Some(30_000),
                repeat: None,
                set_at: device.device.now(),
            })
        );
    }
    let reply = put(
        &device,
        "display=ext1",
        &[("blob-image", &encoded(ImageFormat::Png, 214, 240))],
    );
    snapshot!("device__display_image", reply.json());
}

#[test]
fn wrong_formats_sizes_and_broken_images_answer_12_naming_the_blob() {
    let device = TestDevice::default_profile();
    // A GIF is the Vario's format, not the Verso's.
    let gif = encoded(ImageFormat::Gif, 214, 240);
    let reply = put(&device, "display=ext1", &[("blob-image", &gif)]);
    snapshot!("device__display_image_wrong_format", reply.json());
    assert_refused(&reply, 12, "blob-image");
    // Another size, and the right size the wrong way round.
    for (width, height) in [(200, 200), (240, 214), (320, 240)] {
        let png = encoded(ImageFormat::Png, width, height);
        assert_refused(
            &put(&device, "display=ext1", &[("blob-image", &png)]),
            12,
            "blob-image",
        );
    }
    // A PNG whose header is whole but whose pixels are cut off: its size reads right, it does
    // not decode.
    let png = encoded(ImageFormat::Png, 214, 240);
    let truncated = &png[..png.len() / 2];
    assert_refused(
        &put(&device, "display=ext1", &[("blob-image", truncated)]),
        12,
        "blob-image",
    );
    // A JPEG signature and nothing else.
    let junk = b"\xff\xd8\xff\xe0 not a picture";
    assert_refused(
        &put(&device, "display=ext1", &[("blob-image", junk)]),
        12,
        "blob-image",
    );
    // Not an image format at all: the pipeline's signature check.
    assert_refused(
        &put(&device, "display=ext1", &[("blob-image", b"hello")]),
        12,
        "blob-image",
    );
    assert_eq!(
        device.device.display_content("ext1"),
        None,
        "nothing was shown"
    );
}

#[test]
fn the_verso_plays_mpeg4_and_h264_videos() {
    let device = TestDevice::default_profile();
    device.advance(7);
    for (video, format) in [(MP4, BlobFormat::Mpeg4), (H264, BlobFormat::H264)] {
        let reply = put(&device, "display=ext1&repeat=5", &[("blob-video", video)]);
        assert_eq!(reply.result(), serde_json::Value::Null);
        let content = device.device.display_content("ext1").expect("a video");
        assert_eq!(
            (
                content.kind,
                content.format,
                content.size,
                content.repeat,
                content.set_at
            ),
            (
                ContentKind::Video,
                format,
                None,
                Some(5),
                Duration::from_secs(7)
            )
        );
    }
    let reply = put(
        &device,
        "display=ext1",
        &[("blob-video", b"RIFF....AVI LIST")],
    );
    assert_refused(&reply, 12, "blob-video");
}

#[test]
fn one_blob_exactly() {
    let device = TestDevice::default_profile();
    let png = encoded(ImageFormat::Png, 214, 240);
    let reply = put(
        &device,
        "display=ext1",
        &[("blob-image", &png), ("blob-video", MP4)],
    );
    snapshot!("device__display_image_both_blobs", reply.json());
    assert_refused(&reply, 12, "blob-video");
    let reply = send(&device, "PUT", "/api/display/image?display=ext1");
    snapshot!("device__display_image_no_blob", reply.json());
    assert_refused(&reply, 11, "blob-image");
    assert_eq!(device.device.display_content("ext1"), None);
}

#[test]
fn an_unknown_display_answers_12() {
    let device = TestDevice::default_profile();
    let png = encoded(ImageFormat::Png, 214, 240);
    let reply = put(&device, "display=internal", &[("blob-image", &png)]);
    snapshot!("device__display_image_unknown_display", reply.json());
    assert_refused(&reply, 12, "display");
    assert_refused(
        &send(&device, "DELETE", "/api/display/image?display=ext2"),
        12,
        "display",
    );
}

#[test]
fn delete_removes_the_content_and_succeeds_when_nothing_is_shown() {
    let device = TestDevice::default_profile();
    let png = encoded(ImageFormat::Png, 214, 240);
    put(&device, "display=ext1", &[("blob-image", &png)]).result();
    assert!(device.device.display_content("ext1").is_some());
    let reply = send(&device, "DELETE", "/api/display/image?display=ext1");
    snapshot!("device__display_image_delete", reply.json());
    reply.result();
    assert_eq!(device.device.display_content("ext1"), None);
    // Erratum display-image-lifetime: idempotent.
    send(&device, "DELETE", "/api/display/image?display=ext1").result();
}

#[test]
fn content_ends_after_its_duration_on_the_device_clock() {
    let device = TestDevice::default_profile();
    let png = encoded(ImageFormat::Png, 214, 240);
    put(
        &device,
        "display=ext1&duration=1500",
        &[("blob-image", &png)],
    )
    .result();
    device.advance(1);
    assert!(device.device.display_content("ext1").is_some());
    device.advance(1);
    assert_eq!(device.device.display_content("ext1"), None);
    // Without a duration it stays.
    put(&device, "display=ext1", &[("blob-image", &png)]).result();
    device.advance(3600);
    assert!(device.device.display_content("ext1").is_some());
}

#[test]
fn the_vario_takes_gifs_at_its_caps_resolution_and_no_video() {
    let device = vario();
    let gif = encoded(ImageFormat::Gif, 320, 240);
    put(&device, "display=internal", &[("blob-image", &gif)]).result();
    let content = device.device.display_content("internal").expect("shown");
    assert_eq!(
        (content.format, content.size),
        (BlobFormat::Gif, Some((320, 240)))
    );
    for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Bmp] {
        let image = encoded(format, 320, 240);
        assert_refused(
            &put(&device, "display=internal", &[("blob-image", &image)]),
            12,
            "blob-image",
        );
    }
    let small = encoded(ImageFormat::Gif, 214, 240);
    assert_refused(
        &put(&device, "display=internal", &[("blob-image", &small)]),
        12,
        "blob-image",
    );
    let reply = put(&device, "display=internal", &[("blob-video", MP4)]);
    snapshot!("device__display_image_vario_video", reply.json());
    assert_refused(&reply, 12, "blob-video");
    // The shipped Vario profile has the service disabled.
    let shipped = TestDevice::new(
        Profile::parse(include_str!("../profiles/vario.toml"), "vario.toml").expect("valid"),
    );
    assert_eq!(
        send(&shipped, "GET", "/api/display/caps").error_code(),
        Some(4)
    );
}

#[test]
fn with_the_standard_display_function_on_uploads_answer_14() {
    let text = helios_device::profile::DEFAULT_PROFILE
        .replace("standard_display = false", "standard_display = true");
    let device = TestDevice::new(Profile::parse(&text, "test.toml").expect("valid"));
    let png = encoded(ImageFormat::Png, 214, 240);
    let reply = put(&device, "display=ext1", &[("blob-image", &png)]);
    snapshot!("device__display_image_standard_display", reply.json());
    assert_eq!(reply.error_code(), Some(14));
}

#[test]
fn the_default_profile_display_has_the_verso_size() {
    let model = helios_spec::functions::display::image::MODELS
        .iter()
        .find(|m| m.variant == Profile::default_profile().device.variant)
        .expect("the default profile is a model of 5.22");
    let display = &Profile::default_profile().displays[0];
    assert_eq!(model.size, Some((display.width, display.height)));
    assert_eq!(model.example_display, display.display);
}
