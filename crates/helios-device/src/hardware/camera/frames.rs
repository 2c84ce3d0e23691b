//! The frame cache: each JPEG is encoded once per (tick, source, resolution) and shared by every
//! client that asks for it, live or from memory.
//!
//! Bounds: a frame of a whole second stays for the camera's memory window (so that `time`
//! finds the bytes that were served live), any other frame for one second; on top of that the
//! encoded bytes never exceed [`BUDGET_BYTES`], the oldest frames going first. Encoding happens
//! outside the cache's lock, so that clients of other frames never wait on it; clients of the
//! same frame wait for the one encoding (`OnceLock`), except live clients: while another client
//! encodes the frame of this tick, a live client gets the newest frame of its view already
//! encoded (one tick, 67 ms, older), as a camera serves the last frame its encoder finished.
//! Waiting would hold a server thread for the whole encoding, for every such client at once.
//! With one client at a time (and under a manual clock) nobody ever finds an encoding under way,
//! so what a client sees stays a function of the clock.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use bytes::Bytes;
use helios_spec::functions::camera::snapshot::MEMORY_SECONDS;

use super::scene::{FRAME_RATE, Picture};
use super::strips::{EncodeError, StripEncoder, StripUsage};

/// The most encoded bytes the cache holds.
pub const BUDGET_BYTES: usize = 16 << 20;

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
pub type Encoded = Result<Bytes, EncodeError>;

/// One frame: whether a client has taken on its encoding, and the encoding once done.
#[derive(Debug, Default)]
struct Slot {
    claimed: AtomicBool,
    encoded: OnceLock<Encoded>,
}

type Entries = BTreeMap<FrameKey, Arc<Slot>>;

#[derive(Debug)]
pub struct FrameCache {
    /// The cache's own number, which the threads' last frames are kept under.
    id: u64,
    entries: Mutex<Entries>,
    /// The tick the entries were last pruned at: once a tick is enough.
    pruned_at: AtomicU64,
    encodes: AtomicU64,
    strips: StripEncoder,
}

/// The numbers of the caches made so far.
static CACHES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The last frame this thread took from a cache, under the cache's number and the frame's
    /// key. Every client of a tick asks for the same frame; the second and later on a thread
    /// find it here, without the cache's lock or the slot's count, which every server thread
    /// would otherwise write for every snapshot. One frame a thread, replaced by the next.
    static LAST: RefCell<Option<(u64, FrameKey, Bytes)>> = const { RefCell::new(None) };
}

impl Default for FrameCache {
    fn default() -> Self {
        Self {
            id: CACHES.fetch_add(1, Ordering::Relaxed),
            entries: Mutex::default(),
            pruned_at: AtomicU64::default(),
            encodes: AtomicU64::default(),
            strips: StripEncoder::default(),
        }
    }
}

impl FrameCache {
    /// The frame of `key` if this thread took it from this cache last (a live client looks
    /// here before it reads the clock's capture and calls [`Self::get`]).
    pub fn last(&self, key: FrameKey) -> Option<Bytes> {
        LAST.with_borrow(|last| match last {
            Some((id, last_key, jpeg)) if *id == self.id && *last_key == key => Some(jpeg.clone()),
            _ => None,
        })
    }

    /// Keeps `encoded` as this thread's last frame, if it is one.
    fn remember(&self, key: FrameKey, encoded: &Encoded) {
        if let Ok(jpeg) = encoded {
            LAST.with_borrow_mut(|last| *last = Some((self.id, key, jpeg.clone())));
        }
    }

    /// The frame of `key`, drawn by `draw` and encoded if no client asked for it before.
    /// `now` is the current tick, which decides what is old enough to drop. With `live`, a
    /// client that finds another encoding this frame gets the newest frame of the same view
    /// already encoded, with its tick, rather than waiting. Returns the tick of the frame given.
    pub fn get(
        &self,
        key: FrameKey,
        now: u64,
        live: bool,
        draw: impl FnOnce() -> Picture,
    ) -> (u64, Encoded) {
        let (slot, newest) = {
            let mut entries = self.lock();
            // Under the entries' lock: a load, and a store once a tick.
            if self.pruned_at.load(Ordering::Relaxed) != now {
                self.pruned_at.store(now, Ordering::Relaxed);
                prune(&mut entries, now);
            }
            let slot = entries.entry(key).or_default().clone();
            let busy = slot.encoded.get().is_none() && slot.claimed.load(Ordering::Acquire);
            let newest = (live && busy)
                .then(|| newest_before(&entries, key))
                .flatten();
            (slot, newest)
        };
        if let Some(encoded) = slot.encoded.get() {
            self.remember(key, encoded);
            return (key.tick, encoded.clone());
        }
        if slot.claimed.swap(true, Ordering::AcqRel) {
            if let Some(newest) = newest {
                return newest;
            }
            let encoded = slot.encoded.wait();
            self.remember(key, encoded);
            return (key.tick, encoded.clone());
        }
        let encoded = slot
            .encoded
            .get_or_init(|| {
                self.encodes.fetch_add(1, Ordering::Relaxed);
                self.strips.encode(&draw())
            })
            .clone();
        keep_within_budget(&mut self.lock());
        self.remember(key, &encoded);
        (key.tick, encoded)
    }

    /// How many frames have been encoded since the device started.
    pub fn encodes(&self) -> u64 {
        self.encodes.load(Ordering::Relaxed)
    }

    /// What the encoder's kept strips cost and saved.
    pub fn strips(&self) -> StripUsage {
        self.strips.usage()
    }

    /// How many frames the cache holds, and their encoded bytes.
    pub fn usage(&self) -> (usize, usize) {
        let entries = self.lock();
        (entries.len(), encoded_bytes(&entries))
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The newest frame of `key`'s view before it that is encoded, with its tick.
fn newest_before(entries: &Entries, key: FrameKey) -> Option<(u64, Encoded)> {
    entries
        .range(..key)
        .rev()
        .filter(|(k, _)| (k.source, k.width, k.height) == (key.source, key.width, key.height))
        .find_map(|(k, slot)| match slot.encoded.get() {
            Some(Ok(jpeg)) => Some((k.tick, Ok(jpeg.clone()))),
            _ => None,
        })
}

/// Drops frames past their time: whole-second frames after the memory window, others after a
/// second.
fn prune(entries: &mut Entries, now: u64) {
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

fn keep_within_budget(entries: &mut Entries) {
    let mut total = encoded_bytes(entries);
    while total > BUDGET_BYTES {
        let Some((_, slot)) = entries.pop_first() else {
            break;
        };
        total -= slot_bytes(&slot);
    }
}

fn encoded_bytes(entries: &Entries) -> usize {
    entries.values().map(|slot| slot_bytes(slot)).sum()
}

fn slot_bytes(slot: &Slot) -> usize {
    match slot.encoded.get() {
        Some(Ok(jpeg)) => jpeg.len(),
        _ => 0,
    }
}
