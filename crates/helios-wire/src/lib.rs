//! Bytes to values and back, for both sides of the 2N Helios IP HTTP API.
//!
//! Everything here reads bytes that a stranger wrote: request parameters, JSON replies, event
//! records, authentication headers, MJPEG streams and the configuration XML. Every reader is
//! synchronous, never panics on any input, bounds the memory it uses, and has a cargo-fuzz target
//! in `fuzz/` whose property check lives in `fuzzing` (the `fuzzing` feature) so that
//! `cargo test` replays the committed corpora through exactly the same code.

pub mod auth;
pub mod config_xml;
pub mod envelope;
pub mod error;
pub mod event;
pub mod finding;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod mjpeg;
pub mod params;

pub use error::ApiError;
pub use finding::Finding;
