//! The libpcap file format, written by hand (it is two fixed headers): a 24-byte file header
//! (microsecond timestamps, little-endian, link type Ethernet) and a 16-byte header before each
//! frame.

use std::time::Duration;

/// The size of the file header.
pub const FILE_HEADER_LEN: usize = 24;
/// The size of the header before each frame.
pub const RECORD_HEADER_LEN: usize = 16;
/// The magic number of a file with microsecond timestamps.
pub const MAGIC: u32 = 0xa1b2_c3d4;
/// The longest frame a reader should expect.
pub const SNAPLEN: u32 = 65_535;
/// `LINKTYPE_ETHERNET`.
pub const LINKTYPE_ETHERNET: u32 = 1;

pub fn write_file_header(out: &mut Vec<u8>) {
    out.extend_from_slice(&MAGIC.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    // Time zone offset and timestamp accuracy: always zero.
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&SNAPLEN.to_le_bytes());
    out.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
}

/// A frame captured at Unix time `at`, whole (never cut to the snap length: frames are at most
/// an Ethernet MTU).
pub fn write_record(out: &mut Vec<u8>, at: Duration, frame: &[u8]) {
    let seconds = u32::try_from(at.as_secs()).unwrap_or(u32::MAX);
    let length = u32::try_from(frame.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&seconds.to_le_bytes());
    out.extend_from_slice(&at.subsec_micros().to_le_bytes());
    out.extend_from_slice(&length.to_le_bytes());
    out.extend_from_slice(&length.to_le_bytes());
    out.extend_from_slice(frame);
}
