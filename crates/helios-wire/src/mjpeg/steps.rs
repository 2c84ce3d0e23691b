//! The steps of the MJPEG reader's state machine, one method per state: each decides on the
//! bytes it holds, or waits for more.

use bytes::Buf;

use super::delimiter::{self, Before, Head, Line, Scan};
use super::headers::{self, MAX_HEADERS, Step};
use super::reader::{MjpegReader, Part, Progress, State};
use super::tolerance::Tolerance;
use super::{Frame, MjpegError};

impl MjpegReader {
    fn advance(&mut self, len: usize) {
        let len = len.min(self.buf.len());
        self.buf.advance(len);
        self.offset = self.offset.saturating_add(len as u64);
    }

    fn note(&mut self, tolerance: Tolerance, offset: u64) {
        self.tally.note(tolerance, offset);
    }

    /// Notes what a delimiter line needed; `lf_before` tells whether the line ending before it
    /// was a bare LF, so that one line counts once however many of its endings were bare.
    fn note_line(&mut self, line: Line, offset: u64, lf_before: bool) {
        if !line.dashes {
            self.note(Tolerance::BoundaryWithoutDashes, offset);
        }
        if line.lf || lf_before {
            self.note(Tolerance::LfLineEnding, offset);
        }
    }

    /// Leaves a delimiter line: to the next part's headers, or to the epilogue.
    fn past_line(&mut self, line: Line) -> State {
        self.advance(line.len);
        if line.close {
            State::Epilogue
        } else {
            State::Headers
        }
    }

    pub(super) fn step(&mut self) -> Result<Progress, MjpegError> {
        let state = std::mem::replace(&mut self.state, State::Epilogue);
        let (state, progress) = match state {
            State::Between {
                after_body,
                endings,
                lf,
            } => self.between(after_body, endings, lf),
            State::Junk { resume } => self.junk(resume)?,
            State::Headers => self.headers()?,
            State::Body { part, resume } => self.body(part, resume)?,
            State::Epilogue => {
                self.advance(self.buf.len());
                (State::Epilogue, Progress::Wait)
            }
            State::Failed(error) => return Err(error),
        };
        self.state = state;
        Ok(progress)
    }

    fn between(&mut self, after_body: bool, mut endings: u32, mut lf: bool) -> (State, Progress) {
        // Line endings before a delimiter are consumed as they come: whatever follows, they
        // are framing, so holding on to them would only cost memory.
        loop {
            match self.buf.as_ref() {
                [b'\r', b'\n', ..] => self.advance(2),
                [b'\n', ..] => {
                    self.advance(1);
                    lf = true;
                }
                _ => break,
            }
            endings = endings.saturating_add(1);
        }
        let wait = State::Between {
            after_body,
            endings,
            lf,
        };
        if self.buf.as_ref() == b"\r" {
            return (wait, Progress::Wait);
        }
        match delimiter::line_at(&self.buf, &self.boundary) {
            Head::NeedMore => (wait, Progress::Wait),
            Head::Line(line) => {
                let at = self.offset;
                if after_body && endings == 0 {
                    self.note(Tolerance::MissingLineEnding, at);
                }
                if after_body && endings > 1 {
                    self.note(Tolerance::DoubledLineEnding, at);
                }
                self.note_line(line, at, lf);
                (self.past_line(line), Progress::Moved)
            }
            Head::No => {
                // Bytes before the first boundary are a preamble, which RFC 2046 allows; after
                // a part they mean its Content-Length was wrong.
                if after_body {
                    self.note(Tolerance::JunkAfterBody, self.offset);
                }
                (State::Junk { resume: 0 }, Progress::Moved)
            }
        }
    }

    fn junk(&mut self, resume: usize) -> Result<(State, Progress), MjpegError> {
        let no_boundary = MjpegError::NoBoundary {
            offset: self.offset,
            limit: self.limits.max_frame_bytes,
        };
        match delimiter::scan(&self.buf, resume, &self.boundary, &self.finder) {
            Scan::Found {
                start,
                before,
                line,
            } => {
                if start > self.limits.max_frame_bytes {
                    return Err(no_boundary);
                }
                self.advance(start);
                self.note_line(line, self.offset, before == Before::Lf);
                Ok((self.past_line(line), Progress::Moved))
            }
            Scan::NeedMore { .. } if self.buf.len() > self.scan_limit => Err(no_boundary),
            Scan::NeedMore { resume } => Ok((State::Junk { resume }, Progress::Wait)),
        }
    }

