//! The property checks behind the cargo-fuzz targets in `fuzz/`: each target is one line that
//! calls the function of the same name here, and `tests/fuzz_corpus.rs` replays every committed
//! corpus file through the same function. A check panics only when a property is broken; any
//! input at all is otherwise fine.

pub mod auth_header;
pub use auth_header::auth_header;

/// Every fuzz target by name, with its check.
pub const TARGETS: &[(&str, fn(&[u8]))] = &[("auth_header", auth_header::auth_header)];
