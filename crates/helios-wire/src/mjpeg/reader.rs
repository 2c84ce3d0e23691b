//! The push decoder: bytes go in as they arrive, frames come out as soon as they are whole.
//!
//! Each step decides only on bytes it holds and waits otherwise, so after every push the reader
//! has gone as far as those bytes allow. That makes the output independent of how the stream was
//! cut into chunks (the fuzz target checks it), and leaves `finish` nothing to do but judge where
//! the stream stopped.

use bytes::BytesMut;
use memchr::memmem::Finder;

use super::delimiter;
use super::tolerance::{Tally, Tolerance};
use super::{Frame, MjpegError, MjpegLimits, Truncation, boundary};
use crate::Finding;

/// A part whose headers are read and whose body is being collected.
#[derive(Clone, Debug)]
pub(super) struct Part {
    pub(super) headers: Vec<(String, String)>,
    pub(super) content_type: Option<String>,
    pub(super) content_length: Option<usize>,
}

#[derive(Clone, Debug)]
pub(super) enum State {
    /// Expecting line endings and then a delimiter line: at the start of the stream, or after a
    /// part cut by its Content-Length (`after_body`).
    Between {
        after_body: bool,
        endings: u32,
        lf: bool,
    },
    /// Skipping bytes that are not a delimiter, up to the next one.
    Junk {
        resume: usize,
    },
    Headers,
    Body {
        part: Part,
        resume: usize,
    },
    /// After the close delimiter: everything is ignored.
    Epilogue,
    Failed(MjpegError),
}

pub(super) enum Progress {
    Frame(Frame),
    Moved,
    Wait,
}

/// An incremental reader of a `multipart/x-mixed-replace` stream.
///
/// ```
/// use helios_wire::mjpeg::{Boundary, MjpegReader, write_part};
///
/// let boundary = Boundary::new("frame").expect("a valid boundary");
/// let stream = write_part(&boundary, &mime::IMAGE_JPEG, b"\xff\xd8\xff\xd9");
/// let mut reader = MjpegReader::new(boundary.as_str()).expect("a valid boundary");
/// let (head, tail) = stream.split_at(10);
/// assert!(reader.push(head).expect("no error").is_empty());
/// let frames = reader.push(tail).expect("no error");
/// assert_eq!(frames[0].body.as_ref(), b"\xff\xd8\xff\xd9");
/// assert!(reader.findings().is_empty());
/// ```
#[derive(Debug)]
pub struct MjpegReader {
    pub(super) boundary: Vec<u8>,
    pub(super) finder: Finder<'static>,
    pub(super) limits: MjpegLimits,
    /// The most bytes a search for the boundary may hold: a frame and a delimiter line.
    pub(super) scan_limit: usize,
    /// The most bytes the buffer ever holds; one more than any step needs to decide.
    pub(super) capacity: usize,
    pub(super) buf: BytesMut,
    /// The stream offset of the first byte of `buf`.
    pub(super) offset: u64,
    pub(super) state: State,
    pub(super) tally: Tally,
}

impl MjpegReader {
    /// A reader for `boundary`, as sent in the Content-Type (see
    /// [`boundary_from_content_type`](super::boundary_from_content_type)), with default limits.
    pub fn new(boundary: &str) -> Result<Self, MjpegError> {
        Self::with_limits(boundary, MjpegLimits::DEFAULT)
    }

    pub fn with_limits(boundary: &str, limits: MjpegLimits) -> Result<Self, MjpegError> {
        boundary::check_for_reading(boundary)?;
        let boundary = boundary.as_bytes().to_vec();
        let scan_limit = limits
            .max_frame_bytes
            .saturating_add(delimiter::max_line_len(boundary.len()));
        Ok(Self {
            finder: Finder::new(&boundary).into_owned(),
            boundary,
            limits,
            scan_limit,
            capacity: scan_limit.max(limits.max_header_bytes).saturating_add(1),
            buf: BytesMut::new(),
            offset: 0,
            state: State::Between {
                after_body: false,
                endings: 0,
                lf: false,
            },
            tally: Tally::default(),
        })
    }

    /// Feeds the next bytes of the stream and returns the frames they complete, in order.
    ///
    /// An error never swallows a frame: when a push completes frames and then meets an error, it
    /// returns the frames, and the error comes from the next call to `push` or `finish`. After an
    /// error the reader returns that error for good.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<Frame>, MjpegError> {
        if let State::Failed(error) = &self.state {
            return Err(error.clone());
        }
        let mut frames = Vec::new();
        let mut rest = data;
        loop {
            // The buffer never grows past its capacity: a huge push is taken in pieces, each
            // decided before the next comes in.
            let room = self.capacity.saturating_sub(self.buf.len());
            let (now, later) = rest.split_at(room.min(rest.len()));
            self.buf.extend_from_slice(now);
            rest = later;
            let outcome = match self.drive(&mut frames) {
                Ok(()) if !rest.is_empty() && now.is_empty() => {
                    // No step waits on a full buffer; this guards the invariant rather than
                    // trusting it.
                    Err(MjpegError::FrameTooLarge {
                        offset: self.offset,
                        limit: self.limits.max_frame_bytes,
                    })
                }
                other => other,
            };
            if let Err(error) = outcome {
                self.state = State::Failed(error.clone());
                return if frames.is_empty() {
                    Err(error)
                } else {
                    Ok(frames)
                };
            }
            if rest.is_empty() {
                return Ok(frames);
            }
        }
    }

    /// Judges the end of the stream: fine after a whole part, the close delimiter or nothing at
    /// all; an error inside a part, a boundary line, or a stream that never had a boundary.
    pub fn finish(&self) -> Result<(), MjpegError> {
        let place = match &self.state {
            State::Failed(error) => return Err(error.clone()),
            State::Epilogue => return Ok(()),
            State::Between { .. } if matches!(self.buf.as_ref(), [] | [b'\r']) => return Ok(()),
            State::Between { .. } => Truncation::Boundary,
            State::Junk { .. } => {
                return Err(MjpegError::NoBoundary {
                    offset: self.offset,
                    limit: self.buf.len(),
                });
            }
            State::Headers => Truncation::Headers,
            State::Body { .. } => Truncation::Body,
        };
        Err(MjpegError::Truncated {
            place,
            offset: self.offset,
        })
    }

    /// One finding for each tolerance the stream needed so far.
    pub fn findings(&self) -> Vec<Finding> {
        self.tally.findings()
    }

    /// Each tolerance the stream needed so far, with how many times.
    pub fn tolerances(&self) -> impl Iterator<Item = (Tolerance, u64)> + '_ {
        self.tally.counts()
    }

    fn drive(&mut self, frames: &mut Vec<Frame>) -> Result<(), MjpegError> {
        loop {
            match self.step()? {
                Progress::Frame(frame) => frames.push(frame),
                Progress::Moved => {}
                Progress::Wait => return Ok(()),
            }
        }
    }
}
