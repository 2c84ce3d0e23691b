//! Properties of the MJPEG reader and writer: written frames read back exactly under any
//! chunking, camera quirks give the same bodies plus findings, garbage never panics, and limits
//! are errors.

use helios_wire::mjpeg::{
    Boundary, Frame, MjpegError, MjpegLimits, MjpegReader, Tolerance, write_close, write_part,
};
use mime::Mime;
use proptest::prelude::*;

/// Feeds `stream` in chunks of the given lengths (cycled), then ends it.
fn read(
    boundary: &str,
    limits: MjpegLimits,
    stream: &[u8],
    chunks: &[usize],
) -> (Vec<Frame>, Result<(), MjpegError>, Vec<Tolerance>) {
    let mut reader = MjpegReader::with_limits(boundary, limits).expect("a valid boundary");
    let mut frames = Vec::new();
    let mut lengths = chunks.iter().copied().cycle();
    let mut rest = stream;
    while !rest.is_empty() {
        let length = lengths.next().unwrap_or(rest.len()).clamp(1, rest.len());
        let (now, later) = rest.split_at(length);
        rest = later;
        match reader.push(now) {
            Ok(more) => frames.extend(more),
            Err(error) => return (frames, Err(error), Vec::new()),
        }
    }
    let tolerances = reader
        .tolerances()
        .map(|(tolerance, _)| tolerance)
        .collect();
    (frames, reader.finish(), tolerances)
}

fn boundary() -> impl Strategy<Value = Boundary> {
    "[A-Za-z0-9'()+_,./:=?-][A-Za-z0-9'()+_,./:=? -]{0,30}[A-Za-z0-9]"
        .prop_map(|text| Boundary::new(text).expect("the pattern only makes valid boundaries"))
}

fn content_type() -> impl Strategy<Value = Mime> {
    prop_oneof![
        Just(mime::IMAGE_JPEG),
        Just(mime::APPLICATION_OCTET_STREAM),
        Just("image/jpeg; q=\"a b\"".parse().expect("a valid type")),
    ]
}

fn frames() -> impl Strategy<Value = Vec<(Mime, Vec<u8>)>> {
    prop::collection::vec(
        (content_type(), prop::collection::vec(any::<u8>(), 0..300)),
        0..6,
    )
}

fn chunks() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..80, 1..12)
}

