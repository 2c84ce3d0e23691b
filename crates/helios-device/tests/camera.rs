//! Camera functions (5.19 and 5.20) through the pipeline, without sockets: caps from the
//! profile, real baseline JPEGs checked by a decoder, the frame cache, the thirty-second memory
//! on a manual clock, and the MJPEG push read with helios-wire's reader.

mod common;

use common::snapshot;

use std::time::Duration;

use axum::http::{HeaderMap, Method, Uri};
use common::{Request, TestDevice};
use helios_device::Profile;
use helios_device::pipeline::{Connection, process};
use helios_wire::mjpeg::{MjpegReader, boundary_from_content_type};
use http_body_util::BodyExt;
use image::GenericImageView;
use serde_json::json;

/// The Camera service of the default profile is plain HTTP without authentication.
fn get(device: &TestDevice, uri: &str) -> common::Reply {
    device.send(&Request::get(uri).http())
}

fn snapshot_of(device: &TestDevice, query: &str) -> Vec<u8> {
    let reply = get(device, &format!("/api/camera/snapshot?{query}"));
    assert_eq!(
        reply.content_type(),
        "image/jpeg",
        "{query}: {:?}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.body
}

/// The frame marker of a JPEG: walks the segments from SOI to the first SOFn.
fn frame_marker(jpeg: &[u8]) -> u8 {
    assert_eq!(&jpeg[..2], [0xFF, 0xD8], "SOI");
    let mut at = 2;
    loop {
        assert_eq!(jpeg[at], 0xFF, "a marker at {at}");
        let marker = jpeg[at + 1];
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            return marker;
        }
        let length = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        at += 2 + length;
    }
}

/// Decodes with the image crate (zune-jpeg) and checks the size and that the JPEG is baseline.
fn assert_baseline_jpeg(jpeg: &[u8], width: u32, height: u32) -> image::DynamicImage {
    assert_eq!(frame_marker(jpeg), 0xC0, "baseline DCT (SOF0)");
    let decoded = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg)
        .expect("the frame decodes");
    assert_eq!(decoded.dimensions(), (width, height));
    decoded
}

#[test]
fn caps_list_the_profiles_resolutions_and_sources() {
    let device = TestDevice::default_profile();
    let reply = get(&device, "/api/camera/caps");
    snapshot!("device__camera_caps", reply.json());
    let result = reply.result();
    assert_eq!(
        result["jpegResolution"][0],
        json!({"width": 160, "height": 120})
    );
    assert_eq!(
        result["sources"],
        json!([{"source": "internal"}, {"source": "external"}])
    );
}

#[test]
fn every_resolution_gives_a_baseline_jpeg_of_exactly_that_size() {
    let device = TestDevice::default_profile();
    let resolutions = device
        .device
        .profile
        .camera
        .clone()
        .expect("a camera")
        .resolutions;
    for (width, height) in resolutions {
        for source in ["internal", "external"] {
            let jpeg = snapshot_of(
                &device,
                &format!("width={width}&height={height}&source={source}"),
            );
            assert_baseline_jpeg(&jpeg, width, height);
        }
    }
}

#[test]
fn sources_differ_and_the_default_is_the_profiles() {
    let device = TestDevice::default_profile();
    let internal = snapshot_of(&device, "width=320&height=240&source=internal");
    let external = snapshot_of(&device, "width=320&height=240&source=external");
    let default = snapshot_of(&device, "width=320&height=240");
    assert_ne!(internal, external);
    assert_eq!(default, internal);
}

#[test]
fn the_scene_changes_over_time() {
    let device = TestDevice::default_profile();
    let first = assert_baseline_jpeg(&snapshot_of(&device, "width=160&height=120"), 160, 120);
    device.clock.advance(Duration::from_millis(200));
    let later = assert_baseline_jpeg(&snapshot_of(&device, "width=160&height=120"), 160, 120);
    assert_ne!(first.to_rgb8().into_raw(), later.to_rgb8().into_raw());
}

