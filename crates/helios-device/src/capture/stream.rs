//! The hook between a connection and the capture: a stream that passes every read and write
//! through unchanged and records the bytes, as segments of its connection's flow.
//!
//! Vectored writes pass through as such: hyper writes a reply's head and body with one vectored
//! write when the stream supports it, and would otherwise copy every body into one buffer first.
//! The bytes are recorded only while the capture records. What was read is copied; what is
//! written is kept without a copy where it can be: the server announces each piece of a reply's
//! body ([`Announced`]) on the connection's [`Outgoing`], and a written slice that lies within an
//! announced piece is kept as a slice of it (a snapshot's JPEG is then shared by the frame cache,
//! the reply and the capture). Written bytes nobody announced (hyper's heads) are copied.
//!
//! Written by hand, not a library's: the capture has to see the bytes as they cross the socket,
//! below TLS, and only the server knows which of them are a reply's shared body.

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use smallvec::SmallVec;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::Capture;
use super::copies::{Copies, Piece};
use super::tcp::{Direction, Flow, Pieces};

/// The pieces of reply bodies announced on one connection and not yet seen written whole, oldest
/// first; at most [`ANNOUNCED`] of them (a piece hyper copied into its own buffer is never seen
/// and goes when newer ones push it out).
#[derive(Clone, Debug)]
pub struct Outgoing(Arc<Announcements>);

/// What one connection's [`Outgoing`] shares: one allocation, so that the reply of each request
/// takes one count of the connection's own, not also one of the capture all connections share.
#[derive(Debug)]
struct Announcements {
    announced: Mutex<VecDeque<Bytes>>,
    /// Whose recording decides whether announcing is worth anything.
    capture: Arc<Capture>,
}

/// The most pieces a connection's [`Outgoing`] keeps.
const ANNOUNCED: usize = 16;

impl Outgoing {
    fn new(capture: Arc<Capture>) -> Self {
        Self(Arc::new(Announcements {
            announced: Mutex::default(),
            capture,
        }))
    }

    /// `piece` is about to be written on the connection (kept only while the capture records).
    pub fn announce(&self, piece: &Bytes) {
        if piece.is_empty() || !self.0.capture.is_recording() {
            return;
        }
        let mut announced = self.lock();
        if announced.len() == ANNOUNCED {
            announced.pop_front();
        }
        announced.push_back(piece.clone());
    }

