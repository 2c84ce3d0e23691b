//! The device's packet capture (manual 5.29 to 5.31): the traffic of its own HTTP and HTTPS
//! listeners, recorded as the Ethernet, IPv4 or IPv6 and TCP packets a capture on its network
//! interface would show, downloaded by `pcap` as a libpcap file that Wireshark and tshark open.
//!
//! The server wraps every accepted connection in a [`Recorded`] stream, below TLS, so HTTP is
//! recorded as plain text and HTTPS as the TLS records that crossed the socket. The packets are
//! synthesised from what the connection read and wrote (see [`tcp`]): the real addresses and
//! ports, a three-way handshake when the connection is accepted, one segment of at most
//! [`tcp::MSS`] bytes per piece of data with sequence and acknowledgement numbers that follow
//! the bytes, and a FIN exchange at close. The device's MAC address is the one `system/info`
//! reports; the peer's is made up from its IP address.
//!
//! Memory is bounded: the capture is a ring of [`CAPACITY`] bytes (4 MiB) of pcap records
//! (16-byte record header and frame), from which the oldest packets are dropped first, a read or
//! write's packets together. The ring keeps each read or write's bytes and ends, and cuts them
//! into segments and builds the frames when the capture is downloaded (see [`tcp::Run`]); the
//! bytes a reply is made of are kept, not copied (see [`Recorded`]). Recording
//! runs from the start (erratum `pcap-recording`); `pcap/stop` stops it, keeping what was
//! recorded; `pcap/restart` drops everything and records again; a device restart does the same.

pub mod copies;
pub mod pcap;
pub mod stream;
pub mod tcp;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use stream::Outgoing;
pub use stream::Recorded;
pub use tcp::Run;

use copies::Copies;

use crate::clock::Clock;

/// The bytes of pcap records the capture keeps.
pub const CAPACITY: usize = 4 << 20;

/// The capture of one device.
#[derive(Debug)]
pub struct Capture {
    clock: Arc<dyn Clock>,
    /// The device's MAC address, the source of every packet it sends.
    mac: [u8; 6],
    /// Whether it records: read without the lock on every read and write of every connection,
    /// changed only with the lock held.
    recording: AtomicBool,
    ring: Mutex<Ring>,
}

#[derive(Debug)]
struct Ring {
    capacity: usize,
    /// The packets kept, oldest first, a read or write's together with their time as Unix time
    /// and the pcap bytes they take.
    packets: VecDeque<Kept>,
    /// The bytes of pcap records the packets take.
    bytes: usize,
    /// The bytes the packets copied (the rest they share with the server's buffers).
    copies: Copies,
    /// How many connections were accepted, which makes each initial sequence number unique.
    connections: u64,
}

impl Capture {
    /// A capture that records, stamped with `clock`'s Unix time, keeping `capacity` bytes.
    pub fn new(clock: Arc<dyn Clock>, mac: [u8; 6], capacity: usize) -> Self {
        Self {
            clock,
            mac,
            recording: AtomicBool::new(true),
            ring: Mutex::new(Ring {
                capacity,
                packets: VecDeque::new(),
                bytes: 0,
                copies: Copies::new(capacity),
                connections: 0,
            }),
        }
    }

    pub fn is_recording(&self) -> bool {
        self.recording.load(Ordering::Acquire)
    }

    /// Drops every packet and records again (`pcap/restart`, a device restart).
    pub fn restart(&self) {
        let mut ring = self.lock();
        ring.packets.clear();
        ring.bytes = 0;
        ring.copies.clear();
        self.recording.store(true, Ordering::Release);
    }

    /// Stops recording (`pcap/stop`); what was recorded stays.
    pub fn stop(&self) {
        let _ring = self.lock();
        self.recording.store(false, Ordering::Release);
    }

