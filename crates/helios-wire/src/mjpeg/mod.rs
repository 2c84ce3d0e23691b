//! The MJPEG push of `camera/snapshot` with `fps >= 1`: a `multipart/x-mixed-replace` stream,
//! read incrementally and tolerantly ([`MjpegReader`]) and written strictly ([`write_part`]).
//!
//! The reader is hand-written on `httparse` (part headers) and `memchr` (boundary search) rather
//! than taken from a crate: multer, which axum uses for form uploads, takes the boundary only from
//! a `multipart/form-data` Content-Type and is built around form fields, and `multipart-stream`,
//! the one purpose-built crate, is stale and pulls in `http` 0.2. A push decoder of our own also
//! lets us record each departure a camera makes as a [`Finding`](crate::Finding) instead of
//! failing or hiding it.
//!
//! What the reader accepts, beyond RFC 2046 (each recorded as a [`Tolerance`]): line endings that
//! are a bare LF; a boundary written without its leading `--`; a missing or doubled line ending
//! before a boundary; blank lines between a boundary and the part headers; bytes after a part's
//! Content-Length body that are not a boundary. Parts with a Content-Length are cut by it, so a
//! frame comes out as soon as its last byte arrives; parts without one end at the next boundary.
//!
//! Memory is bounded by [`MjpegLimits`]: the reader never holds more than about one frame plus
//! one header block, and says so with an error when a stream needs more.

mod boundary;
mod delimiter;
mod error;
mod headers;
mod reader;
mod steps;
mod tolerance;
mod writer;

#[cfg(test)]
mod tests;

pub use boundary::{MAX_BOUNDARY_LEN, boundary_from_content_type};
pub use error::{MjpegError, Truncation};
pub use reader::MjpegReader;
pub use tolerance::Tolerance;
pub use writer::{Boundary, write_close, write_part};

use bytes::Bytes;

/// One part of the stream: a JPEG frame, on a camera.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Every part header in the order sent; values that are not UTF-8 are decoded lossily.
    pub headers: Vec<(String, String)>,
    /// The part's `Content-Type`, if it has one.
    pub content_type: Option<String>,
    /// The part's `Content-Length`, if it has one; the body then has exactly this many bytes.
    pub content_length: Option<usize>,
    /// The part's bytes.
    pub body: Bytes,
    /// Where the body starts in the stream, counted in bytes from the reader's first byte.
    pub offset: u64,
}

/// How much a reader may hold. The defaults fit a 4096 x 4096 JPEG (the largest resolution the
/// spec's `width` and `height` domains allow) with room to spare, and part headers a hundred
/// times larger than what cameras send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MjpegLimits {
    /// The largest part body; larger parts are an error, announced or not.
    pub max_frame_bytes: usize,
    /// The largest part header block, blank line included.
    pub max_header_bytes: usize,
}

impl MjpegLimits {
    pub const DEFAULT: Self = Self {
        max_frame_bytes: 8 << 20,
        max_header_bytes: 8 << 10,
    };
}

impl Default for MjpegLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
