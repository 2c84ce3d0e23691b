//! Why an MJPEG stream, or its Content-Type, could not be read.

use std::fmt;

/// Where a stream stopped when it ended too early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truncation {
    /// Inside a boundary delimiter line.
    Boundary,
    /// Inside a part's header block.
    Headers,
    /// Inside a part's body.
    Body,
}

impl fmt::Display for Truncation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Boundary => "a boundary line",
            Self::Headers => "part headers",
            Self::Body => "a part body",
        })
    }
}

/// Everything that stops a reader. Offsets count bytes from the first byte the reader was given.
/// A reader that returned an error keeps returning it: a stream is not resynchronised after a
/// framing error, because what follows cannot be trusted to be frames.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MjpegError {
    #[error("the Content-Type {0:?} cannot be parsed")]
    InvalidContentType(String),
    #[error("the Content-Type {0:?} is not multipart/x-mixed-replace")]
    NotMixedReplace(String),
    #[error("the Content-Type {0:?} has no boundary parameter")]
    MissingBoundary(String),
    #[error("invalid boundary: {0}")]
    InvalidBoundary(&'static str),
    #[error("the part headers at byte {offset} exceed {limit} bytes")]
    HeadersTooLarge { offset: u64, limit: usize },
    #[error("the part at byte {offset} has more than {limit} headers")]
    TooManyHeaders { offset: u64, limit: usize },
    #[error("malformed part headers at byte {offset}: {reason}")]
    InvalidHeader { offset: u64, reason: String },
    #[error("the part at byte {offset} has an invalid Content-Length {value:?}")]
    InvalidContentLength { offset: u64, value: String },
    #[error("the part at byte {offset} exceeds the frame limit of {limit} bytes")]
    FrameTooLarge { offset: u64, limit: usize },
    #[error("no boundary in the {limit} bytes from byte {offset}")]
    NoBoundary { offset: u64, limit: usize },
    #[error("the stream ended inside {place}, at byte {offset}")]
    Truncated { place: Truncation, offset: u64 },
}
