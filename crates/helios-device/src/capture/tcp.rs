//! The TCP segments of one connection, synthesised from the bytes it carried: the real
//! addresses and ports, initial sequence numbers derived from the addresses and the connection's
//! number, sequence and acknowledgement numbers that follow every byte in each direction.
//!
//! A [`Run`] keeps what the frames of one read or write need (both ends as they were, the flags,
//! the bytes) and is cut into segments and built into Ethernet frames with etherparse, which
//! computes the IP and TCP checksums, only when the capture is downloaded: building headers and
//! checksums for every byte served would cost more than serving it, and most captures are never
//! read.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use etherparse::PacketBuilder;
use smallvec::SmallVec;

use super::copies::{Copies, Piece};

/// The most payload one segment carries: an Ethernet MTU less the IPv4 and TCP headers.
pub const MSS: usize = 1460;
const WINDOW: u16 = 65_535;
const TTL: u8 = 64;

/// Which way bytes go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the peer to the device.
    In,
    /// From the device to the peer.
    Out,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Flags {
    syn: bool,
    ack: bool,
    psh: bool,
    fin: bool,
}

/// One side of the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct End {
    address: SocketAddr,
    mac: [u8; 6],
    /// The sequence number of the next byte this side sends.
    next: u32,
}

/// The TCP segments one read or write of the connection made, their frames not built yet: the
/// bytes, as the pieces they were read or written in (shared with the server's buffers where
/// the stream could, see `Recorded`), cut into segments of at most [`MSS`] bytes only when the
/// capture is downloaded. A run without bytes is one segment (SYN, FIN, a bare ACK).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    from: End,
    to: End,
    flags: Flags,
    pieces: Pieces,
    /// The bytes of all pieces.
    len: usize,
}

/// The bytes of a run, in order; most runs are one or two pieces (a reply's head and body).
pub type Pieces = SmallVec<[Piece; 2]>;

/// The sizes of the headers before a segment's payload: Ethernet, IP, TCP without options.
const ETHERNET_LEN: usize = 14;
const IPV4_LEN: usize = 20;
const IPV6_LEN: usize = 40;
const TCP_LEN: usize = 20;

impl Run {
    /// How many segments the run is.
    pub fn segments(&self) -> usize {
        self.len.div_ceil(MSS).max(1)
    }

    /// The bytes of all the run's frames, known without building them.
    pub fn frames_len(&self) -> usize {
        let ip = match (self.from.address.ip(), self.to.address.ip()) {
            (IpAddr::V4(_), IpAddr::V4(_)) => IPV4_LEN,
            _ => IPV6_LEN,
        };
        self.segments() * (ETHERNET_LEN + ip + TCP_LEN) + self.len
    }

    /// The Ethernet frame of each segment, in order, its copied bytes read from `copies`; a
    /// frame etherparse refuses (the sizes here rule that out) is left out.
    pub fn frames<'a>(&'a self, copies: &'a Copies) -> impl Iterator<Item = Vec<u8>> + 'a {
        let mut from = self.from;
        let mut slices = self
            .pieces
            .iter()
            .flat_map(move |piece| piece.slices(copies));
        let mut current: &[u8] = &[];
        (0..self.segments()).filter_map(move |_| {
            let mut payload = Vec::with_capacity(MSS.min(self.len));
            while payload.len() < MSS {
                if current.is_empty() {
                    match slices.next() {
                        Some(slice) => current = slice,
                        None => break,
                    }
                    continue;
                }
                let (taken, rest) = current.split_at(current.len().min(MSS - payload.len()));
                payload.extend_from_slice(taken);
                current = rest;
            }
            let frame = segment(&from, &self.to, self.flags, &payload);
            from.next = from.next.wrapping_add(payload.len() as u32);
            frame
        })
    }

    /// Where the run's copied bytes end among all the capture's copies, if it has any.
    pub fn copied_to(&self) -> Option<u64> {
        self.pieces
            .iter()
            .filter_map(|piece| match piece {
                Piece::Copied { at, len } => Some(at + *len as u64),
                Piece::Shared(_) => None,
            })
            .max()
    }