proptest! {
    #[test]
    fn written_frames_read_back_exactly(
        boundary in boundary(),
        frames in frames(),
        chunks in chunks(),
        closed in any::<bool>(),
        bytewise in any::<bool>(),
    ) {
        let mut stream: Vec<u8> = frames
            .iter()
            .flat_map(|(content_type, body)| write_part(&boundary, content_type, body))
            .collect();
        if closed {
            stream.extend(write_close(&boundary));
        }
        let chunks = if bytewise { vec![1] } else { chunks };
        let (read, end, tolerances) =
            read(boundary.as_str(), MjpegLimits::DEFAULT, &stream, &chunks);
        prop_assert_eq!(end, Ok(()));
        prop_assert!(tolerances.is_empty(), "{:?}", tolerances);
        prop_assert_eq!(read.len(), frames.len());
        for (frame, (content_type, body)) in read.iter().zip(&frames) {
            prop_assert_eq!(frame.body.as_ref(), body.as_slice());
            prop_assert_eq!(frame.content_type.clone(), Some(content_type.to_string()));
            prop_assert_eq!(frame.content_length, Some(body.len()));
            prop_assert_eq!(
                frame.headers.clone(),
                vec![
                    ("Content-Type".to_owned(), content_type.to_string()),
                    ("Content-Length".to_owned(), body.len().to_string()),
                ]
            );
        }
    }

    /// JPEG-like parts without Content-Length, framed the way one camera quirk frames them: the
    /// bodies are the same and the quirk is named.
    #[test]
    fn camera_quirks_give_the_same_bodies_and_a_finding(
        inner in prop::collection::vec(
            prop::collection::vec(any::<u8>(), 0..200)
                .prop_filter("no boundary inside", |bytes| !contains(bytes, b"frame7")),
            1..5,
        ),
        quirk in 0usize..6,
        chunks in chunks(),
    ) {
        let bodies: Vec<Vec<u8>> = inner
            .iter()
            .map(|inner| [&[0xFF, 0xD8][..], inner, &[0xFF, 0xD9]].concat())
            .collect();
        // The delimiter, the line ending, what stands before and after each delimiter line, and
        // the tolerance the quirk needs.
        type Framing = (&'static [u8], &'static [u8], &'static [u8], &'static [u8]);
        let ((delimiter, eol, before, after), expected): (Framing, &[Tolerance]) =
            match quirk {
                0 => ((b"--frame7", b"\r\n", b"\r\n", b""), &[]),
                1 => ((b"--frame7", b"\n", b"\n", b""), &[Tolerance::LfLineEnding]),
                2 => ((b"--frame7", b"\r\n", b"", b""), &[Tolerance::MissingLineEnding]),
                3 => ((b"--frame7", b"\r\n", b"\r\n\r\n", b""), &[Tolerance::DoubledLineEnding]),
                4 => ((b"--frame7", b"\r\n", b"\r\n", b"\r\n"), &[Tolerance::BlankLineAfterBoundary]),
                _ => ((b"frame7", b"\r\n", b"\r\n", b""), &[Tolerance::BoundaryWithoutDashes]),
            };
        let mut stream = Vec::new();
        for body in &bodies {
            stream.extend([delimiter, eol, after, b"Content-Type: image/jpeg", eol, eol].concat());
            stream.extend(body);
            stream.extend(before);
        }
        stream.extend([delimiter, b"--"].concat());
        let (read, end, tolerances) = read("frame7", MjpegLimits::DEFAULT, &stream, &chunks);
        prop_assert_eq!(end, Ok(()));
        let read: Vec<&[u8]> = read.iter().map(|frame| frame.body.as_ref()).collect();
        let bodies: Vec<&[u8]> = bodies.iter().map(Vec::as_slice).collect();
        prop_assert_eq!(read, bodies);
        prop_assert_eq!(tolerances, expected);
    }

    /// Any bytes at all, through the fuzz target's own check (which compares chunkings and
    /// round-trips the frames).
    #[test]
    fn garbage_never_panics(data in prop::collection::vec(any::<u8>(), 0..600)) {
        helios_wire::fuzzing::mjpeg_stream(&data);
    }

    /// Garbage made of the stream's own vocabulary reaches far more states than random bytes.
    #[test]
    fn near_miss_streams_never_panic(
        control in any::<u8>(),
        pieces in prop::collection::vec(
            prop::sample::select(vec![
                &b"--"[..], b"frame", b"b", b"\r\n", b"\n", b"\r", b"Content-Length: 3",
                b"Content-Type: image/jpeg", b": ", b"\xff\xd8", b"\xff\xd9", b"abc", b" ",
            ]),
            0..60,
        ),
    ) {
        let data: Vec<u8> = std::iter::once(control).chain(pieces.concat()).collect();
        helios_wire::fuzzing::mjpeg_stream(&data);
    }

    #[test]
    fn oversized_frames_are_errors(extra in 1usize..100, declared in any::<bool>(), chunks in chunks()) {
        let limits = MjpegLimits { max_frame_bytes: 256, max_header_bytes: 128 };
        let body = vec![0xAB; 256 + extra];
        let boundary = Boundary::new("frame").expect("a valid boundary");
        let stream = if declared {
            write_part(&boundary, &mime::IMAGE_JPEG, &body)
        } else {
            [&b"--frame\r\nContent-Type: image/jpeg\r\n\r\n"[..], &body, b"\r\n--frame--"].concat()
        };
        let (read, end, _) = read("frame", limits, &stream, &chunks);
        prop_assert!(read.is_empty());
        let is_frame_too_large = matches!(end, Err(MjpegError::FrameTooLarge { limit: 256, .. }));
        prop_assert!(is_frame_too_large, "{:?}", end);
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The seed corpus says what its file names say (the first byte of each file picks the fuzz
/// target's boundary and limits; `0x00` is the boundary `frame` with default limits).
#[test]
fn seed_corpus_files_hold_what_their_names_say() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/mjpeg_stream");
    let cases: &[(&str, usize, &[Tolerance])] = &[
        ("two_frames_with_content_length", 2, &[]),
        ("two_frames_without_content_length", 2, &[]),
        ("lf_only_line_endings", 2, &[Tolerance::LfLineEnding]),
        (
            "doubled_crlf_around_boundaries",
            2,
            &[
                Tolerance::DoubledLineEnding,
                Tolerance::BlankLineAfterBoundary,
            ],
        ),
        (
            "missing_crlf_before_boundary",
            2,
            &[Tolerance::MissingLineEnding],
        ),
        (
            "short_content_length_then_junk",
            2,
            &[Tolerance::JunkAfterBody],
        ),
    ];
    for (name, count, expected) in cases {
        let bytes = std::fs::read(dir.join(name)).expect("a seed file");
        let (control, stream) = bytes.split_first().expect("a control byte");
        assert_eq!(*control, 0, "{name}");
        let (frames, end, tolerances) = read("frame", MjpegLimits::DEFAULT, stream, &[7]);
        assert_eq!(end, Ok(()), "{name}");
        assert_eq!(frames.len(), *count, "{name}");
        assert!(
            frames
                .iter()
                .all(|frame| frame.body.starts_with(b"\xff\xd8")),
            "{name}"
        );
        // A short Content-Length cuts the first image before its end marker.
        let whole_images = !expected.contains(&Tolerance::JunkAfterBody);
        assert_eq!(
            frames.iter().all(|frame| frame.body.ends_with(b"\xff\xd9")),
            whole_images,
            "{name}"
        );
        assert_eq!(&tolerances, expected, "{name}");
    }
}
