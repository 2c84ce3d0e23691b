//! Recognising boundary delimiter lines, strict and tolerant, at the head of a buffer or by
//! searching through a part body.
//!
//! Every answer is either final or `NeedMore`: a decision is taken only when the bytes it depends
//! on are present, so the reader gives the same frames however the stream is cut into chunks.

use memchr::memmem::Finder;

/// The most spaces and tabs accepted between a boundary and its line ending (RFC 2046 calls them
/// transport padding). Bounded so that deciding whether a line is a delimiter needs a bounded
/// number of bytes.
pub(crate) const MAX_PADDING: usize = 32;

/// The longest delimiter line, with the line ending before it, for a boundary of `len` bytes.
pub(crate) const fn max_line_len(len: usize) -> usize {
    2 + 2 + len + MAX_PADDING + 2
}

/// A delimiter line found in the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    /// The line's length from its first byte through its line ending (or through the closing
    /// `--` of a close delimiter).
    pub(crate) len: usize,
    /// Whether the boundary had its leading `--`.
    pub(crate) dashes: bool,
    /// Whether this is the close delimiter, `--boundary--`.
    pub(crate) close: bool,
    /// Whether the line ended in a bare LF.
    pub(crate) lf: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Head {
    Line(Line),
    NeedMore,
    No,
}

/// What stood between a part body and the delimiter line that ended it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Before {
    Crlf,
    Lf,
    /// No line ending: the body ran straight into the boundary.
    Missing,
}

impl Before {
    pub(crate) const fn len(self) -> usize {
        match self {
            Self::Crlf => 2,
            Self::Lf => 1,
            Self::Missing => 0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// A delimiter line starts at `start`, after a body of `start - before.len()` bytes.
    Found {
        start: usize,
        before: Before,
        line: Line,
    },
    /// No delimiter yet; the next search can start at `resume`.
    NeedMore { resume: usize },
}

enum Prefix<'a> {
    Full(&'a [u8]),
    Partial,
    No,
}

fn strip<'a>(buf: &'a [u8], pattern: &[u8]) -> Prefix<'a> {
    match buf.strip_prefix(pattern) {
        Some(rest) => Prefix::Full(rest),
        None if pattern.starts_with(buf) => Prefix::Partial,
        None => Prefix::No,
    }
}

/// Whether `buf` starts with a delimiter line for `boundary`. The standard form `--boundary` is
/// preferred; a bare `boundary` is the tolerant reading, tried only once the standard one is
/// ruled out.
pub(crate) fn line_at(buf: &[u8], boundary: &[u8]) -> Head {
    let dashed = match strip(buf, b"--") {
        Prefix::Full(rest) => strip(rest, boundary),
        other => other,
    };
    match dashed {
        Prefix::Full(rest) => match tail(rest, 2 + boundary.len(), true) {
            Head::No => {}
            decided => return decided,
        },
        Prefix::Partial => return Head::NeedMore,
        Prefix::No => {}
    }
    match strip(buf, boundary) {
        Prefix::Full(rest) => tail(rest, boundary.len(), false),
        Prefix::Partial => Head::NeedMore,
        Prefix::No => Head::No,
    }
}

/// What may follow a boundary that took `head` bytes: `--` (close), or padding and a line
/// ending.
fn tail(rest: &[u8], head: usize, dashes: bool) -> Head {
    match rest {
        [b'-', b'-', ..] => {
            return Head::Line(Line {
                len: head + 2,
                dashes,
                close: true,
                lf: false,
            });
        }
        [b'-'] => return Head::NeedMore,
        _ => {}
    }
    let padding = rest
        .iter()
        .take(MAX_PADDING + 1)
        .take_while(|byte| matches!(byte, b' ' | b'\t'))
        .count();
    if padding > MAX_PADDING {
        return Head::No;
    }
    let (ending, lf) = match rest.get(padding..) {
        Some([b'\r', b'\n', ..]) => (2, false),
        Some([b'\n', ..]) => (1, true),
        Some([] | [b'\r']) | None => return Head::NeedMore,
        Some(_) => return Head::No,
    };
    Head::Line(Line {
        len: head + padding + ending,
        dashes,
        close: false,
        lf,
    })
}