    /// The bytes, as the pieces they were read or written in.
    #[cfg(test)]
    pub(crate) fn pieces(&self) -> &Pieces {
        &self.pieces
    }

    /// Drops all but the last `segments` segments' worth of bytes (a run longer than the whole
    /// capture keeps its end, as a ring of packets would).
    pub fn keep_last(&mut self, segments: usize) {
        // Whole segments go from the start, so that the ones kept are cut where they were.
        let drop = self.segments().saturating_sub(segments) * MSS;
        if drop == 0 {
            return;
        }
        self.from.next = self.from.next.wrapping_add(drop as u32);
        self.len -= drop;
        let mut kept = Pieces::new();
        let mut skip = drop;
        for piece in &self.pieces {
            if skip >= piece.len() {
                skip -= piece.len();
            } else {
                kept.push(piece.skip(skip));
                skip = 0;
            }
        }
        self.pieces = kept;
    }
}

/// A connection as the capture sees it.
#[derive(Clone, Debug)]
pub struct Flow {
    device: End,
    peer: End,
}

impl Flow {
    /// The flow of the `number`th connection between the device at `local` (its MAC `mac`) and
    /// `peer`. Addresses of mixed families (an IPv4 peer on an IPv6 socket) are written as IPv6.
    pub fn new(local: SocketAddr, peer: SocketAddr, mac: [u8; 6], number: u64) -> Self {
        let (local, peer) = same_family(local, peer);
        let seed = fnv(&[
            local.to_string().as_bytes(),
            peer.to_string().as_bytes(),
            &number.to_be_bytes(),
        ]);
        let mut peer_mac = [0x02, 0, 0, 0, 0, 0];
        peer_mac[1..].copy_from_slice(&fnv(&[peer.ip().to_string().as_bytes()]).to_be_bytes()[3..]);
        Self {
            device: End {
                address: local,
                mac,
                next: (seed >> 32) as u32,
            },
            peer: End {
                address: peer,
                mac: peer_mac,
                next: seed as u32,
            },
        }
    }