    fn headers(&mut self) -> Result<(State, Progress), MjpegError> {
        // Parsing again on every push costs at most the header limit per push; part headers
        // are a hundred bytes or so, and the limit keeps an adversary's cost bounded.
        let max = self.limits.max_header_bytes;
        let window = self.buf.get(..self.buf.len().min(max)).unwrap_or_default();
        let at = self.offset;
        match headers::parse(window) {
            Step::Block(block) => {
                if block.skipped_blank_lines {
                    self.note(Tolerance::BlankLineAfterBoundary, at);
                }
                if block.lf {
                    self.note(Tolerance::LfLineEnding, at);
                }
                let content_length =
                    headers::content_length(&block.headers, at, self.limits.max_frame_bytes)?;
                self.advance(block.consumed);
                let part = Part {
                    content_type: headers::content_type(&block.headers),
                    content_length,
                    headers: block.headers,
                };
                Ok((State::Body { part, resume: 0 }, Progress::Moved))
            }
            Step::NeedMore if self.buf.len() >= max => Err(MjpegError::HeadersTooLarge {
                offset: at,
                limit: max,
            }),
            Step::NeedMore => Ok((State::Headers, Progress::Wait)),
            Step::Invalid(reason) => Err(MjpegError::InvalidHeader { offset: at, reason }),
            Step::TooMany => Err(MjpegError::TooManyHeaders {
                offset: at,
                limit: MAX_HEADERS,
            }),
        }
    }

    fn body(&mut self, part: Part, resume: usize) -> Result<(State, Progress), MjpegError> {
        if let Some(length) = part.content_length {
            if self.buf.len() < length {
                return Ok((State::Body { part, resume }, Progress::Wait));
            }
            let frame = self.take_frame(part, length);
            let next = State::Between {
                after_body: true,
                endings: 0,
                lf: false,
            };
            return Ok((next, Progress::Frame(frame)));
        }
        let too_large = MjpegError::FrameTooLarge {
            offset: self.offset,
            limit: self.limits.max_frame_bytes,
        };
        match delimiter::scan(&self.buf, resume, &self.boundary, &self.finder) {
            Scan::Found {
                start,
                before,
                line,
            } => {
                let length = start.saturating_sub(before.len());
                if length > self.limits.max_frame_bytes {
                    return Err(too_large);
                }
                let at = self.offset.saturating_add(start as u64);
                if before == Before::Missing {
                    self.note(Tolerance::MissingLineEnding, at);
                }
                self.note_line(line, at, before == Before::Lf);
                let mut frame = self.take_frame(part, length);
                if let Some(image_end) = after_jpeg_end(&frame.body) {
                    self.note(Tolerance::DoubledLineEnding, at);
                    frame.body.truncate(image_end);
                }
                self.advance(before.len());
                Ok((self.past_line(line), Progress::Frame(frame)))
            }
            Scan::NeedMore { .. } if self.buf.len() > self.scan_limit => Err(too_large),
            Scan::NeedMore { resume } => Ok((State::Body { part, resume }, Progress::Wait)),
        }
    }

    fn take_frame(&mut self, part: Part, length: usize) -> Frame {
        let offset = self.offset;
        let body = self.buf.split_to(length.min(self.buf.len())).freeze();
        self.offset = self.offset.saturating_add(body.len() as u64);
        Frame {
            headers: part.headers,
            content_type: part.content_type,
            content_length: part.content_length,
            body,
            offset,
        }
    }
}

/// Where the image ends when a body without Content-Length ends in a JPEG end-of-image marker
/// (`FF D9`) and then line endings: nothing after the marker is image data, so those line
/// endings are a doubled CRLF before the boundary, not part of the frame.
fn after_jpeg_end(body: &[u8]) -> Option<usize> {
    let trailing = body
        .iter()
        .rev()
        .take_while(|byte| matches!(byte, b'\r' | b'\n'))
        .count();
    let image_end = body.len() - trailing;
    let image = body.get(..image_end)?;
    (trailing > 0 && image.ends_with(&[0xFF, 0xD9])).then_some(image_end)
}