    /// How many packets the capture holds.
    pub fn len(&self) -> usize {
        self.lock()
            .packets
            .iter()
            .map(|kept| kept.run.segments())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The runs kept, oldest first.
    #[cfg(test)]
    pub(crate) fn runs(&self) -> Vec<Run> {
        self.lock()
            .packets
            .iter()
            .map(|kept| kept.run.clone())
            .collect()
    }

    /// The bytes of every run kept, in order.
    #[cfg(test)]
    pub(crate) fn payloads(&self) -> Vec<u8> {
        let ring = self.lock();
        ring.packets
            .iter()
            .flat_map(|kept| kept.run.pieces().iter())
            .flat_map(|piece| piece.slices(&ring.copies))
            .flatten()
            .copied()
            .collect()
    }

    /// The capture as a libpcap file.
    pub fn pcap(&self) -> Vec<u8> {
        let ring = self.lock();
        let mut file = Vec::with_capacity(pcap::FILE_HEADER_LEN + ring.bytes);
        pcap::write_file_header(&mut file);
        for kept in &ring.packets {
            for frame in kept.run.frames(&ring.copies) {
                pcap::write_record(&mut file, kept.at, &frame);
            }
        }
        file
    }

    /// The flow of a connection just accepted, numbered among all connections.
    pub(crate) fn flow(
        &self,
        local: std::net::SocketAddr,
        peer: std::net::SocketAddr,
    ) -> tcp::Flow {
        let number = {
            let mut ring = self.lock();
            ring.connections += 1;
            ring.connections
        };
        tcp::Flow::new(local, peer, self.mac, number)
    }

    /// Records the runs that `build` makes, now, if the capture is recording: `build` is given
    /// the capture's copies to copy bytes into, with the capture's lock held. `build` runs
    /// either way, given nothing when the capture does not record, so that a flow's sequence
    /// numbers follow every byte, recorded or not.
    pub(crate) fn record<R: IntoIterator<Item = Run>>(
        &self,
        build: impl FnOnce(Option<&mut Copies>) -> R,
    ) {
        // Checked again under the lock: the capture may have stopped since it was asked.
        let ring = self
            .is_recording()
            .then(|| (self.clock.unix(), self.lock()))
            .filter(|_| self.is_recording());
        let Some((at, mut ring)) = ring else {
            build(None);
            return;
        };
        let ring = &mut *ring;
        for run in build(Some(&mut ring.copies)) {
            ring.keep(at, run);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Ring> {
        self.ring.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A run in the ring: when it was taken, the pcap bytes it takes (worked out once), and where
/// the copies end that go with it and the runs before it.
#[derive(Debug)]
struct Kept {
    at: Duration,
    size: usize,
    copied_to: u64,
    run: Run,
}

impl Ring {
    /// Keeps `run`, taken at `at`, dropping the oldest packets, and their copies, to make room
    /// for it.
    fn keep(&mut self, at: Duration, mut run: Run) {
        // A run without copies goes with those of the run before it.
        let copied_to = run
            .copied_to()
            .or_else(|| self.packets.back().map(|kept| kept.copied_to))
            .unwrap_or_default();
        let mut size = record_bytes(&run);
        if size > self.capacity {
            // Longer than the whole capture: its end, as much as fits.
            let fits = self.capacity / size.div_ceil(run.segments());
            if fits == 0 {
                return;
            }
            run.keep_last(fits);
            size = record_bytes(&run);
        }
        while self.bytes + size > self.capacity {
            match self.packets.pop_front() {
                Some(old) => {
                    self.bytes -= old.size;
                    self.copies.release_to(old.copied_to);
                }
                None => break,
            }
        }
        if size <= self.capacity {
            self.bytes += size;
            self.packets.push_back(Kept {
                at,
                size,
                copied_to,
                run,
            });
        }
    }
}

/// The pcap bytes a run takes: a record header and a frame per segment.
fn record_bytes(run: &Run) -> usize {
    run.segments() * pcap::RECORD_HEADER_LEN + run.frames_len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn capture(capacity: usize) -> Capture {
        let clock = Arc::new(ManualClock::new(Duration::from_secs(1_437_987_102)));
        Capture::new(clock, [0x7c, 0x1e, 0xb3, 0, 0, 1], capacity)
    }

    /// A run of `length` bytes, all `tag`.
    fn run(tag: u8, length: usize) -> Run {
        let local = "127.0.0.1:80".parse().expect("an address");
        let peer = "127.0.0.1:50000".parse().expect("an address");
        let mut flow = tcp::Flow::new(local, peer, [0x7c, 0x1e, 0xb3, 0, 0, 1], 1);
        let pieces = tcp::Pieces::from_elem(bytes::Bytes::from(vec![tag; length]).into(), 1);
        flow.data(tcp::Direction::Out, length, Some(pieces))
            .expect("a run")
    }

    /// A segment whose frame is 100 bytes (54 of headers), its payload all `tag`.
    fn frame(tag: u8) -> Run {
        run(tag, 46)
    }

    #[test]
    fn the_ring_keeps_the_newest_packets_within_its_capacity() {
        let capture = capture(1000);
        for tag in 0..20 {
            capture.record(|_| vec![frame(tag)]);
        }
        // 116 bytes a record: eight fit in 1000.
        assert_eq!(capture.len(), 8);
        let file = capture.pcap();
        assert_eq!(file.len(), pcap::FILE_HEADER_LEN + 8 * 116);
        let first = pcap::FILE_HEADER_LEN + pcap::RECORD_HEADER_LEN + 99;
        assert_eq!(file[first], 12, "the oldest kept is the 13th recorded");
        assert_eq!(file[file.len() - 1], 19);
    }

    #[test]
    fn a_write_longer_than_the_ring_keeps_its_end() {
        // 10 segments of 1514-byte frames, 1530 bytes a record: three fit in 5000, beside the
        // earlier 116-byte record.
        let capture = capture(5000);
        capture.record(|_| vec![frame(1)]);
        capture.record(|_| vec![run(7, tcp::MSS * 10)]);
        assert_eq!(capture.len(), 4, "the long run's start went");
        let file = capture.pcap();
        assert_eq!(file.len(), pcap::FILE_HEADER_LEN + 116 + 3 * 1530);
        assert_eq!(file[file.len() - 1], 7);
        // Another long run pushes the earlier packet out.
        capture.record(|_| vec![run(8, tcp::MSS * 10)]);
        assert_eq!(capture.len(), 3);
    }

    #[test]
    fn stop_keeps_the_records_and_restart_drops_them() {
        let capture = capture(CAPACITY);
        capture.record(|_| vec![frame(1)]);
        capture.stop();
        let mut built = None;
        capture.record(|copies| {
            built = Some(copies.is_some());
            vec![frame(2)]
        });
        assert_eq!(built, Some(false), "a stopped capture asks for no frames");
        assert_eq!(capture.len(), 1);
        capture.restart();
        assert!(capture.is_empty() && capture.is_recording());
        assert_eq!(capture.pcap().len(), pcap::FILE_HEADER_LEN);
    }

    #[test]
    fn copies_go_with_the_packets_that_hold_them() {
        let capture = capture(10_000);
        let local = "127.0.0.1:80".parse().expect("an address");
        let peer = "127.0.0.1:50000".parse().expect("an address");
        let mut flow = capture.flow(local, peer);
        for tag in 0..200u8 {
            let data = vec![tag; 300 + usize::from(tag)];
            capture.record(|copies| {
                let pieces = copies.map(|copies| tcp::Pieces::from_elem(copies.copy(&data), 1));
                flow.data(tcp::Direction::In, data.len(), pieces)
            });
            let ring = capture.lock();
            let payload: usize = ring.packets.iter().map(|kept| kept.run.frames_len()).sum();
            assert!(ring.bytes <= 10_000);
            assert!(
                ring.copies.len() <= payload,
                "copies of packets gone are released"
            );
        }
        // The newest packet reads back from the copies.
        let file = capture.pcap();
        assert!(file.ends_with(&[199; 499]));
        assert_ne!(file[file.len() - 500], 199);
        capture.restart();
        assert_eq!(capture.lock().copies.len(), 0);
    }
}
