//! The property checks behind the cargo-fuzz targets in `fuzz/`: each target is one line that
//! calls the function of the same name here, and `tests/fuzz_corpus.rs` replays every committed
//! corpus file through the same function. A check panics only when a property is broken; any
//! input at all is otherwise fine.

mod auth_header;
mod config_xml;
mod envelope_json;
mod event_json;
mod mjpeg_stream;
mod params;

pub use auth_header::auth_header;
pub use config_xml::config_xml;
pub use envelope_json::envelope_json;
pub use event_json::event_json;
pub use mjpeg_stream::mjpeg_stream;
pub use params::{multipart, query, urlencoded};

/// A target's property check: panics only when a property is broken.
pub type Check = fn(&[u8]);

/// Every fuzz target by name, with its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("query", query),
    ("urlencoded", urlencoded),
    ("multipart", multipart),
    ("envelope_json", envelope_json),
    ("event_json", event_json),
    ("auth_header", auth_header),
    ("mjpeg_stream", mjpeg_stream),
    ("config_xml", config_xml),
];
