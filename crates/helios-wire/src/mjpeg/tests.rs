//! Hand-written streams: what cameras send, each tolerance, each limit.

use super::*;

const JPEG_A: &[u8] = b"\xff\xd8\xff\xe0AAAA\xff\xd9";
const JPEG_B: &[u8] = b"\xff\xd8\xff\xc4BB\r\nBB\xff\xd9";

struct Outcome {
    frames: Vec<Frame>,
    end: Result<(), MjpegError>,
    tolerances: Vec<Tolerance>,
}

/// Reads `stream` one byte at a time, the harshest chunking, and at once; both must agree.
fn read(boundary: &str, limits: MjpegLimits, stream: &[u8]) -> Outcome {
    let whole = read_chunked(boundary, limits, stream, stream.len().max(1));
    let bytewise = read_chunked(boundary, limits, stream, 1);
    assert_eq!(whole.frames, bytewise.frames);
    assert_eq!(whole.end, bytewise.end);
    assert_eq!(whole.tolerances, bytewise.tolerances);
    whole
}

fn read_chunked(boundary: &str, limits: MjpegLimits, stream: &[u8], chunk: usize) -> Outcome {
    let mut reader = MjpegReader::with_limits(boundary, limits).expect("a valid boundary");
    let mut frames = Vec::new();
    let mut end = Ok(());
    for piece in stream.chunks(chunk) {
        match reader.push(piece) {
            Ok(more) => frames.extend(more),
            Err(error) => {
                end = Err(error);
                break;
            }
        }
    }
    if end.is_ok() {
        end = reader.finish();
    }
    let tolerances = reader
        .tolerances()
        .map(|(tolerance, _)| tolerance)
        .collect();
    Outcome {
        frames,
        end,
        tolerances,
    }
}

fn bodies(outcome: &Outcome) -> Vec<&[u8]> {
    outcome
        .frames
        .iter()
        .map(|frame| frame.body.as_ref())
        .collect()
}

