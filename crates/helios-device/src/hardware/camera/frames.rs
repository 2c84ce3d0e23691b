//! The frame cache: each JPEG is encoded once per (tick, source, resolution) and shared by every
//! client that asks for it, live or from memory.
//!
//! Bounds: a frame of a whole second stays for the camera's memory window (so that `time`
//! finds the bytes that were served live), any other frame for one second; on top of that the
//! encoded bytes never exceed [`BUDGET_BYTES`], the oldest frames going first. Encoding happens
//! outside the cache's lock, so that clients of other frames never wait on it; clients of the
//! same frame wait for the one encoding (`OnceLock`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use bytes::Bytes;
use helios_spec::functions::camera::snapshot::MEMORY_SECONDS;

use super::scene::{FRAME_RATE, Picture};

/// The most encoded bytes the cache holds.
pub const BUDGET_BYTES: usize = 16 << 20;

/// The JPEG quality of every frame: sharp text, small files.
const QUALITY: u8 = 80;

/// Which frame: ordered by tick first, so that the oldest frames come first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FrameKey {
    pub tick: u64,
    /// The source's index in the profile's list.
    pub source: usize,
    pub width: u32,
    pub height: u32,
}

/// An encoded frame, or why encoding failed.
pub type Encoded = Result<Bytes, String>;

#[derive(Debug, Default)]
pub struct FrameCache {
    entries: Mutex<BTreeMap<FrameKey, Arc<OnceLock<Encoded>>>>,
    encodes: AtomicU64,
}

impl FrameCache {
    /// The frame of `key`, drawn by `draw` and encoded if no client asked for it before.
    /// `now` is the current tick, which decides what is old enough to drop.
    pub fn get(&self, key: FrameKey, now: u64, draw: impl FnOnce() -> Picture) -> Encoded {
        let slot = {
            let mut entries = self.lock();
            prune(&mut entries, now);
            entries.entry(key).or_default().clone()
        };
        let encoded = slot
            .get_or_init(|| {
                self.encodes.fetch_add(1, Ordering::Relaxed);
                encode(&draw())
            })
            .clone();
        keep_within_budget(&mut self.lock());
        encoded
    }

    /// How many frames have been encoded since the device started.
    pub fn encodes(&self) -> u64 {
        self.encodes.load(Ordering::Relaxed)
    }

    /// How many frames the cache holds, and their encoded bytes.
    pub fn usage(&self) -> (usize, usize) {
        let entries = self.lock();
        (entries.len(), encoded_bytes(&entries))
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<FrameKey, Arc<OnceLock<Encoded>>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Drops frames past their time: whole-second frames after the memory window, others after a
/// second.
fn prune(entries: &mut BTreeMap<FrameKey, Arc<OnceLock<Encoded>>>, now: u64) {
    let memory_ticks = (MEMORY_SECONDS.unsigned_abs() + 1) * FRAME_RATE;
    entries.retain(|key, _| {
        let keep = if key.tick % FRAME_RATE == 0 {
            memory_ticks
        } else {
            FRAME_RATE
        };
        key.tick + keep >= now
    });
}

fn keep_within_budget(entries: &mut BTreeMap<FrameKey, Arc<OnceLock<Encoded>>>) {
    let mut total = encoded_bytes(entries);
    while total > BUDGET_BYTES {
        let Some((_, slot)) = entries.pop_first() else {
            break;
        };
        total -= slot_bytes(&slot);
    }
}

fn encoded_bytes(entries: &BTreeMap<FrameKey, Arc<OnceLock<Encoded>>>) -> usize {
    entries.values().map(|slot| slot_bytes(slot)).sum()
}

fn slot_bytes(slot: &OnceLock<Encoded>) -> usize {
    match slot.get() {
        Some(Ok(jpeg)) => jpeg.len(),
        _ => 0,
    }
}

/// A baseline (SOF0) JPEG of `picture`, 4:2:0, with the standard Huffman tables.
fn encode(picture: &Picture) -> Encoded {
    let width = u16::try_from(picture.width).map_err(|_| "the frame is too wide".to_owned())?;
    let height = u16::try_from(picture.height).map_err(|_| "the frame is too high".to_owned())?;
    let mut jpeg = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut jpeg, QUALITY);
    encoder
        .encode(&picture.rgb, width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| format!("encoding the frame failed: {e}"))?;
    Ok(Bytes::from(jpeg))
}