    /// The three-way handshake of an accepted connection: SYN, SYN-ACK, ACK.
    pub fn handshake(&mut self, build: bool) -> Vec<Run> {
        let syn = Flags {
            syn: true,
            ..Flags::default()
        };
        let syn_ack = Flags {
            syn: true,
            ack: true,
            ..Flags::default()
        };
        [
            self.send(Direction::In, syn, Pieces::new(), 1, build),
            self.send(Direction::Out, syn_ack, Pieces::new(), 1, build),
            self.send(Direction::In, ack(), Pieces::new(), 0, build),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// `length` bytes that went `direction`, as the `pieces` they went in when they are given;
    /// without them the sequence numbers move on and no run is made.
    pub fn data(
        &mut self,
        direction: Direction,
        length: usize,
        pieces: Option<Pieces>,
    ) -> Option<Run> {
        let flags = Flags {
            ack: true,
            psh: true,
            ..Flags::default()
        };
        // Sequence numbers are modulo 2^32.
        let used = length as u32;
        let Some(pieces) = pieces.filter(|_| length > 0) else {
            self.send(direction, flags, Pieces::new(), used, false);
            return None;
        };
        self.send(direction, flags, pieces, used, true)
    }

    /// The side `direction` sends from closes: its FIN, and the other side's ACK.
    pub fn close(&mut self, direction: Direction, build: bool) -> Vec<Run> {
        let fin = Flags {
            fin: true,
            ack: true,
            ..Flags::default()
        };
        let other = match direction {
            Direction::In => Direction::Out,
            Direction::Out => Direction::In,
        };
        [
            self.send(direction, fin, Pieces::new(), 1, build),
            self.send(other, ack(), Pieces::new(), 0, build),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// A run from the side `direction` names (when `build`), which then has used `length`
    /// sequence numbers.
    fn send(
        &mut self,
        direction: Direction,
        flags: Flags,
        pieces: Pieces,
        length: u32,
        build: bool,
    ) -> Option<Run> {
        let (from, to) = match direction {
            Direction::In => (self.peer, self.device),
            Direction::Out => (self.device, self.peer),
        };
        let sender = match direction {
            Direction::In => &mut self.peer,
            Direction::Out => &mut self.device,
        };
        sender.next = sender.next.wrapping_add(length);
        build.then(|| {
            let len = pieces.iter().map(Piece::len).sum();
            Run {
                from,
                to,
                flags,
                pieces,
                len,
            }
        })
    }
}

fn ack() -> Flags {
    Flags {
        ack: true,
        ..Flags::default()
    }
}

/// One Ethernet frame; `None` only if etherparse refuses it, which the sizes here rule out.
fn segment(from: &End, to: &End, flags: Flags, payload: &[u8]) -> Option<Vec<u8>> {
    let link = PacketBuilder::ethernet2(from.mac, to.mac);
    let ip = match (from.address.ip(), to.address.ip()) {
        (IpAddr::V4(source), IpAddr::V4(destination)) => {
            link.ipv4(source.octets(), destination.octets(), TTL)
        }
        (source, destination) => link.ipv6(v6(source).octets(), v6(destination).octets(), TTL),
    };
    let mut tcp = ip.tcp(from.address.port(), to.address.port(), from.next, WINDOW);
    if flags.syn {
        tcp = tcp.syn();
    }
    if flags.ack {
        tcp = tcp.ack(to.next);
    }
    if flags.psh {
        tcp = tcp.psh();
    }
    if flags.fin {
        tcp = tcp.fin();
    }
    let mut frame = Vec::with_capacity(tcp.size(payload.len()));
    tcp.write(&mut frame, payload).ok()?;
    Some(frame)
}

fn v6(address: IpAddr) -> Ipv6Addr {
    match address {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    }
}

/// Both addresses in one family: IPv4-mapped IPv6 addresses become IPv4 when both can.
fn same_family(local: SocketAddr, peer: SocketAddr) -> (SocketAddr, SocketAddr) {
    let canonical = |a: SocketAddr| SocketAddr::new(a.ip().to_canonical(), a.port());
    let (local, peer) = (canonical(local), canonical(peer));
    if local.is_ipv4() == peer.is_ipv4() {
        (local, peer)
    } else {
        let mapped = |a: SocketAddr| SocketAddr::new(IpAddr::V6(v6(a.ip())), a.port());
        (mapped(local), mapped(peer))
    }
}

/// FNV-1a over the parts: a stable hash, so that captures are the same from run to run.
fn fnv(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in parts.iter().flat_map(|part| part.iter()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use etherparse::{NetSlice, SlicedPacket, TransportSlice};

    use bytes::Bytes;

    use super::*;

    /// The one frame of a run of one segment (whose bytes are shared, not copied).
    fn only(run: &Run) -> Vec<u8> {
        let frames: Vec<_> = run.frames(&Copies::new(0)).collect();
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].len(), run.frames_len());
        frames.into_iter().next().expect("one frame")
    }

    fn tcp_of(frame: &[u8]) -> (u32, u32, bool, bool, bool, Vec<u8>) {
        let packet = SlicedPacket::from_ethernet(frame).expect("a frame etherparse reads");
        assert!(matches!(packet.net, Some(NetSlice::Ipv4(_))));
        let Some(TransportSlice::Tcp(tcp)) = packet.transport else {
            panic!("a TCP segment");
        };
        (
            tcp.sequence_number(),
            tcp.acknowledgment_number(),
            tcp.syn(),
            tcp.ack(),
            tcp.fin(),
            tcp.payload().to_vec(),
        )
    }

    fn pieces(parts: &[&[u8]]) -> Option<Pieces> {
        Some(
            parts
                .iter()
                .map(|p| Bytes::copy_from_slice(p).into())
                .collect(),
        )
    }

    #[test]
    fn sequence_numbers_follow_the_bytes() {
        let local: SocketAddr = "127.0.0.1:8080".parse().expect("an address");
        let peer: SocketAddr = "127.0.0.1:50000".parse().expect("an address");
        let mut flow = Flow::new(local, peer, [0x7c, 0x1e, 0xb3, 1, 2, 3], 1);
        let handshake = flow.handshake(true);
        let (client_isn, _, syn, has_ack, ..) = tcp_of(&only(&handshake[0]));
        assert!(syn && !has_ack);
        let (server_isn, acked, syn, has_ack, ..) = tcp_of(&only(&handshake[1]));
        assert!(syn && has_ack);
        assert_eq!(acked, client_isn.wrapping_add(1));

        let get: &[u8] = b"GET / HTTP/1.1\r\n\r\n";
        let request = flow
            .data(Direction::In, get.len(), pieces(&[get]))
            .expect("a run");
        let (seq, ack, .., payload) = tcp_of(&only(&request));
        assert_eq!(seq, client_isn.wrapping_add(1));
        assert_eq!(ack, server_isn.wrapping_add(1));
        assert_eq!(payload, get);

        // A head and a body, cut into segments across the pieces.
        let head = vec![b'h'; 100];
        let body = vec![b'x'; MSS * 2 - 99];
        let reply = flow
            .data(Direction::Out, MSS * 2 + 1, pieces(&[&head, &body]))
            .expect("a run");
        assert_eq!(reply.segments(), 3);
        let frames: Vec<_> = reply.frames(&Copies::new(0)).collect();
        assert_eq!(frames.len(), 3);
        assert_eq!(
            frames.iter().map(Vec::len).sum::<usize>(),
            reply.frames_len()
        );
        let (first, .., payload) = tcp_of(&frames[0]);
        assert_eq!(first, server_isn.wrapping_add(1));
        assert_eq!(payload.len(), MSS);
        assert_eq!(&payload[..100], &head[..]);
        assert_eq!(payload[100], b'x');
        let (second, ..) = tcp_of(&frames[1]);
        assert_eq!(second, server_isn.wrapping_add(1 + MSS as u32));
        let (third, .., payload) = tcp_of(&frames[2]);
        assert_eq!(third, server_isn.wrapping_add(1 + 2 * MSS as u32));
        assert_eq!(payload, b"x");

        // Bytes not recorded still move the numbers on.
        assert!(flow.data(Direction::In, 4, None).is_none());
        let close = flow.close(Direction::In, true);
        let (seq, .., fin, _) = tcp_of(&only(&close[0]));
        assert!(fin);
        assert_eq!(seq, client_isn.wrapping_add(1 + get.len() as u32 + 4));
    }

    #[test]
    fn a_run_keeps_its_last_segments() {
        let local: SocketAddr = "127.0.0.1:8080".parse().expect("an address");
        let peer: SocketAddr = "127.0.0.1:50000".parse().expect("an address");
        let mut flow = Flow::new(local, peer, [0x7c, 0x1e, 0xb3, 1, 2, 3], 1);
        let numbered: Vec<u8> = (0..MSS * 3 + 10).map(|i| (i / MSS) as u8).collect();
        let (a, b) = numbered.split_at(MSS + 7);
        let (b, c) = b.split_at(MSS);
        // A copied piece, a shared one, and a copied one again.
        let mut copies = Copies::new(1 << 20);
        let pieces = [
            copies.copy(a),
            Bytes::copy_from_slice(b).into(),
            copies.copy(c),
        ];
        let mut run = flow
            .data(
                Direction::Out,
                numbered.len(),
                Some(pieces.into_iter().collect()),
            )
            .expect("a run");
        let all: Vec<u8> = run
            .frames(&copies)
            .flat_map(|frame| tcp_of(&frame).5)
            .collect();
        assert_eq!(all, numbered, "the pieces read back in order");
        let (first, ..) = tcp_of(&run.frames(&copies).next().expect("a frame"));
        run.keep_last(2);
        assert_eq!(run.segments(), 2);
        let frames: Vec<_> = run.frames(&copies).collect();
        let (seq, .., payload) = tcp_of(&frames[0]);
        assert_eq!(seq, first.wrapping_add(2 * MSS as u32));
        assert!(payload.len() == MSS && payload.iter().all(|&x| x == 2));
        let (.., payload) = tcp_of(&frames[1]);
        assert_eq!(payload, vec![3; 10]);
    }
}
