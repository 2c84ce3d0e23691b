//! Writing the stream the way the reference intercom sends it: strict RFC 2046 framing, every
//! part with its Content-Length, so that a reader can hand out each frame as soon as it arrives.

use std::fmt;

use helios_spec::MediaType;
use mime::Mime;

use super::MjpegError;

/// A boundary fit for writing: 1 to 70 characters of RFC 2046's `bchars`, not ending in a space.
/// Readers accept more (see [`MAX_BOUNDARY_LEN`](super::MAX_BOUNDARY_LEN)); a writer should not
/// need the leniency.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Boundary(String);

impl Boundary {
    pub fn new(boundary: impl Into<String>) -> Result<Self, MjpegError> {
        let boundary = boundary.into();
        if boundary.is_empty() || boundary.len() > 70 {
            return Err(MjpegError::InvalidBoundary(
                "a boundary has 1 to 70 characters",
            ));
        }
        if !boundary.bytes().all(is_bchar) {
            return Err(MjpegError::InvalidBoundary(
                "a boundary has only letters, digits and '()+_,-./:=? characters",
            ));
        }
        if boundary.ends_with(' ') {
            return Err(MjpegError::InvalidBoundary(
                "a boundary does not end with a space",
            ));
        }
        Ok(Self(boundary))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The reply's Content-Type: `multipart/x-mixed-replace;boundary=...`, quoted when the
    /// boundary has characters that a bare parameter value may not.
    pub fn content_type(&self) -> String {
        let essence = MediaType::MixedReplace.mime();
        if self.0.bytes().all(is_token) {
            format!("{essence};boundary={}", self.0)
        } else {
            format!("{essence};boundary=\"{}\"", self.0)
        }
    }
}

impl fmt::Display for Boundary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// RFC 2046 `bchars`.
fn is_bchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&byte)
}

/// RFC 7230 `tchar`, for deciding whether a parameter value needs quotes.
fn is_token(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// One part: the delimiter line, `Content-Type` and `Content-Length`, a blank line, the body and
/// the CRLF that ends it. Each part is whole by itself, so a server can write it as soon as the
/// frame is ready; the delimiter's leading CRLF is written after the body rather than before the
/// next part so that no frame waits on the next one to be delimited.
pub fn write_part(boundary: &Boundary, content_type: &Mime, body: &[u8]) -> Vec<u8> {
    let head = format!(
        "--{boundary}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut part = Vec::with_capacity(head.len() + body.len() + 2);
    part.extend_from_slice(head.as_bytes());
    part.extend_from_slice(body);
    part.extend_from_slice(b"\r\n");
    part
}

/// The close delimiter, for a stream that ends on purpose.
pub fn write_close(boundary: &Boundary) -> Vec<u8> {
    format!("--{boundary}--\r\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mjpeg::boundary_from_content_type;

    #[test]
    fn boundaries_round_trip_through_the_content_type() {
        for text in ["frame", "a b:c", "--myboundary", "x'(+_,-./:=?)"] {
            let boundary = Boundary::new(text).expect("a valid boundary");
            assert_eq!(
                boundary_from_content_type(&boundary.content_type()).as_deref(),
                Ok(text),
                "{}",
                boundary.content_type()
            );
        }
    }

    #[test]
    fn invalid_boundaries() {
        for text in ["", "trailing ", "new\r\nline", "quote\"", &"b".repeat(71)] {
            assert!(Boundary::new(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn a_part_is_framed_strictly() {
        let boundary = Boundary::new("frame").expect("a valid boundary");
        assert_eq!(
            write_part(&boundary, &mime::IMAGE_JPEG, b"\xff\xd8\xff\xd9"),
            b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: 4\r\n\r\n\xff\xd8\xff\xd9\r\n"
        );
        assert_eq!(write_close(&boundary), b"--frame--\r\n");
    }
}