#[test]
fn resolutions_and_sources_outside_the_profile_answer_12() {
    let device = TestDevice::default_profile();
    // No resolution is 100 pixels wide: width is named.
    let reply = get(&device, "/api/camera/snapshot?width=100&height=120");
    snapshot!("device__camera_snapshot_bad_width", reply.json());
    assert_eq!(reply.error_code(), Some(12));
    assert_eq!(reply.error_param().as_deref(), Some("width"));
    // 352 is a listed width, but not with 240: height is named.
    let reply = get(&device, "/api/camera/snapshot?width=352&height=240");
    snapshot!("device__camera_snapshot_bad_height", reply.json());
    assert_eq!(reply.error_code(), Some(12));
    assert_eq!(reply.error_param().as_deref(), Some("height"));
    // Swapped dimensions: no resolution is 120 wide.
    let reply = get(&device, "/api/camera/snapshot?width=120&height=160");
    assert_eq!(reply.error_param().as_deref(), Some("width"));
    // A source the manual names but this profile lacks.
    let text = helios_device::profile::DEFAULT_PROFILE.replace(
        "sources = [\"internal\", \"external\"]",
        "sources = [\"internal\"]",
    );
    let one_camera = TestDevice::new(Profile::parse(&text, "test.toml").expect("valid"));
    let reply = get(
        &one_camera,
        "/api/camera/snapshot?width=160&height=120&source=external",
    );
    snapshot!("device__camera_snapshot_bad_source", reply.json());
    assert_eq!(reply.error_code(), Some(12));
    assert_eq!(reply.error_param().as_deref(), Some("source"));
    // Missing dimensions are the pipeline's 11.
    let reply = get(&device, "/api/camera/snapshot?width=160");
    assert_eq!(reply.error_code(), Some(11));
    assert_eq!(reply.error_param().as_deref(), Some("height"));
}

#[test]
fn one_tick_one_encoding_shared_by_every_client() {
    let device = TestDevice::default_profile();
    let camera = device.device.camera().expect("a camera").clone();
    let before = camera.encodes();
    let first = snapshot_of(&device, "width=640&height=480");
    let second = snapshot_of(&device, "width=640&height=480&source=internal");
    assert_eq!(first, second, "byte-identical within one tick");
    assert_eq!(camera.encodes(), before + 1, "encoded once");
    // The next tick of the 15 Hz frame clock is a new frame.
    device.clock.advance(Duration::from_millis(1000 / 15 + 1));
    let third = snapshot_of(&device, "width=640&height=480");
    assert_ne!(first, third);
    assert_eq!(camera.encodes(), before + 2);
    // Another resolution of the same tick is a frame of its own.
    snapshot_of(&device, "width=320&height=240");
    assert_eq!(camera.encodes(), before + 3);
    let (frames, bytes) = camera.cache_usage();
    assert!(frames <= 3 && bytes > 0, "{frames} frames, {bytes} bytes");
}

#[test]
fn time_returns_the_frame_of_that_many_seconds_ago() {
    let device = TestDevice::default_profile();
    let camera = device.device.camera().expect("a camera").clone();
    device.advance(10);
    let then = snapshot_of(&device, "width=320&height=240");
    device.advance(5);
    let encodes = camera.encodes();
    let remembered = snapshot_of(&device, "width=320&height=240&time=-5");
    assert_eq!(remembered, then, "the very bytes served 5 s ago");
    assert_eq!(camera.encodes(), encodes, "from memory, not encoded again");
    let now = snapshot_of(&device, "width=320&height=240");
    assert_ne!(now, then, "the clock moved on");
    assert_eq!(snapshot_of(&device, "width=320&height=240&time=0"), now);
    // fps is ignored with time: one frame, not a stream.
    let reply = get(
        &device,
        "/api/camera/snapshot?width=320&height=240&time=-5&fps=10",
    );
    assert_eq!(reply.content_type(), "image/jpeg");
    assert_eq!(reply.body, then);
}

#[test]
fn a_remembered_frame_is_what_the_camera_showed_then() {
    // Nobody watched 640 x 480 at second 15 on this device; its memory still has that second.
    let watched = TestDevice::default_profile();
    watched.advance(20);
    let remembered = snapshot_of(&watched, "width=640&height=480&source=external&time=-5");
    assert_baseline_jpeg(&remembered, 640, 480);
    // A twin device asked live at second 15 saw the same frame.
    let twin = TestDevice::default_profile();
    twin.advance(15);
    let live = snapshot_of(&twin, "width=640&height=480&source=external");
    assert_eq!(remembered, live);
    // A fraction of a second is within the same remembered second.
    watched.clock.advance(Duration::from_millis(900));
    assert_eq!(
        snapshot_of(&watched, "width=640&height=480&source=external&time=-5"),
        live
    );
}

