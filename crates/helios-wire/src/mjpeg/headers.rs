//! A part's header block: parsed with `httparse`, which also takes bare-LF line endings, after
//! the tolerant skip of blank lines that some cameras put after the boundary.

use super::MjpegError;

/// The most headers one part may have; cameras send two or three.
pub(crate) const MAX_HEADERS: usize = 32;

/// A parsed header block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Block {
    /// Bytes taken from the buffer: skipped blank lines, headers and the blank line after them.
    pub(crate) consumed: usize,
    pub(crate) headers: Vec<(String, String)>,
    /// Blank lines skipped before the headers.
    pub(crate) skipped_blank_lines: bool,
    /// Whether any line ending was a bare LF.
    pub(crate) lf: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Block(Block),
    NeedMore,
    Invalid(String),
    TooMany,
}

/// Counts the blank lines at the start of `window`; `None` when it ends on a lone CR that may yet
/// be a CRLF.
fn leading_blank_lines(window: &[u8]) -> Option<(usize, usize)> {
    let (mut lines, mut at) = (0, 0);
    loop {
        match window.get(at..) {
            Some([b'\r', b'\n', ..]) => at += 2,
            Some([b'\n', ..]) => at += 1,
            Some([b'\r']) => return None,
            _ => return Some((lines, at)),
        }
        lines += 1;
    }
}

/// Parses the header block at the start of `window`, which holds all the bytes the limit allows
/// (or all there are). A part normally has headers and then a blank line; when blank lines come
/// first and real headers follow them, the blank lines are a camera's stray line endings and are
/// skipped. Otherwise the first blank line ends an empty header block, as RFC 2046 allows.
pub(crate) fn parse(window: &[u8]) -> Step {
    let Some((blank_lines, blank_len)) = leading_blank_lines(window) else {
        return Step::NeedMore;
    };
    if blank_lines == 0 {
        return headers_at(window, 0, false);
    }
    match headers_at(window, blank_len, true) {
        Step::Block(block) if !block.headers.is_empty() => Step::Block(block),
        Step::NeedMore => Step::NeedMore,
        Step::TooMany => Step::TooMany,
        // Whatever follows is not headers: the first blank line ended an empty block.
        Step::Block(_) | Step::Invalid(_) => {
            let first = if window.starts_with(b"\r\n") { 2 } else { 1 };
            Step::Block(Block {
                consumed: first,
                headers: Vec::new(),
                skipped_blank_lines: false,
                lf: first == 1,
            })
        }
    }
}

fn headers_at(window: &[u8], start: usize, skipped_blank_lines: bool) -> Step {
    let Some(rest) = window.get(start..) else {
        return Step::NeedMore;
    };
    let mut storage = [httparse::EMPTY_HEADER; MAX_HEADERS];
    match httparse::parse_headers(rest, &mut storage) {
        Ok(httparse::Status::Complete((len, parsed))) => {
            let block = window.get(..start + len).unwrap_or_default();
            Step::Block(Block {
                consumed: start + len,
                headers: parsed
                    .iter()
                    .map(|header| {
                        (
                            header.name.to_owned(),
                            String::from_utf8_lossy(header.value).trim().to_owned(),
                        )
                    })
                    .collect(),
                skipped_blank_lines,
                lf: has_bare_lf(block),
            })
        }
        Ok(httparse::Status::Partial) => Step::NeedMore,
        Err(httparse::Error::TooManyHeaders) => Step::TooMany,
        Err(error) => Step::Invalid(error.to_string()),
    }
}

fn has_bare_lf(block: &[u8]) -> bool {
    memchr::memchr_iter(b'\n', block).any(|at| at == 0 || block.get(at - 1) != Some(&b'\r'))
}

/// The declared length of a part: the one `Content-Length`, or several that agree.
pub(crate) fn content_length(
    headers: &[(String, String)],
    offset: u64,
    max_frame_bytes: usize,
) -> Result<Option<usize>, MjpegError> {
    let mut length = None;
    for (_, value) in headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"))
    {
        let invalid = || MjpegError::InvalidContentLength {
            offset,
            value: value.clone(),
        };
        if value.is_empty() || !value.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(invalid());
        }
        // Too many digits for a usize is as much "too large" as any other oversized part.
        let parsed = value.parse::<usize>().unwrap_or(usize::MAX);
        if parsed > max_frame_bytes {
            return Err(MjpegError::FrameTooLarge {
                offset,
                limit: max_frame_bytes,
            });
        }
        match length {
            Some(earlier) if earlier != parsed => return Err(invalid()),
            _ => length = Some(parsed),
        }
    }
    Ok(length)
}

/// The first `Content-Type` of a part.
pub(crate) fn content_type(headers: &[(String, String)]) -> Option<String> {
    headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.clone())
}
