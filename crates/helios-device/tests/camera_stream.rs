//! The MJPEG push of `camera/snapshot` over real loopback HTTP: reqwest reads the stream as it
//! comes, helios-wire's `MjpegReader` cuts it into frames, the image crate decodes each, and
//! dropping the connection closes the stream on the device.

mod common;

use std::time::{Duration, Instant};

use helios_device::Profile;
use helios_wire::mjpeg::{MjpegReader, boundary_from_content_type};
use image::GenericImageView;

#[test]
fn an_fps_5_stream_read_for_a_second_then_dropped() {
    let served = common::Served::start(Profile::default_profile(), false);
    let camera = served.device.camera().expect("a camera").clone();
    let runtime = &served.runtime;
    let address = served.running.http.expect("HTTP");

    let frames = runtime.block_on(async {
        let url = format!("http://{address}/api/camera/snapshot?width=320&height=240&fps=5");
        let mut response = reqwest::Client::new()
            .get(url)
            .send()
            .await
            .expect("the device answers");
        assert_eq!(response.status(), 200);
        let content_type = response.headers()["content-type"]
            .to_str()
            .expect("ASCII")
            .to_owned();
        let boundary = boundary_from_content_type(&content_type).expect("a push stream");
        let mut reader = MjpegReader::new(&boundary).expect("a reader");
        let mut frames = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_millis(1100);
        while let Ok(chunk) = tokio::time::timeout_at(deadline, response.chunk()).await {
            let chunk = chunk
                .expect("the stream reads")
                .expect("the stream goes on");
            frames.extend(reader.push(&chunk).expect("a well-formed stream"));
        }
        assert!(reader.findings().is_empty(), "{:?}", reader.findings());
        assert_eq!(camera.open_streams(), 1);
        // The client goes away in the middle of the stream.
        drop(response);
        frames
    });

    // One frame at once, then one every 200 ms: six in 1.1 s, give or take scheduling.
    assert!((4..=8).contains(&frames.len()), "{} frames", frames.len());
    for frame in &frames {
        assert_eq!(frame.content_type.as_deref(), Some("image/jpeg"));
        assert_eq!(frame.content_length, Some(frame.body.len()));
        let decoded = image::load_from_memory_with_format(&frame.body, image::ImageFormat::Jpeg)
            .expect("each frame decodes");
        assert_eq!(decoded.dimensions(), (320, 240));
    }
    assert!(
        frames.windows(2).all(|pair| pair[0].body != pair[1].body),
        "every frame is a new one"
    );

    // The device notices the closed connection at its next write and drops the stream.
    let waited = Instant::now();
    while camera.open_streams() > 0 {
        assert!(
            waited.elapsed() < Duration::from_secs(5),
            "the stream outlived its client"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    served.stop();
}