    /// `written` as a slice of the announced piece it lies within, if one does. A piece written
    /// to its end is done with, and so is every piece announced before it.
    fn share(&self, written: &[u8]) -> Option<Bytes> {
        let start = written.as_ptr() as usize;
        let end = start + written.len();
        let mut announced = self.lock();
        let index = announced.iter().position(|piece| {
            let from = piece.as_ptr() as usize;
            from <= start && end <= from + piece.len()
        })?;
        let piece = &announced[index];
        if written.len() == piece.len() {
            // Written whole (a body in one write, the usual case): the piece itself, moved
            // rather than sliced and let go, which would touch its shared reference count twice.
            // Most often it is the oldest piece, and nothing before it is left to drop.
            if index == 0 {
                return announced.pop_front();
            }
            let piece = announced.remove(index);
            announced.drain(..index);
            return piece;
        }
        let shared = piece.slice_ref(written);
        if end == piece.as_ptr() as usize + piece.len() {
            announced.drain(..=index);
        }
        Some(shared)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Bytes>> {
        self.0.announced.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A reply body that announces each piece of data on the connection's [`Outgoing`] as hyper
/// takes it, so that the capture can keep it rather than copy it.
#[derive(Debug)]
pub struct Announced<B> {
    inner: B,
    outgoing: Outgoing,
}

impl<B> Announced<B> {
    pub fn new(inner: B, outgoing: Outgoing) -> Self {
        Self { inner, outgoing }
    }
}

impl<B: HttpBody<Data = Bytes> + Unpin> HttpBody for Announced<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &poll
            && let Some(data) = frame.data_ref()
        {
            this.outgoing.announce(data);
        }
        poll
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A connection whose traffic the capture records.
#[derive(Debug)]
pub struct Recorded<S> {
    inner: S,
    capture: Arc<Capture>,
    flow: Flow,
    outgoing: Outgoing,
    /// Whether the peer's FIN (end of its data) has been recorded.
    peer_closed: bool,
    /// Whether the device's FIN has been recorded.
    device_closed: bool,
}

impl<S> Recorded<S> {
    /// Wraps a connection just accepted on `local` from `peer`, and records its handshake.
    pub fn new(inner: S, local: SocketAddr, peer: SocketAddr, capture: Arc<Capture>) -> Self {
        let mut flow = capture.flow(local, peer);
        capture.record(|copies| flow.handshake(copies.is_some()));
        let outgoing = Outgoing::new(capture.clone());
        Self {
            inner,
            capture,
            flow,
            outgoing,
            peer_closed: false,
            device_closed: false,
        }
    }

    /// Where the server announces the pieces of the replies it writes on this connection.
    pub fn outgoing(&self) -> Outgoing {
        self.outgoing.clone()
    }

    /// Records `length` bytes that went `direction`; `pieces` gives them, called with the
    /// connection's announced pieces and the capture's copies only while the capture records.
    fn data(
        &mut self,
        direction: Direction,
        length: usize,
        pieces: impl FnOnce(&Outgoing, &mut Copies) -> Pieces,
    ) {
        let Self {
            flow,
            capture,
            outgoing,
            ..
        } = self;
        capture.record(|copies| {
            flow.data(
                direction,
                length,
                copies.map(|copies| pieces(outgoing, copies)),
            )
        });
    }

    /// The first `written` bytes of `bufs`, each slice shared with the announced piece it lies
    /// within or else copied.
    fn written(outgoing: &Outgoing, copies: &mut Copies, bufs: &[&[u8]], written: usize) -> Pieces {
        let mut pieces = Pieces::new();
        let mut left = written;
        for buf in bufs {
            if left == 0 {
                break;
            }
            let part = &buf[..left.min(buf.len())];
            left -= part.len();
            if !part.is_empty() {
                pieces.push(match outgoing.share(part) {
                    Some(shared) => Piece::Shared(shared),
                    None => copies.copy(part),
                });
            }
        }
        pieces
    }

    fn close(&mut self, direction: Direction) {
        let closed = match direction {
            Direction::In => &mut self.peer_closed,
            Direction::Out => &mut self.device_closed,
        };
        if std::mem::replace(closed, true) {
            return;
        }
        let flow = &mut self.flow;
        self.capture
            .record(|copies| flow.close(direction, copies.is_some()));
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Recorded<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = poll {
            let read = &buf.filled()[before..];
            // A read of nothing into room for something is the peer's end of data.
            if read.is_empty() && buf.remaining() > 0 {
                this.close(Direction::In);
            } else {
                this.data(Direction::In, read.len(), |_, copies| {
                    let mut pieces = Pieces::new();
                    pieces.push(copies.copy(read));
                    pieces
                });
            }
        }
        poll
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recorded<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(written)) = poll {
            this.data(Direction::Out, written, |outgoing, copies| {
                Self::written(outgoing, copies, &[buf], written)
            });
        }
        poll
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(written)) = poll {
            this.data(Direction::Out, written, |outgoing, copies| {
                let slices: SmallVec<[&[u8]; 4]> = bufs.iter().map(|buf| &**buf).collect();
                Self::written(outgoing, copies, &slices, written)
            });
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_shutdown(cx);
        if let Poll::Ready(Ok(())) = poll {
            this.close(Direction::Out);
        }
        poll
    }
}

impl<S> Drop for Recorded<S> {
    /// Closing the socket sends the device's FIN if the server did not shut it down first.
    fn drop(&mut self) {
        self.close(Direction::Out);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;
    use crate::capture::CAPACITY;
    use crate::clock::ManualClock;

    fn recorded() -> (
        Recorded<tokio::io::DuplexStream>,
        tokio::io::DuplexStream,
        Arc<Capture>,
    ) {
        let clock = Arc::new(ManualClock::new(Duration::from_secs(1_437_987_102)));
        let capture = Arc::new(Capture::new(clock, [0x7c, 0x1e, 0xb3, 0, 0, 1], CAPACITY));
        let (client, server) = tokio::io::duplex(1 << 20);
        let local = "127.0.0.1:80".parse().expect("an address");
        let peer = "127.0.0.1:50000".parse().expect("an address");
        (
            Recorded::new(server, local, peer, capture.clone()),
            client,
            capture,
        )
    }

    /// Whether a piece the capture keeps lies within `bytes`' memory.
    fn shares(capture: &Capture, bytes: &Bytes) -> bool {
        let range = bytes.as_ptr_range();
        capture
            .runs()
            .iter()
            .flat_map(|run| run.pieces().clone())
            .any(|piece| match piece {
                Piece::Shared(piece) => {
                    range.contains(&piece.as_ptr()) && piece.as_ptr_range().end <= range.end
                }
                Piece::Copied { .. } => false,
            })
    }

    #[tokio::test]
    async fn an_announced_body_is_kept_and_the_head_copied() {
        let (mut stream, mut client, capture) = recorded();
        let body = Bytes::from(vec![7u8; 5000]);
        stream.outgoing().announce(&body);
        let head = Bytes::from_static(b"HTTP/1.1 200 OK\r\ncontent-length: 5000\r\n\r\n");
        let mut left = [head.clone(), body.clone()];
        // However the stream splits the writes, every byte ends up written once.
        while left.iter().any(|b| !b.is_empty()) {
            let slices = [IoSlice::new(&left[0]), IoSlice::new(&left[1])];
            let mut written = stream.write_vectored(&slices).await.expect("a write");
            for piece in &mut left {
                let n = written.min(piece.len());
                let _ = piece.split_to(n);
                written -= n;
            }
        }
        let mut received = vec![0; head.len() + body.len()];
        client.read_exact(&mut received).await.expect("the bytes");
        assert!(shares(&capture, &body), "the body is kept, not copied");
        assert!(!shares(&capture, &head), "the head is copied");
        assert!(
            stream.outgoing().lock().is_empty(),
            "a piece written whole is let go"
        );
        let captured = capture.payloads();
        assert_eq!(captured, received);
    }

    #[tokio::test]
    async fn bytes_nobody_announced_are_copied() {
        let (mut stream, mut client, capture) = recorded();
        let body = Bytes::from(vec![9u8; 3000]);
        stream.write_all(&body).await.expect("a write");
        let mut received = vec![0; body.len()];
        client.read_exact(&mut received).await.expect("the bytes");
        assert!(!shares(&capture, &body));
        assert_eq!(received, body);
        assert_eq!(capture.payloads(), body, "the copy reads back");
    }

    #[tokio::test]
    async fn at_most_a_few_pieces_wait_to_be_written() {
        let (stream, _client, _capture) = recorded();
        let outgoing = stream.outgoing();
        let pieces: Vec<Bytes> = (0..ANNOUNCED + 4)
            .map(|i| Bytes::from(vec![i as u8; 10]))
            .collect();
        for piece in &pieces {
            outgoing.announce(piece);
        }
        assert_eq!(outgoing.lock().len(), ANNOUNCED);
        assert!(outgoing.share(&pieces[0]).is_none(), "the oldest went");
        let last = &pieces[ANNOUNCED + 3];
        let shared = outgoing.share(&last[2..5]).expect("within the newest");
        assert_eq!(shared.as_ptr(), last[2..].as_ptr());
        assert_eq!(
            outgoing.lock().len(),
            ANNOUNCED,
            "not written to its end yet"
        );
        outgoing.share(&last[5..]).expect("its end");
        assert!(
            outgoing.lock().is_empty(),
            "the newest and all before it are done with"
        );
    }
}
