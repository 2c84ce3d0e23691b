//! Encoding a frame strip by strip, and keeping the strips: from one frame to the next the
//! camera's scene changes in a few rows only (the burnt-in time and frame counter), and its bar
//! comes back to the same place every seven seconds, so most rows of a frame were encoded
//! before. Encoding every frame whole made the camera the costliest part of serving a snapshot.
//!
//! A baseline JPEG whose restart interval is one row of MCUs (16 rows of pixels at 4:2:0) codes
//! each row of MCUs on its own: at every restart marker the DC predictions start again from zero
//! and the bits are padded to a whole byte. The entropy-coded bytes of a row of MCUs are
//! therefore exactly those of an image that is that strip of pixels alone. jpeg-encoder encodes
//! each strip; this module keeps the coded strips by a digest of their pixels (XXH3, 128 bits)
//! and splices a frame together: the header jpeg-encoder writes for the whole frame (SOI to the
//! end of SOS, with its DRI), the strips separated by RST0 to RST7 in turn, and EOI. The result
//! is byte for byte what jpeg-encoder writes for the whole frame with that restart interval,
//! which the tests check for random pictures of every shape.
//!
//! Why by hand: jpeg-encoder (like every JPEG encoder on crates.io) takes whole images only;
//! the splicing is the few lines below, and the coding itself stays the library's.
//!
//! Bounds: at most [`BUDGET_BYTES`] of coded strips, the least recently used going first, and
//! the headers of at most [`MAX_HEADERS`] frame sizes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use jpeg_encoder::{ColorType, Encoder, EncodingError, SamplingFactor};
use xxhash_rust::xxh3::xxh3_128;

use super::scene::Picture;

/// Why a frame could not be encoded. Cloned with the frame cache's slot that holds it, so the
/// encoder's own error is shared.
#[derive(Clone, Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("the frame is too wide")]
    TooWide,
    #[error("the frame is too high")]
    TooHigh,
    #[error("the frame is empty")]
    Empty,
    #[error("the frame's pixels do not fill it")]
    Unfilled,
    #[error("encoding the frame failed: {0}")]
    Encoder(#[source] Arc<EncodingError>),
    #[error("the encoder wrote no scan header")]
    NoScanHeader,
    #[error("the encoder wrote no EOI")]
    NoEnd,
}

/// The JPEG quality of every frame: sharp text, small files.
pub const QUALITY: u8 = 80;

/// The most bytes of coded strips kept.
pub const BUDGET_BYTES: usize = 8 << 20;

/// The most frame sizes whose headers are kept.
pub const MAX_HEADERS: usize = 32;

/// Rows of pixels in a row of MCUs, and pixels across an MCU, at 4:2:0.
const MCU_SIZE: usize = 16;

/// What a strip is kept by: its shape and a digest of its pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct StripKey {
    width: u16,
    rows: u16,
    digest: u128,
}

#[derive(Debug)]
struct Strip {
    /// The entropy-coded bytes, without markers.
    scan: Bytes,
    /// The number of the last frame that used it.
    used: u64,
}

/// What the strips cost and saved, since the camera started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StripUsage {
    /// Strips kept now, and their coded bytes.
    pub kept: usize,
    pub bytes: usize,
    /// Strips coded, and strips taken from those kept.
    pub coded: u64,
    pub reused: u64,
}

#[derive(Debug, Default)]
struct Store {
    headers: HashMap<(u16, u16), Bytes>,
    strips: HashMap<StripKey, Strip>,
    frames: u64,
    usage: StripUsage,
}

impl Store {
    fn keep(&mut self, key: StripKey, scan: Bytes, frame: u64) {
        self.usage.bytes += cost(&scan);
        if let Some(old) = self.strips.insert(key, Strip { scan, used: frame }) {
            self.usage.bytes -= cost(&old.scan);
        }
        self.usage.kept = self.strips.len();
    }

