//! The fuzz check of the MJPEG reader: the same stream gives the same frames, error and findings
//! however it is cut into chunks, every frame keeps to the limits and its Content-Length, and
//! whatever frames come out survive a round trip through the writer.

use bytes::Bytes;
use mime::Mime;

use crate::Finding;
use crate::mjpeg::{
    Boundary, Frame, MjpegError, MjpegLimits, MjpegReader, boundary_from_content_type, write_part,
};

/// Boundaries to pick from; the one-letter boundary makes near-misses frequent.
const BOUNDARIES: [&str; 4] = ["frame", "--myboundary", "b", "helios boundary"];

/// Limits small enough for the fuzzer to reach every limit error.
const SMALL: MjpegLimits = MjpegLimits {
    max_frame_bytes: 64,
    max_header_bytes: 48,
};

#[derive(Debug, PartialEq, Eq)]
struct Run {
    frames: Vec<Frame>,
    error: Option<MjpegError>,
    findings: Vec<Finding>,
}

/// The first byte chooses the boundary and the limits; with its top bit set, the first line is
/// a Content-Type to take the boundary from. The rest is the stream.
pub fn mjpeg_stream(data: &[u8]) {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let limits = if control & 0x40 != 0 {
        SMALL
    } else {
        MjpegLimits::DEFAULT
    };
    let (boundary, stream) = if control & 0x80 != 0 {
        let line_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let (line, stream) = rest.split_at(line_end);
        let Ok(boundary) = boundary_from_content_type(&String::from_utf8_lossy(line)) else {
            return;
        };
        (boundary, stream)
    } else {
        let pick = BOUNDARIES[usize::from(control & 3)];
        (pick.to_owned(), rest)
    };

    let whole = run(&boundary, limits, stream, |_| stream.len().max(1));
    let bytewise = run(&boundary, limits, stream, |_| 1);
    // Chunk lengths from 1 to 7, taken from the stream's own bytes.
    let derived = run(&boundary, limits, stream, |at| {
        usize::from(stream.get(at).copied().unwrap_or(0) % 7) + 1
    });
    assert_eq!(whole, bytewise, "one push and one byte per push disagree");
    assert_eq!(whole, derived, "one push and data-derived chunks disagree");

    for frame in &whole.frames {
        assert!(frame.body.len() <= limits.max_frame_bytes);
        if let Some(length) = frame.content_length {
            assert_eq!(frame.body.len(), length);
        }
    }
    round_trip(&boundary, &whole.frames);
}

fn run(
    boundary: &str,
    limits: MjpegLimits,
    stream: &[u8],
    chunk_at: impl Fn(usize) -> usize,
) -> Run {
    let Ok(mut reader) = MjpegReader::with_limits(boundary, limits) else {
        panic!("boundaries from the list or a Content-Type are valid for reading: {boundary:?}");
    };
    let mut frames = Vec::new();
    let mut error = None;
    let mut at = 0;
    while at < stream.len() && error.is_none() {
        let end = at.saturating_add(chunk_at(at)).min(stream.len());
        match reader.push(stream.get(at..end).unwrap_or_default()) {
            Ok(more) => frames.extend(more),
            Err(failure) => error = Some(failure),
        }
        at = end;
    }
    if error.is_none() {
        error = reader.finish().err();
    }
    Run {
        frames,
        error,
        findings: reader.findings(),
    }
}

/// Writes the frames again with a strict boundary and reads them back: the same bodies and
/// content types, no findings, a clean end.
fn round_trip(boundary: &str, frames: &[Frame]) {
    let boundary = Boundary::new(boundary.trim_start_matches('-'))
        .or_else(|_| Boundary::new("frame"))
        .unwrap_or_else(|error| panic!("a constant boundary is valid: {error}"));
    let typed: Vec<(Mime, Bytes)> = frames
        .iter()
        .map(|frame| {
            let content_type = frame
                .content_type
                .as_deref()
                .and_then(|text| text.parse().ok())
                .unwrap_or(mime::APPLICATION_OCTET_STREAM);
            (content_type, frame.body.clone())
        })
        .collect();
    let stream: Vec<u8> = typed
        .iter()
        .flat_map(|(content_type, body)| write_part(&boundary, content_type, body))
        .collect();
    let again = run(boundary.as_str(), MjpegLimits::DEFAULT, &stream, |_| {
        stream.len().max(1)
    });
    assert_eq!(again.error, None, "the writer's stream reads back");
    assert_eq!(
        again.findings,
        Vec::new(),
        "the writer's stream needs no tolerance"
    );
    assert_eq!(again.frames.len(), typed.len());
    for (frame, (content_type, body)) in again.frames.iter().zip(&typed) {
        assert_eq!(&frame.body, body);
        assert_eq!(frame.content_type, Some(content_type.to_string()));
    }
}