#[test]
fn the_writer_s_stream_reads_back_without_findings() {
    let boundary = Boundary::new("frame").expect("a valid boundary");
    let mut stream = write_part(&boundary, &mime::IMAGE_JPEG, JPEG_A);
    stream.extend(write_part(&boundary, &mime::IMAGE_JPEG, JPEG_B));
    stream.extend(write_close(&boundary));
    let outcome = read("frame", MjpegLimits::DEFAULT, &stream);
    assert_eq!(bodies(&outcome), [JPEG_A, JPEG_B]);
    assert_eq!(outcome.end, Ok(()));
    assert!(outcome.tolerances.is_empty());
    let first = &outcome.frames[0];
    assert_eq!(first.content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(first.content_length, Some(JPEG_A.len()));
    assert_eq!(first.offset, 57);
}

/// Parts without Content-Length, in the shape of each camera quirk, and the tolerance each needs.
#[test]
fn tolerant_streams_give_the_same_bodies_and_say_why() {
    let cases: &[(&str, &[u8], &[Tolerance])] = &[
        (
            "strict, without Content-Length",
            b"--frame\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0AAAA\xff\xd9\r\n--frame\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xc4BB\r\nBB\xff\xd9\r\n--frame--\r\n",
            &[],
        ),
        (
            "LF only",
            b"--frame\nContent-Type: image/jpeg\n\n\xff\xd8\xff\xe0AAAA\xff\xd9\n--frame\nContent-Type: image/jpeg\n\n\xff\xd8\xff\xc4BB\r\nBB\xff\xd9\n--frame--\n",
            &[Tolerance::LfLineEnding],
        ),
        (
            "missing CRLF before the boundary",
            b"--frame\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0AAAA\xff\xd9--frame\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xc4BB\r\nBB\xff\xd9--frame--",
            &[Tolerance::MissingLineEnding],
        ),
        (
            "doubled CRLF before the boundary",
            b"--frame\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0AAAA\xff\xd9\r\n\r\n--frame\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xc4BB\r\nBB\xff\xd9\r\n\r\n--frame--\r\n",
            &[Tolerance::DoubledLineEnding],
        ),
        (
            "doubled CRLF after the boundary",
            b"--frame\r\n\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0AAAA\xff\xd9\r\n--frame\r\n\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xc4BB\r\nBB\xff\xd9\r\n--frame--\r\n",
            &[Tolerance::BlankLineAfterBoundary],
        ),
        (
            "boundary without its dashes",
            b"frame\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0AAAA\xff\xd9\r\nframe\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xc4BB\r\nBB\xff\xd9\r\nframe--\r\n",
            &[Tolerance::BoundaryWithoutDashes],
        ),
    ];
    for (name, stream, expected) in cases {
        let outcome = read("frame", MjpegLimits::DEFAULT, stream);
        assert_eq!(bodies(&outcome), [JPEG_A, JPEG_B], "{name}");
        assert_eq!(outcome.end, Ok(()), "{name}");
        assert_eq!(&outcome.tolerances, expected, "{name}");
    }
}

#[test]
fn a_boundary_parameter_that_carries_the_dashes() {
    // Content-Type: multipart/x-mixed-replace;boundary=--myboundary, then "--myboundary" lines.
    let stream = b"--myboundary\r\nContent-Type: image/jpeg\r\nContent-Length: 10\r\n\r\n\xff\xd8\xff\xe0AAAA\xff\xd9\r\n";
    let outcome = read("--myboundary", MjpegLimits::DEFAULT, stream);
    assert_eq!(bodies(&outcome), [JPEG_A]);
    assert_eq!(outcome.tolerances, [Tolerance::BoundaryWithoutDashes]);
}

#[test]
fn content_length_tolerances() {
    let doubled = b"--frame\r\nContent-Length: 10\r\n\r\n\xff\xd8\xff\xe0AAAA\xff\xd9\r\n\r\n--frame\r\nContent-Length: 10\r\n\r\n\xff\xd8\xff\xe0AAAA\xff\xd9--frame--";
    let outcome = read("frame", MjpegLimits::DEFAULT, doubled);
    assert_eq!(bodies(&outcome), [JPEG_A, JPEG_A]);
    assert_eq!(
        outcome.tolerances,
        [Tolerance::MissingLineEnding, Tolerance::DoubledLineEnding]
    );

    // A Content-Length that is one short leaves a byte that is not a boundary.
    let short = b"--frame\r\nContent-Length: 9\r\n\r\n\xff\xd8\xff\xe0AAAA\xff\xd9\r\n--frame\r\nContent-Length: 10\r\n\r\n\xff\xd8\xff\xe0AAAA\xff\xd9\r\n";
    let outcome = read("frame", MjpegLimits::DEFAULT, short);
    assert_eq!(bodies(&outcome), [&JPEG_A[..9], JPEG_A]);
    assert_eq!(outcome.tolerances, [Tolerance::JunkAfterBody]);
}

#[test]
fn a_preamble_is_skipped_without_a_finding() {
    let stream =
        b"HTTP junk\r\n--frame\r\nContent-Length: 10\r\n\r\n\xff\xd8\xff\xe0AAAA\xff\xd9\r\n";
    let outcome = read("frame", MjpegLimits::DEFAULT, stream);
    assert_eq!(bodies(&outcome), [JPEG_A]);
    assert!(outcome.tolerances.is_empty());
}

#[test]
fn where_a_stream_may_end() {
    let ends = |stream: &[u8]| read("frame", MjpegLimits::DEFAULT, stream).end;
    assert_eq!(ends(b""), Ok(()));
    assert_eq!(ends(b"--frame\r\nContent-Length: 2\r\n\r\nab\r\n"), Ok(()));
    assert!(matches!(
        ends(b"--frame\r\nContent-Length: 2\r\n\r\na"),
        Err(MjpegError::Truncated {
            place: Truncation::Body,
            ..
        })
    ));
    assert!(matches!(
        ends(b"--frame\r\nContent-Len"),
        Err(MjpegError::Truncated {
            place: Truncation::Headers,
            ..
        })
    ));
    assert!(matches!(
        ends(b"--frame\r\nContent-Length: 2\r\n\r\nab\r\n--fr"),
        Err(MjpegError::Truncated {
            place: Truncation::Boundary,
            ..
        })
    ));
    // What camera/snapshot sends when its parameters are wrong: JSON, no boundary at all.
    assert!(matches!(
        ends(br#"{ "success" : false, "error" : { "code" : 12 } }"#),
        Err(MjpegError::NoBoundary { offset: 0, .. })
    ));
}

#[test]
fn limits_are_errors_not_buffers() {
    let small = MjpegLimits {
        max_frame_bytes: 16,
        max_header_bytes: 64,
    };
    let declared = b"--frame\r\nContent-Length: 17\r\n\r\n";
    assert!(matches!(
        read("frame", small, declared).end,
        Err(MjpegError::FrameTooLarge { limit: 16, .. })
    ));
    let mut undeclared = b"--frame\r\n\r\n".to_vec();
    undeclared.extend([0xAA; 200]);
    assert!(matches!(
        read("frame", small, &undeclared).end,
        Err(MjpegError::FrameTooLarge { limit: 16, .. })
    ));
    // Exactly at the limit is fine, announced or not.
    let at_limit = b"--frame\r\n\r\n0123456789abcdef\r\n--frame--";
    assert_eq!(read("frame", small, at_limit).frames.len(), 1);
    let mut headers = b"--frame\r\nX-Long: ".to_vec();
    headers.extend([b'h'; 100]);
    assert!(matches!(
        read("frame", small, &headers).end,
        Err(MjpegError::HeadersTooLarge { limit: 64, .. })
    ));
    let mut junk = vec![b'j'; 200];
    junk.extend(b"\r\n--frame\r\n");
    assert!(matches!(
        read("frame", small, &junk).end,
        Err(MjpegError::NoBoundary { limit: 16, .. })
    ));
}

#[test]
fn malformed_headers_are_errors() {
    let cases: &[&[u8]] = &[
        b"--frame\r\n\xff\xd8\xff\xd9\r\n\r\n",
        b"--frame\r\nContent-Length: ten\r\n\r\n",
        b"--frame\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    ];
    for stream in cases {
        let end = read("frame", MjpegLimits::DEFAULT, stream).end;
        assert!(
            matches!(
                end,
                Err(MjpegError::InvalidHeader { .. } | MjpegError::InvalidContentLength { .. })
            ),
            "{end:?}"
        );
    }
    let mut many = b"--frame\r\n".to_vec();
    for n in 0..40 {
        many.extend(format!("X-{n}: y\r\n").bytes());
    }
    assert!(matches!(
        read("frame", MjpegLimits::DEFAULT, &many).end,
        Err(MjpegError::TooManyHeaders { .. })
    ));
}

#[test]
fn an_error_does_not_swallow_the_frames_before_it() {
    let stream = b"--frame\r\nContent-Length: 2\r\n\r\nab\r\n--frame\r\nContent-Length: x\r\n\r\n";
    let mut reader = MjpegReader::new("frame").expect("a valid boundary");
    let frames = reader.push(stream).expect("the frame before the error");
    assert_eq!(frames.len(), 1);
    assert!(matches!(
        reader.push(b""),
        Err(MjpegError::InvalidContentLength { .. })
    ));
    assert!(reader.finish().is_err());
}

#[test]
fn findings_are_counted_not_repeated() {
    let part = b"--frame\nContent-Length: 2\n\nab\n";
    let stream = part.repeat(50);
    let mut reader = MjpegReader::new("frame").expect("a valid boundary");
    assert_eq!(reader.push(&stream).map(|frames| frames.len()), Ok(50));
    let findings = reader.findings();
    assert_eq!(findings.len(), 1);
    assert!(findings[0].message.contains("(100 times, first at byte 0)"));
    assert_eq!(findings[0].erratum, Some("mjpeg-framing"));
}