    /// Drops the least recently used strips until three quarters of the budget are left.
    fn evict(&mut self, budget: usize) {
        if self.usage.bytes <= budget {
            return;
        }
        let mut by_age: Vec<(u64, StripKey)> = self
            .strips
            .iter()
            .map(|(key, strip)| (strip.used, *key))
            .collect();
        by_age.sort_unstable_by_key(|(used, _)| *used);
        for (_, key) in by_age {
            if self.usage.bytes <= budget / 4 * 3 {
                break;
            }
            if let Some(strip) = self.strips.remove(&key) {
                self.usage.bytes -= cost(&strip.scan);
            }
        }
        self.usage.kept = self.strips.len();
    }
}

/// What a kept strip costs: its bytes and its entry.
fn cost(scan: &Bytes) -> usize {
    scan.len() + std::mem::size_of::<(StripKey, Strip)>()
}

/// Encodes frames, keeping their coded strips.
#[derive(Debug)]
pub struct StripEncoder {
    budget: usize,
    store: Mutex<Store>,
}

impl Default for StripEncoder {
    fn default() -> Self {
        Self::with_budget(BUDGET_BYTES)
    }
}

impl StripEncoder {
    pub fn with_budget(budget: usize) -> Self {
        Self {
            budget,
            store: Mutex::default(),
        }
    }

    /// A baseline (SOF0) JPEG of `picture`, 4:2:0, with the standard Huffman tables and a
    /// restart marker after every row of MCUs.
    pub fn encode(&self, picture: &Picture) -> Result<Bytes, EncodeError> {
        let (width, height) = dimensions(picture)?;
        let strip_len = usize::from(width) * 3 * MCU_SIZE;
        let keys: Vec<StripKey> = picture
            .rgb
            .chunks(strip_len)
            .map(|pixels| StripKey {
                width,
                rows: u16::try_from(pixels.len() / (usize::from(width) * 3)).unwrap_or(0),
                digest: xxh3_128(pixels),
            })
            .collect();

        let (frame, header, mut scans) = {
            let mut store = self.lock();
            store.frames += 1;
            let frame = store.frames;
            let scans: Vec<Option<Bytes>> = keys
                .iter()
                .map(|key| {
                    store.strips.get_mut(key).map(|strip| {
                        strip.used = frame;
                        strip.scan.clone()
                    })
                })
                .collect();
            let reused = scans.iter().filter(|scan| scan.is_some()).count();
            store.usage.reused += reused as u64;
            (frame, store.headers.get(&(width, height)).cloned(), scans)
        };

        // Coding happens outside the lock, so that frames of other views never wait on it.
        let header = match header {
            Some(header) => header,
            None => {
                let header = header_of(width, height)?;
                let mut store = self.lock();
                if store.headers.len() >= MAX_HEADERS {
                    store.headers.clear();
                }
                store.headers.insert((width, height), header.clone());
                header
            }
        };
        let mut coded = Vec::new();
        for ((scan, key), pixels) in scans
            .iter_mut()
            .zip(&keys)
            .zip(picture.rgb.chunks(strip_len))
        {
            if scan.is_none() {
                let fresh = strip_scan(pixels, width, key.rows)?;
                coded.push((*key, fresh.clone()));
                *scan = Some(fresh);
            }
        }
        if !coded.is_empty() {
            let mut store = self.lock();
            store.usage.coded += coded.len() as u64;
            for (key, scan) in coded {
                store.keep(key, scan, frame);
            }
            store.evict(self.budget);
        }

        let scans: Vec<Bytes> = scans.into_iter().flatten().collect();
        let total = header.len() + scans.iter().map(|scan| scan.len() + 2).sum::<usize>() + 2;
        let mut jpeg = Vec::with_capacity(total);
        jpeg.extend_from_slice(&header);
        for (index, scan) in scans.iter().enumerate() {
            if index > 0 {
                jpeg.extend_from_slice(&[0xFF, restart_marker(index - 1)]);
            }
            jpeg.extend_from_slice(scan);
        }
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        Ok(Bytes::from(jpeg))
    }