#[test]
fn a_time_before_the_device_started_answers_15() {
    let device = TestDevice::default_profile();
    device.advance(4);
    let reply = get(&device, "/api/camera/snapshot?width=160&height=120&time=-5");
    snapshot!("device__camera_snapshot_before_start", reply.json());
    assert_eq!(reply.error_code(), Some(15));
    assert_eq!(reply.error_param().as_deref(), Some("time"));
    device.advance(1);
    let first = snapshot_of(&device, "width=160&height=120&time=-5");
    assert_baseline_jpeg(&first, 160, 120);
    // Outside the manual's <-30, 0> the pipeline answers 12.
    device.advance(100);
    let reply = get(
        &device,
        "/api/camera/snapshot?width=160&height=120&time=-31",
    );
    assert_eq!(reply.error_code(), Some(12));
    assert_eq!(reply.error_param().as_deref(), Some("time"));
    assert_baseline_jpeg(
        &snapshot_of(&device, "width=160&height=120&time=-30"),
        160,
        120,
    );
}

#[test]
fn fps_0_is_a_single_frame() {
    let device = TestDevice::default_profile();
    let reply = get(&device, "/api/camera/snapshot?width=160&height=120&fps=0");
    assert_eq!(reply.content_type(), "image/jpeg");
    assert_baseline_jpeg(&reply.body, 160, 120);
}

#[test]
fn fps_pushes_frames_until_the_client_goes() {
    let device = TestDevice::default_profile();
    let camera = device.device.camera().expect("a camera").clone();
    let uri: Uri = "/api/camera/snapshot?width=176&height=144&fps=15"
        .parse()
        .expect("a URI");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let response = runtime.block_on(process(
        &device.device,
        &Method::GET,
        &uri,
        &HeaderMap::new(),
        b"",
        Connection::default(),
    ));
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    assert!(
        content_type.starts_with("multipart/x-mixed-replace;boundary="),
        "{content_type}"
    );
    let boundary = boundary_from_content_type(&content_type).expect("a boundary");
    let mut reader = MjpegReader::new(&boundary).expect("a reader");
    assert_eq!(camera.open_streams(), 1);
    let mut body = response.into_body();
    let mut frames = Vec::new();
    while frames.len() < 3 {
        let chunk = runtime
            .block_on(body.frame())
            .expect("the stream goes on")
            .expect("no error")
            .into_data()
            .expect("data");
        frames.extend(reader.push(&chunk).expect("a well-formed stream"));
        device.clock.advance(Duration::from_millis(100));
    }
    assert!(reader.findings().is_empty(), "{:?}", reader.findings());
    for frame in &frames {
        assert_eq!(frame.content_type.as_deref(), Some("image/jpeg"));
        assert_baseline_jpeg(&frame.body, 176, 144);
    }
    assert_ne!(
        frames[0].body, frames[1].body,
        "the clock moved between frames"
    );
    drop(body);
    assert_eq!(
        camera.open_streams(),
        0,
        "dropping the body closes the stream"
    );
}

#[test]
fn cameras_on_one_thread_each_serve_their_own_frames() {
    use helios_device::Device;
    use helios_device::clock::ManualClock;
    use helios_device::hardware::camera::View;
    use std::sync::Arc;

    let view = View {
        source: 0,
        width: 640,
        height: 480,
    };
    // The same tick of two devices whose wall clocks differ: the burnt-in times differ.
    let start = |unix| {
        let clock = Arc::new(ManualClock::new(Duration::from_secs(unix)));
        Device::new(Profile::default_profile(), clock)
    };
    let (a, b) = (start(1_437_987_102), start(1_500_000_000));
    let (a, b) = (
        a.camera().expect("a camera").clone(),
        b.camera().expect("a camera").clone(),
    );
    let first = a.live(view).expect("a frame");
    let other = b.live(view).expect("a frame");
    assert_eq!(first.tick, other.tick);
    assert_ne!(first.jpeg, other.jpeg, "each camera's own frame");
    let again = a.live(view).expect("a frame");
    assert_eq!(again, first, "the same frame of the same tick");
    assert_eq!(a.encodes(), 1);
    assert_eq!(b.live(view).expect("a frame"), other);
    assert_eq!(b.encodes(), 1);
}
