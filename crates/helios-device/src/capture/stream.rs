//! The hook between a connection and the capture: a stream that passes every read and write
//! through unchanged and records the bytes, as segments of its connection's flow.
//!
//! Vectored writes pass through as such: hyper writes a reply's head and body with one vectored
//! write when the stream supports it, and would otherwise copy every body into one buffer first.
//! The bytes are copied for the capture only while it records.

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::Capture;
use super::tcp::{Direction, Flow};

/// A connection whose traffic the capture records.
#[derive(Debug)]
pub struct Recorded<S> {
    inner: S,
    capture: Arc<Capture>,
    flow: Flow,
    /// Whether the peer's FIN (end of its data) has been recorded.
    peer_closed: bool,
    /// Whether the device's FIN has been recorded.
    device_closed: bool,
}

impl<S> Recorded<S> {
    /// Wraps a connection just accepted on `local` from `peer`, and records its handshake.
    pub fn new(inner: S, local: SocketAddr, peer: SocketAddr, capture: Arc<Capture>) -> Self {
        let mut flow = capture.flow(local, peer);
        capture.record(|build| flow.handshake(build));
        Self {
            inner,
            capture,
            flow,
            peer_closed: false,
            device_closed: false,
        }
    }

    /// Records `length` bytes that went `direction`; `copy` gives them, called only while the
    /// capture records.
    fn data(&mut self, direction: Direction, length: usize, copy: impl FnOnce() -> Bytes) {
        let flow = &mut self.flow;
        self.capture
            .record(|build| flow.data(direction, length, build.then(copy)));
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
        self.capture.record(|build| flow.close(direction, build));
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
                this.data(Direction::In, read.len(), || Bytes::copy_from_slice(read));
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
            let written = &buf[..written.min(buf.len())];
            this.data(Direction::Out, written.len(), || {
                Bytes::copy_from_slice(written)
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
            this.data(Direction::Out, written, || {
                // The first `written` bytes of the slices, in order.
                let mut bytes = Vec::with_capacity(written);
                for buf in bufs {
                    let left = written - bytes.len();
                    if left == 0 {
                        break;
                    }
                    bytes.extend_from_slice(&buf[..left.min(buf.len())]);
                }
                Bytes::from(bytes)
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