    /// What the strips cost and saved so far.
    pub fn usage(&self) -> StripUsage {
        self.lock().usage
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// RST0 to RST7, in turn: the marker after the strip of index `index`.
fn restart_marker(index: usize) -> u8 {
    0xD0 + u8::try_from(index % 8).unwrap_or(0)
}

fn dimensions(picture: &Picture) -> Result<(u16, u16), EncodeError> {
    let width = u16::try_from(picture.width).map_err(|_| EncodeError::TooWide)?;
    let height = u16::try_from(picture.height).map_err(|_| EncodeError::TooHigh)?;
    if width == 0 || height == 0 {
        return Err(EncodeError::Empty);
    }
    if picture.rgb.len() != usize::from(width) * usize::from(height) * 3 {
        return Err(EncodeError::Unfilled);
    }
    Ok((width, height))
}

/// The whole JPEG jpeg-encoder writes for `rgb`, with a restart marker every `restart` MCUs.
fn encode_whole(
    rgb: &[u8],
    width: u16,
    height: u16,
    restart: Option<u16>,
) -> Result<Vec<u8>, EncodeError> {
    let mut jpeg = Vec::new();
    let mut encoder = Encoder::new(&mut jpeg, QUALITY);
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    if let Some(restart) = restart {
        encoder.set_restart_interval(restart);
    }
    encoder
        .encode(rgb, width, height, ColorType::Rgb)
        .map_err(|e| EncodeError::Encoder(Arc::new(e)))?;
    Ok(jpeg)
}

/// The MCUs in a row of a frame `width` pixels wide: the restart interval.
fn row_of_mcus(width: u16) -> u16 {
    width.div_ceil(MCU_SIZE as u16)
}

/// The header of a `width` x `height` frame, up to the end of its scan header: jpeg-encoder's
/// own, taken from a blank frame of that size (the header does not depend on the pixels).
fn header_of(width: u16, height: u16) -> Result<Bytes, EncodeError> {
    let blank = vec![0; usize::from(width) * usize::from(height) * 3];
    let jpeg = encode_whole(&blank, width, height, Some(row_of_mcus(width)))?;
    let start = scan_start(&jpeg).ok_or(EncodeError::NoScanHeader)?;
    Ok(Bytes::copy_from_slice(&jpeg[..start]))
}

/// The entropy-coded bytes of one strip: jpeg-encoder's JPEG of the strip alone, without its
/// header and EOI.
fn strip_scan(pixels: &[u8], width: u16, rows: u16) -> Result<Bytes, EncodeError> {
    let jpeg = encode_whole(pixels, width, rows, None)?;
    let start = scan_start(&jpeg).ok_or(EncodeError::NoScanHeader)?;
    let end = jpeg
        .len()
        .checked_sub(2)
        .filter(|&end| end >= start && jpeg[end..] == [0xFF, 0xD9])
        .ok_or(EncodeError::NoEnd)?;
    Ok(Bytes::copy_from_slice(&jpeg[start..end]))
}

/// Where the entropy-coded data of a JPEG starts: past the SOS segment, found by walking the
/// marker segments from SOI. `None` when the bytes are not laid out so.
fn scan_start(jpeg: &[u8]) -> Option<usize> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at: usize = 2;
    loop {
        let &[0xFF, marker, high, low] = jpeg.get(at..at.checked_add(4)?)? else {
            return None;
        };
        let next = at + 2 + usize::from(u16::from_be_bytes([high, low]));
        if marker == 0xDA {
            return (next <= jpeg.len()).then_some(next);
        }
        at = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::camera::scene::{self, Moment};
    use proptest::prelude::*;

    fn picture(width: u32, height: u32, rgb: Vec<u8>) -> Picture {
        Picture { width, height, rgb }
    }

    /// What jpeg-encoder writes for the whole picture with a restart marker every row of MCUs.
    fn whole(picture: &Picture) -> Vec<u8> {
        let (width, height) = dimensions(picture).expect("a valid picture");
        encode_whole(&picture.rgb, width, height, Some(row_of_mcus(width))).expect("encodes")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any shape (rows of MCUs cut short at the right and at the bottom included), any
        /// pixels: the spliced frame is the library's whole frame, byte for byte, whether its
        /// strips are coded afresh or taken from those kept.
        #[test]
        fn splicing_gives_the_librarys_bytes(
            width in 1u32..70,
            height in 1u32..70,
            seed in any::<u64>(),
            changed_row in any::<prop::sample::Index>(),
        ) {
            let len = (width * height * 3) as usize;
            let mut state = seed | 1;
            let rgb: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    // Smooth runs with noise: the coder's long and short codes both.
                    (state >> 56) as u8 & 0xF0
                })
                .collect();
            let strips = StripEncoder::default();
            let first = picture(width, height, rgb.clone());
            prop_assert_eq!(strips.encode(&first).expect("encodes").to_vec(), whole(&first));
            // One row of pixels changed: its strip is coded again, the others are reused.
            let mut rgb = rgb;
            let row = changed_row.index(height as usize);
            let at = row * width as usize * 3;
            for byte in &mut rgb[at..at + width as usize * 3] {
                *byte = byte.wrapping_add(97);
            }
            let second = picture(width, height, rgb);
            let before = strips.usage();
            prop_assert_eq!(strips.encode(&second).expect("encodes").to_vec(), whole(&second));
            let after = strips.usage();
            let rows_of_mcus = u64::from(height.div_ceil(16));
            prop_assert_eq!(after.coded - before.coded, 1);
            prop_assert_eq!(after.reused - before.reused, rows_of_mcus - 1);
        }
    }

