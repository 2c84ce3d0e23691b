//! The configuration document of `/api/config` (manual 5.6): a `DeviceDatabase` XML file that
//! GET downloads and PUT uploads as `blob-cfg`.
//!
//! It is read into a generic tree ([`Document`]) that keeps everything, known or not: elements,
//! attributes in order, text, comments, CDATA, processing instructions and the declaration. So a
//! configuration passes through the harness unchanged: reading, writing and reading again gives
//! the same tree, and a document our writer wrote is written again byte for byte. Typed accessors
//! ([`Document::version`], [`Document::get`], [`Document::set`]) work on top of the tree.
//!
//! Reading uses quick-xml's event reader (pinned to 0.42, whose API changes between minors),
//! bounded by [`Limits`]; any input gives a tree or a [`ConfigXmlError`], never a panic.

mod error;
mod markup;
mod name;
mod path;
mod read;
mod tree;
mod write;

#[cfg(test)]
mod tests;

pub use error::ConfigXmlError;
pub use tree::{Attribute, Document, Element, Node};

use helios_spec::functions::config;

pub use helios_spec::functions::config::VERSION_ATTRIBUTE;

/// How much of a document is read before giving up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes a document may have.
    pub max_bytes: usize,
    /// The deepest nesting of elements, the root being level 1.
    pub max_depth: usize,
    pub max_elements: usize,
    /// The most nodes of any kind (elements, text, comments, ...), which bounds the tree's
    /// memory whatever the document is made of.
    pub max_nodes: usize,
}

impl Default for Limits {
    /// The size the device accepts for an upload (`blob-cfg`'s limit in the spec), 64 levels,
    /// and counts far above a real configuration (a few thousand elements).
    fn default() -> Self {
        Self {
            max_bytes: upload_limit(),
            max_depth: 64,
            max_elements: 100_000,
            max_nodes: 400_000,
        }
    }
}

/// The spec's limit on `blob-cfg`. Should the spec ever lose that parameter, the limit is zero
/// and every read fails at once, which the tests catch, rather than a number guessed here.
fn upload_limit() -> usize {
    config::FUNCTION
        .param("blob-cfg")
        .map_or(0, |param| param.domain.max_len())
}

/// Reads a configuration document: a `DeviceDatabase` root, default limits.
pub fn parse(bytes: &[u8]) -> Result<Document, ConfigXmlError> {
    parse_with(bytes, &Limits::default())
}

/// Reads a configuration document within `limits`.
pub fn parse_with(bytes: &[u8], limits: &Limits) -> Result<Document, ConfigXmlError> {
    let document = read::read(bytes, limits)?;
    if document.root.name != config::ROOT_ELEMENT {
        return Err(ConfigXmlError::WrongRoot {
            found: document.root.name,
            expected: config::ROOT_ELEMENT,
        });
    }
    Ok(document)
}

/// Reads any XML document into the tree, whatever its root element.
pub fn parse_any(bytes: &[u8], limits: &Limits) -> Result<Document, ConfigXmlError> {
    read::read(bytes, limits)
}
