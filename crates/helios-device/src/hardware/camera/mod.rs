//! The simulated camera of 5.19 and 5.20: the profile's sources and JPEG resolutions, a
//! synthetic scene drawn from the device clock ([`scene`]), the memory of the last thirty
//! seconds ([`memory`]), the cache that encodes each frame once ([`frames`]) and the encoder
//! that codes only the strips of a frame it has not coded before ([`strips`]).
//!
//! The camera has a lock of its own, apart from the device state's, so that encoding a frame
//! never holds up the rest of the device, and an `Arc` of its own, so that an MJPEG stream can
//! keep it after the request that opened the stream has returned.
//!
//! Memory use is bounded: 31 captures of 16 bytes, and at most
//! [`BUDGET_BYTES`](frames::BUDGET_BYTES) of encoded frames and
//! [`strips::BUDGET_BYTES`] of coded strips.

mod font;
pub mod frames;
pub mod memory;
pub mod scene;
pub mod strips;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;

use crate::clock::Clock;
use crate::profile;
use frames::{FrameCache, FrameKey};
use memory::{Capture, Memory};
use scene::{FRAME_RATE, Moment};
use strips::EncodeError;

/// What a client looks at: a source (its index in the profile) at one of its resolutions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    pub source: usize,
    pub width: u32,
    pub height: u32,
}

impl View {
    /// The key of this view's frame of `tick` in the frame cache.
    fn key(self, tick: u64) -> FrameKey {
        FrameKey {
            tick,
            source: self.source,
            width: self.width,
            height: self.height,
        }
    }
}

/// An encoded frame and its tick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub tick: u64,
    pub jpeg: Bytes,
}

/// Why no frame could be given.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the device had not started {0} seconds ago")]
    BeforeStart(u64),
    #[error(transparent)]
    Encoding(#[from] EncodeError),
}

#[derive(Debug)]
pub struct Camera {
    config: profile::Camera,
    tz_shift: i32,
    clock: Arc<dyn Clock>,
    memory: Mutex<Memory>,
    frames: FrameCache,
    streams: AtomicUsize,
}

impl Camera {
    pub fn new(config: profile::Camera, tz_shift: i32, clock: Arc<dyn Clock>) -> Self {
        let camera = Self {
            config,
            tz_shift,
            clock,
            memory: Mutex::new(Memory::default()),
            frames: FrameCache::default(),
            streams: AtomicUsize::new(0),
        };
        camera.settle();
        camera
    }

    pub fn config(&self) -> &profile::Camera {
        &self.config
    }

    /// The index of a source the profile lists.
    pub fn source_index(&self, source: &str) -> Option<usize> {
        self.config.sources.iter().position(|s| s == source)
    }

    /// Records the captures of the whole seconds that passed; the device's settle step calls
    /// this, and so does every frame request.
    pub fn settle(&self) {
        self.capture(self.clock.uptime(), None);
    }

    /// The frame the sensor shows now.
    pub fn live(&self, view: View) -> Result<Frame, FrameError> {
        // The frame of this tick, if this thread served it already: no lock to take.
        let uptime = self.clock.uptime();
        let tick = tick_at(uptime);
        if let Some(jpeg) = self.frames.last(view.key(tick)) {
            return Ok(Frame { tick, jpeg });
        }
        let capture = self
            .capture(uptime, Some(tick / FRAME_RATE))
            .ok_or(FrameError::BeforeStart(0))?;
        let unix_ms = capture.unix_ms + (tick % FRAME_RATE) * 1000 / FRAME_RATE;
        self.frame(view, tick, unix_ms, tick, true)
    }

    /// The frame of `seconds_ago` seconds back, from memory: the capture of the whole second
    /// it falls in. Before the device started there is none.
    pub fn past(&self, view: View, seconds_ago: u64) -> Result<Frame, FrameError> {
        let uptime = self.clock.uptime();
        let then = uptime.checked_sub(Duration::from_secs(seconds_ago));
        let capture = self
            .capture(uptime, then.map(|then| then.as_secs()))
            .ok_or(FrameError::BeforeStart(seconds_ago))?;
        self.frame(
            view,
            capture.tick(),
            capture.unix_ms,
            tick_at(uptime),
            false,
        )
    }

    /// How many JPEGs the camera has encoded: each (tick, source, resolution) once.
    pub fn encodes(&self) -> u64 {
        self.frames.encodes()
    }

    /// What the encoder's kept strips cost and saved.
    pub fn strip_usage(&self) -> strips::StripUsage {
        self.frames.strips()
    }

    /// How many frames the cache holds, and their bytes.
    pub fn cache_usage(&self) -> (usize, usize) {
        self.frames.usage()
    }

    /// How many MJPEG streams are open.
    pub fn open_streams(&self) -> usize {
        self.streams.load(Ordering::Relaxed)
    }

    /// Counts a stream as open until the guard is dropped with the stream.
    pub fn open_stream(self: &Arc<Self>) -> StreamGuard {
        self.streams.fetch_add(1, Ordering::Relaxed);
        StreamGuard(self.clone())
    }

    /// Records the seconds that passed up to `uptime`, then reads the capture of `second`, if
    /// one is asked for and memory holds it.
    fn capture(&self, uptime: Duration, second: Option<u64>) -> Option<Capture> {
        let unix = self.clock.unix();
        let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        memory.record(uptime, unix);
        second.and_then(|second| memory.at(second))
    }

    /// The frame of `tick`; `live` lets a client take the newest frame encoded while another
    /// encodes this one (see [`frames`]).
    fn frame(
        &self,
        view: View,
        tick: u64,
        unix_ms: u64,
        now: u64,
        live: bool,
    ) -> Result<Frame, FrameError> {
        let source = self
            .config
            .sources
            .get(view.source)
            .map_or("", String::as_str);
        let key = view.key(tick);
        let moment = Moment {
            tick,
            unix_ms,
            tz_shift: self.tz_shift,
        };
        let (tick, jpeg) = self.frames.get(key, now, live, || {
            scene::render(source, view.width, view.height, moment)
        });
        Ok(Frame {
            tick,
            jpeg: jpeg.map_err(FrameError::Encoding)?,
        })
    }
}

/// The frame clock's tick at `uptime`.
fn tick_at(uptime: Duration) -> u64 {
    u64::try_from(uptime.as_nanos() * u128::from(FRAME_RATE) / 1_000_000_000).unwrap_or(u64::MAX)
}

/// An open MJPEG stream; dropping it (with the stream, when the client goes) closes it.
#[derive(Debug)]
pub struct StreamGuard(Arc<Camera>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::Relaxed);
    }
}
