//! The TCP segments of one connection, synthesised from the bytes it carried: the real
//! addresses and ports, initial sequence numbers derived from the addresses and the connection's
//! number, sequence and acknowledgement numbers that follow every byte in each direction.
//!
//! A [`Segment`] keeps what its frame needs (both ends as they were, the flags, the payload) and
//! is built into an Ethernet frame with etherparse, which computes the IP and TCP checksums, only
//! when the capture is downloaded: building headers and checksums for every byte served would
//! cost more than serving it, and most captures are never read.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use bytes::Bytes;
use etherparse::PacketBuilder;

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

/// One TCP segment, its frame not built yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    from: End,
    to: End,
    flags: Flags,
    payload: Bytes,
}

/// The sizes of the headers before a segment's payload: Ethernet, IP, TCP without options.
const ETHERNET_LEN: usize = 14;
const IPV4_LEN: usize = 20;
const IPV6_LEN: usize = 40;
const TCP_LEN: usize = 20;

impl Segment {
    /// The Ethernet frame; `None` only if etherparse refuses it, which the sizes here rule out.
    pub fn frame(&self) -> Option<Vec<u8>> {
        segment(&self.from, &self.to, self.flags, &self.payload)
    }

    /// The length of [`frame`](Self::frame), known without building it.
    pub fn frame_len(&self) -> usize {
        let ip = match (self.from.address.ip(), self.to.address.ip()) {
            (IpAddr::V4(_), IpAddr::V4(_)) => IPV4_LEN,
            _ => IPV6_LEN,
        };
        ETHERNET_LEN + ip + TCP_LEN + self.payload.len()
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
    pub fn handshake(&mut self, build: bool) -> Vec<Segment> {
        let mut frames = Vec::new();
        let syn = Flags {
            syn: true,
            ..Flags::default()
        };
        self.send(Direction::In, syn, Bytes::new(), 1, build, &mut frames);
        let syn_ack = Flags {
            syn: true,
            ack: true,
            ..Flags::default()
        };
        self.send(Direction::Out, syn_ack, Bytes::new(), 1, build, &mut frames);
        self.send(Direction::In, ack(), Bytes::new(), 0, build, &mut frames);
        frames
    }

    /// `length` bytes that went `direction`, in segments of at most [`MSS`] bytes each sharing
    /// `payload` (the bytes themselves) when it is given; without it the sequence numbers move
    /// on and no segment is made.
    pub fn data(
        &mut self,
        direction: Direction,
        length: usize,
        payload: Option<Bytes>,
    ) -> Vec<Segment> {
        let flags = Flags {
            ack: true,
            psh: true,
            ..Flags::default()
        };
        let Some(payload) = payload else {
            let sender = match direction {
                Direction::In => &mut self.peer,
                Direction::Out => &mut self.device,
            };
            // Sequence numbers are modulo 2^32.
            sender.next = sender.next.wrapping_add(length as u32);
            return Vec::new();
        };
        let mut frames = Vec::with_capacity(payload.len().div_ceil(MSS));
        let mut start = 0;
        while start < payload.len() {
            let end = (start + MSS).min(payload.len());
            let length = u32::try_from(end - start).unwrap_or(u32::MAX);
            self.send(
                direction,
                flags,
                payload.slice(start..end),
                length,
                true,
                &mut frames,
            );
            start = end;
        }
        frames
    }

    /// The side `direction` sends from closes: its FIN, and the other side's ACK.
    pub fn close(&mut self, direction: Direction, build: bool) -> Vec<Segment> {
        let mut frames = Vec::new();
        let fin = Flags {
            fin: true,
            ack: true,
            ..Flags::default()
        };
        self.send(direction, fin, Bytes::new(), 1, build, &mut frames);
        let other = match direction {
            Direction::In => Direction::Out,
            Direction::Out => Direction::In,
        };
        self.send(other, ack(), Bytes::new(), 0, build, &mut frames);
        frames
    }

    /// A segment from the side `direction` names, which then has used `length` sequence numbers.
    fn send(
        &mut self,
        direction: Direction,
        flags: Flags,
        payload: Bytes,
        length: u32,
        build: bool,
        frames: &mut Vec<Segment>,
    ) {
        let (from, to) = match direction {
            Direction::In => (self.peer, self.device),
            Direction::Out => (self.device, self.peer),
        };
        if build {
            frames.push(Segment {
                from,
                to,
                flags,
                payload,
            });
        }
        let sender = match direction {
            Direction::In => &mut self.peer,
            Direction::Out => &mut self.device,
        };
        sender.next = sender.next.wrapping_add(length);
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

    use super::*;

    fn tcp_of(segment: &Segment) -> (u32, u32, bool, bool, bool, Vec<u8>) {
        let frame = segment.frame().expect("a frame");
        assert_eq!(frame.len(), segment.frame_len());
        let packet = SlicedPacket::from_ethernet(&frame).expect("a frame etherparse reads");
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

    #[test]
    fn sequence_numbers_follow_the_bytes() {
        let local: SocketAddr = "127.0.0.1:8080".parse().expect("an address");
        let peer: SocketAddr = "127.0.0.1:50000".parse().expect("an address");
        let mut flow = Flow::new(local, peer, [0x7c, 0x1e, 0xb3, 1, 2, 3], 1);
        let handshake = flow.handshake(true);
        let (client_isn, _, syn, has_ack, ..) = tcp_of(&handshake[0]);
        assert!(syn && !has_ack);
        let (server_isn, acked, syn, has_ack, ..) = tcp_of(&handshake[1]);
        assert!(syn && has_ack);
        assert_eq!(acked, client_isn.wrapping_add(1));

        let get = Bytes::from_static(b"GET / HTTP/1.1\r\n\r\n");
        let request = flow.data(Direction::In, get.len(), Some(get));
        let (seq, ack, .., payload) = tcp_of(&request[0]);
        assert_eq!(seq, client_isn.wrapping_add(1));
        assert_eq!(ack, server_isn.wrapping_add(1));
        assert_eq!(payload, b"GET / HTTP/1.1\r\n\r\n");

        let big = Bytes::from(vec![b'x'; MSS * 2 + 1]);
        let reply = flow.data(Direction::Out, big.len(), Some(big));
        assert_eq!(reply.len(), 3);
        let (second, ..) = tcp_of(&reply[1]);
        assert_eq!(second, server_isn.wrapping_add(1 + MSS as u32));
        // Bytes not recorded still move the numbers on.
        assert!(flow.data(Direction::In, 4, None).is_empty());
        let close = flow.close(Direction::In, true);
        let (seq, .., fin, _) = tcp_of(&close[0]);
        assert!(fin);
        assert_eq!(seq, client_isn.wrapping_add(1 + 18 + 4));
    }
}