/// Searches `buf[from..]` for the first delimiter line that ends a part body. The standard
/// `--boundary` is accepted after a CRLF, a bare LF or nothing at all (a body that runs straight
/// into the boundary); a bare `boundary` only at the start of a line, since without the dashes
/// or a line ending before it, it is too likely to be part of the body.
pub(crate) fn scan(buf: &[u8], from: usize, boundary: &[u8], finder: &Finder<'_>) -> Scan {
    let mut at = from;
    while let Some(found) = buf.get(at..).and_then(|rest| finder.find(rest)) {
        let candidate = at + found;
        let (start, dashes) = match candidate.checked_sub(2) {
            Some(start) if buf.get(start..candidate) == Some(b"--") => (start, true),
            _ => (candidate, false),
        };
        let before = if start >= 2 && buf.get(start - 2..start) == Some(b"\r\n") {
            Before::Crlf
        } else if start >= 1 && buf.get(start - 1) == Some(&b'\n') {
            Before::Lf
        } else {
            Before::Missing
        };
        let at_line_start = before != Before::Missing || start == 0;
        if dashes || at_line_start {
            match buf.get(start..).map(|rest| line_at(rest, boundary)) {
                Some(Head::Line(line)) if line.dashes == dashes => {
                    return Scan::Found {
                        start,
                        before,
                        line,
                    };
                }
                Some(Head::NeedMore) => return Scan::NeedMore { resume: candidate },
                _ => {}
            }
        }
        at = candidate + 1;
    }
    // A boundary that begins in the last `len - 1` bytes cannot have been found yet.
    let resume = (buf.len() + 1).saturating_sub(boundary.len()).max(from);
    Scan::NeedMore { resume }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(buf: &[u8]) -> Head {
        line_at(buf, b"frame")
    }

    #[test]
    fn heads() {
        let line = |len, dashes, close, lf| {
            Head::Line(Line {
                len,
                dashes,
                close,
                lf,
            })
        };
        assert_eq!(head(b"--frame\r\nX"), line(9, true, false, false));
        assert_eq!(head(b"--frame \t\nX"), line(10, true, false, true));
        assert_eq!(head(b"frame\r\n"), line(7, false, false, false));
        assert_eq!(head(b"--frame--"), line(9, true, true, false));
        assert_eq!(head(b"--fra"), Head::NeedMore);
        assert_eq!(head(b"--frame\r"), Head::NeedMore);
        assert_eq!(head(b"--frame-"), Head::NeedMore);
        assert_eq!(head(b"--framex\r\n"), Head::No);
        assert_eq!(head(b"\xff\xd8"), Head::No);
        let padded = [b"--frame".as_slice(), &[b' '; MAX_PADDING + 1], b"\r\n"].concat();
        assert_eq!(head(&padded), Head::No);
    }

    #[test]
    fn a_boundary_that_itself_starts_with_dashes() {
        assert_eq!(
            line_at(b"--frame\r\n", b"--frame"),
            Head::Line(Line {
                len: 9,
                dashes: false,
                close: false,
                lf: false
            })
        );
        assert!(matches!(
            line_at(b"----frame\r\n", b"--frame"),
            Head::Line(Line { dashes: true, .. })
        ));
    }

    #[test]
    fn scans() {
        let finder = Finder::new(b"frame");
        let found = |buf: &[u8]| scan(buf, 0, b"frame", &finder);
        assert!(matches!(
            found(b"\xff\xd9\r\n--frame\r\n"),
            Scan::Found {
                start: 4,
                before: Before::Crlf,
                ..
            }
        ));
        assert!(matches!(
            found(b"\xff\xd9--frame\n"),
            Scan::Found {
                start: 2,
                before: Before::Missing,
                ..
            }
        ));
        assert!(matches!(
            found(b"\xff\xd9\nframe\r\n"),
            Scan::Found {
                start: 3,
                before: Before::Lf,
                line: Line { dashes: false, .. }
            }
        ));
        // A bare boundary inside a line is body, not a delimiter.
        assert!(matches!(found(b"xxframe\r\n"), Scan::NeedMore { .. }));
        assert_eq!(found(b"abc\r\n--frame"), Scan::NeedMore { resume: 7 });
        assert_eq!(found(b"abcdefgh"), Scan::NeedMore { resume: 4 });
    }
}
