//! The departures from RFC 2046 that the MJPEG reader accepts, counted rather than listed so that
//! a stream of a million frames with the same quirk costs a few bytes, not a million findings.

use crate::Finding;

/// One kind of departure from RFC 2046 framing that the reader recovered from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tolerance {
    /// A line ending was a bare LF instead of CRLF.
    LfLineEnding,
    /// A boundary line was written without its leading `--`.
    BoundaryWithoutDashes,
    /// A boundary line followed a part body with no line ending between them.
    MissingLineEnding,
    /// More than one line ending stood between a part body and the next boundary.
    DoubledLineEnding,
    /// Blank lines stood between a boundary line and the part headers.
    BlankLineAfterBoundary,
    /// Bytes after a part's Content-Length body were not a boundary: the length was short, or
    /// the camera wrote something else between parts.
    JunkAfterBody,
}

impl Tolerance {
    const ALL: [Self; 6] = [
        Self::LfLineEnding,
        Self::BoundaryWithoutDashes,
        Self::MissingLineEnding,
        Self::DoubledLineEnding,
        Self::BlankLineAfterBoundary,
        Self::JunkAfterBody,
    ];

    fn index(self) -> usize {
        self as usize
    }

    fn describe(self) -> &'static str {
        match self {
            Self::LfLineEnding => "a line ending of the multipart framing is a bare LF, not CRLF",
            Self::BoundaryWithoutDashes => "a boundary line lacks its leading \"--\"",
            Self::MissingLineEnding => "a boundary line follows a part body with no CRLF before it",
            Self::DoubledLineEnding => {
                "more than one CRLF stands between a part body and the next boundary"
            }
            Self::BlankLineAfterBoundary => {
                "blank lines stand between a boundary line and the part headers"
            }
            Self::JunkAfterBody => {
                "bytes after a part's Content-Length body are not a boundary (skipped)"
            }
        }
    }
}

/// How often each tolerance was needed, and where first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    seen: [Option<(u64, u64)>; Tolerance::ALL.len()],
}

impl Tally {
    /// Counts one use of `tolerance` at stream byte `offset`.
    pub(crate) fn note(&mut self, tolerance: Tolerance, offset: u64) {
        if let Some(slot) = self.seen.get_mut(tolerance.index()) {
            *slot = match *slot {
                None => Some((1, offset)),
                Some((count, first)) => Some((count.saturating_add(1), first)),
            };
        }
    }

    /// Each tolerance needed so far, with how many times.
    pub(crate) fn counts(&self) -> impl Iterator<Item = (Tolerance, u64)> + '_ {
        Tolerance::ALL
            .into_iter()
            .zip(self.seen.iter())
            .filter_map(|(tolerance, seen)| seen.map(|(count, _)| (tolerance, count)))
    }

    /// One finding per tolerance needed. The manual says nothing about the framing; erratum
    /// `mjpeg-framing` rules each of these non-strict.
    pub(crate) fn findings(&self) -> Vec<Finding> {
        Tolerance::ALL
            .into_iter()
            .zip(self.seen.iter())
            .filter_map(|(tolerance, seen)| {
                seen.map(|(count, first)| {
                    Finding::new(
                        Some("mjpeg-framing"),
                        format!(
                            "multipart/x-mixed-replace: {} ({count} time{}, first at byte {first})",
                            tolerance.describe(),
                            if count == 1 { "" } else { "s" },
                        ),
                    )
                })
            })
            .collect()
    }
}
