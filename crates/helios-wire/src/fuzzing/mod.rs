//! The property checks behind the cargo-fuzz targets in `fuzz/`: each target is one line that
//! calls the function of the same name here, and `tests/fuzz_corpus.rs` replays every committed
//! corpus file through the same function. A check panics only when a property is broken; any
//! input at all is otherwise fine.

pub mod config_xml;
pub mod mjpeg_stream;

pub use config_xml::config_xml;
pub use mjpeg_stream::mjpeg_stream;

/// A target's check: it panics only when a property is broken. (A named type, because clippy's
/// `type_complexity` rejects the tuple slice spelled out.)
pub type Check = fn(&[u8]);

/// Every fuzz target by name, with its check.
pub const TARGETS: &[(&str, Check)] = &[("mjpeg_stream", mjpeg_stream), ("config_xml", config_xml)];
