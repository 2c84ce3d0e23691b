//! Taking the boundary out of a `multipart/x-mixed-replace` Content-Type, and deciding which
//! boundaries a reader can work with.

use helios_spec::MediaType;
use mime::Mime;

use super::MjpegError;

/// The longest boundary a reader accepts. RFC 2046 allows 70 characters; readers take more
/// because cameras are not always careful, but not without end, so that a boundary search
/// keeps a small window.
pub const MAX_BOUNDARY_LEN: usize = 256;

/// The boundary of a `multipart/x-mixed-replace` Content-Type, unquoted.
///
/// The `mime` crate does the parsing (quoted parameters included); `multer::parse_boundary` is
/// not used because it rejects every type but `multipart/form-data`.
pub fn boundary_from_content_type(content_type: &str) -> Result<String, MjpegError> {
    let mime: Mime = content_type
        .trim()
        .parse()
        .map_err(|_| MjpegError::InvalidContentType(content_type.to_owned()))?;
    if !mime
        .essence_str()
        .eq_ignore_ascii_case(MediaType::MixedReplace.mime())
    {
        return Err(MjpegError::NotMixedReplace(content_type.to_owned()));
    }
    let boundary = mime
        .get_param(mime::BOUNDARY)
        .ok_or_else(|| MjpegError::MissingBoundary(content_type.to_owned()))?;
    check_for_reading(boundary.as_str())?;
    Ok(boundary.as_str().to_owned())
}

/// Whether a reader can look for `boundary`: lenient, because the boundary comes from a device.
pub(crate) fn check_for_reading(boundary: &str) -> Result<(), MjpegError> {
    if boundary.is_empty() {
        return Err(MjpegError::InvalidBoundary("the boundary is empty"));
    }
    if boundary.len() > MAX_BOUNDARY_LEN {
        return Err(MjpegError::InvalidBoundary(
            "the boundary is longer than 256 bytes",
        ));
    }
    if boundary.bytes().any(|byte| byte == b'\r' || byte == b'\n') {
        return Err(MjpegError::InvalidBoundary(
            "the boundary contains a line break",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_quoted_and_dashed_boundaries() {
        assert_eq!(
            boundary_from_content_type("multipart/x-mixed-replace; boundary=frame").as_deref(),
            Ok("frame")
        );
        assert_eq!(
            boundary_from_content_type("multipart/x-mixed-replace;boundary=\"a b:c\"").as_deref(),
            Ok("a b:c")
        );
        assert_eq!(
            boundary_from_content_type("Multipart/X-Mixed-Replace; boundary=--myboundary")
                .as_deref(),
            Ok("--myboundary")
        );
    }

    #[test]
    fn other_types_and_missing_boundaries_are_errors() {
        assert!(matches!(
            boundary_from_content_type("multipart/form-data; boundary=x"),
            Err(MjpegError::NotMixedReplace(_))
        ));
        assert!(matches!(
            boundary_from_content_type("multipart/x-mixed-replace"),
            Err(MjpegError::MissingBoundary(_))
        ));
        assert!(matches!(
            boundary_from_content_type("not a type"),
            Err(MjpegError::InvalidContentType(_))
        ));
        let long = format!("multipart/x-mixed-replace; boundary={}", "b".repeat(300));
        assert!(matches!(
            boundary_from_content_type(&long),
            Err(MjpegError::InvalidBoundary(_))
        ));
    }
}
