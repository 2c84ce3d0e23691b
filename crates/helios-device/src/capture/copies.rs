//! The bytes the capture copies (what a connection read, the heads hyper wrote), kept in one
//! queue of bytes that the ring owns, oldest first, rather than in an allocation each.
//!
//! The ring drops its oldest packets first, and so the oldest copies: the queue is appended to
//! at its back and released from its front, and a copy is addressed by where it lies in the
//! stream of every byte ever copied. Before, each read and each head was an allocation of its
//! own that lived until the ring let its packet go, hundreds of requests later: freed in an
//! order the allocator's per-thread caches do not serve, a copy cost more than the bytes in it.
//!
//! Written by hand, not a library's: a byte queue with positions that outlive what is released
//! is a few lines over `VecDeque`, and the ring's eviction decides when bytes go.

use std::collections::VecDeque;

use bytes::Bytes;

/// One piece of a run's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Bytes shared with the server's own buffers (a reply body), not copied.
    Shared(Bytes),
    /// `len` bytes copied into the capture's [`Copies`], starting at position `at`.
    Copied { at: u64, len: usize },
}

impl Piece {
    pub fn len(&self) -> usize {
        match self {
            Self::Shared(bytes) => bytes.len(),
            Self::Copied { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The piece without its first `skip` bytes.
    pub fn skip(&self, skip: usize) -> Self {
        match self {
            Self::Shared(bytes) => Self::Shared(bytes.slice(skip.min(bytes.len())..)),
            Self::Copied { at, len } => {
                let skip = skip.min(*len);
                Self::Copied {
                    at: at + skip as u64,
                    len: len - skip,
                }
            }
        }
    }

    /// The piece's bytes, in at most two slices (a copy may wrap round the queue's end).
    pub fn slices<'a>(&'a self, copies: &'a Copies) -> [&'a [u8]; 2] {
        match self {
            Self::Shared(bytes) => [bytes, &[]],
            Self::Copied { at, len } => copies.get(*at, *len),
        }
    }
}

impl From<Bytes> for Piece {
    fn from(bytes: Bytes) -> Self {
        Self::Shared(bytes)
    }
}

/// The bytes copied into the capture and not yet released, oldest first.
#[derive(Debug)]
pub struct Copies {
    bytes: VecDeque<u8>,
    /// The position of the first byte held: how many have been released.
    start: u64,
    /// Up to this many bytes the queue grows by doubling, past it by an eighth of it: the
    /// ring's capacity, which the copies of the packets it keeps never exceed.
    limit: usize,
}

impl Copies {
    pub fn new(limit: usize) -> Self {
        Self {
            bytes: VecDeque::new(),
            start: 0,
            limit,
        }
    }

    /// The position the next copy starts at.
    pub fn end(&self) -> u64 {
        self.start + self.bytes.len() as u64
    }

    /// Copies `data` to the back.
    pub fn copy(&mut self, data: &[u8]) -> Piece {
        let at = self.end();
        let needed = self.bytes.len() + data.len();
        if needed > self.bytes.capacity() {
            let target = if needed <= self.limit {
                (self.bytes.capacity() * 2).clamp(needed, self.limit)
            } else {
                // A write bigger than what the ring was evicted to make room for: room for
                // more, so that copies just over the limit do not grow the queue each time.
                needed + self.limit / 8
            };
            self.bytes.reserve_exact(target - self.bytes.len());
        }
        self.bytes.extend(data);
        Piece::Copied {
            at,
            len: data.len(),
        }
    }

    /// Releases every byte before position `end`.
    pub fn release_to(&mut self, end: u64) {
        let count = end.saturating_sub(self.start).min(self.bytes.len() as u64);
        self.bytes.drain(..count as usize);
        self.start += count;
    }

    /// Releases everything.
    pub fn clear(&mut self) {
        self.start = self.end();
        self.bytes.clear();
    }

    /// How many bytes are held.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The `len` bytes from position `at`; what has been released, or was never copied, is
    /// left out.
    fn get(&self, at: u64, len: usize) -> [&[u8]; 2] {
        let from = at.saturating_sub(self.start).min(self.bytes.len() as u64) as usize;
        let to = (at + len as u64)
            .saturating_sub(self.start)
            .min(self.bytes.len() as u64) as usize;
        let (front, back) = self.bytes.as_slices();
        let split = front.len();
        if to <= split {
            [&front[from..to], &[]]
        } else if from >= split {
            [&back[from - split..to - split], &[]]
        } else {
            [&front[from..], &back[..to - split]]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(piece: &Piece, copies: &Copies) -> Vec<u8> {
        piece.slices(copies).concat()
    }

    #[test]
    fn copies_keep_their_bytes_as_older_ones_are_released() {
        let mut copies = Copies::new(16);
        let a = copies.copy(b"hello");
        let b = copies.copy(b", world");
        assert_eq!(bytes_of(&a, &copies), b"hello");
        assert_eq!(bytes_of(&b, &copies), b", world");
        copies.release_to(5);
        assert_eq!(copies.len(), 7);
        assert_eq!(bytes_of(&b, &copies), b", world");
        assert_eq!(bytes_of(&a, &copies), b"", "released");
        // Round and round the queue: each copy reads back whole.
        for round in 0..100u8 {
            let data = [round; 9];
            let piece = copies.copy(&data);
            assert_eq!(bytes_of(&piece, &copies), data);
            assert_eq!(bytes_of(&piece.skip(4), &copies), [round; 5]);
            copies.release_to(copies.end() - 9);
            assert_eq!(copies.len(), 9);
        }
        assert!(copies.bytes.capacity() < 32, "the queue did not grow");
        copies.clear();
        assert_eq!(copies.len(), 0);
    }

    #[test]
    fn past_its_limit_the_queue_grows_by_an_eighth_of_it() {
        let mut copies = Copies::new(1000);
        for _ in 0..100 {
            copies.copy(&[1; 11]);
        }
        assert!(copies.bytes.capacity() <= 1100 + 125);
    }
}