    #[test]
    fn camera_frames_are_the_librarys_and_decode() {
        let strips = StripEncoder::default();
        let at = |tick| Moment {
            tick,
            unix_ms: 1_437_987_102_000 + tick * 1000 / 15,
            tz_shift: 60,
        };
        for (width, height) in [(640, 480), (320, 240), (160, 120), (176, 144)] {
            for tick in [0, 1, 2, 105, 106] {
                let frame = scene::render("internal", width, height, at(tick));
                let jpeg = strips.encode(&frame).expect("encodes");
                assert_eq!(
                    jpeg.as_ref(),
                    whole(&frame).as_slice(),
                    "{width}x{height} #{tick}"
                );
                let decoded = image::load_from_memory(&jpeg).expect("a decoder reads it");
                assert_eq!((decoded.width(), decoded.height()), (width, height));
            }
        }
    }

    #[test]
    fn a_scene_period_later_only_the_text_is_coded_again() {
        let strips = StripEncoder::default();
        let at = |tick: u64| Moment {
            tick,
            unix_ms: 1_437_987_102_000 + tick * 1000 / 15,
            tz_shift: 0,
        };
        strips
            .encode(&scene::render("internal", 640, 480, at(3)))
            .expect("encodes");
        let before = strips.usage();
        strips
            .encode(&scene::render("internal", 640, 480, at(3 + 105)))
            .expect("encodes");
        let after = strips.usage();
        let coded = after.coded - before.coded;
        // 30 rows of MCUs; the text box covers the top ten, of which the time and the counter
        // change.
        assert!((1..=10).contains(&coded), "{coded} strips coded again");
        assert_eq!(after.reused - before.reused, 30 - coded);
    }

    #[test]
    fn the_kept_strips_stay_within_the_budget() {
        let budget = 64 << 10;
        let strips = StripEncoder::with_budget(budget);
        for tick in 0..60 {
            let moment = Moment {
                tick,
                unix_ms: 1_437_987_102_000,
                tz_shift: 0,
            };
            let frame = scene::render("internal", 320, 240, moment);
            let jpeg = strips.encode(&frame).expect("encodes");
            assert_eq!(jpeg.as_ref(), whole(&frame).as_slice());
            assert!(strips.usage().bytes <= budget, "{:?}", strips.usage());
        }
        assert!(strips.usage().kept > 0);
    }

    #[test]
    fn bad_pictures_are_refused() {
        let strips = StripEncoder::default();
        assert!(strips.encode(&picture(0, 10, Vec::new())).is_err());
        assert!(strips.encode(&picture(4, 4, vec![0; 10])).is_err());
        assert!(
            strips
                .encode(&picture(70_000, 1, vec![0; 210_000]))
                .is_err()
        );
    }

    #[test]
    fn the_scan_start_is_found_only_in_a_jpeg() {
        let jpeg = encode_whole(&[0; 48], 4, 4, None).expect("encodes");
        let start = scan_start(&jpeg).expect("a scan");
        assert_eq!(&jpeg[start - 14..start - 12], &[0xFF, 0xDA]);
        assert_eq!(scan_start(b"not a jpeg"), None);
        assert_eq!(scan_start(&jpeg[..start - 3]), None);
        assert_eq!(scan_start(&[0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF]), None);
    }
}
