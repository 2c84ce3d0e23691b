//! Why a configuration document could not be read, written or changed.

/// Everything that goes wrong with a configuration document. Offsets are bytes into the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigXmlError {
    #[error("the document has {size} bytes, more than the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("the document is not UTF-8 (byte {offset})")]
    NotUtf8 { offset: usize },
    #[error("the document declares the encoding {0:?}; only UTF-8 is read")]
    UnsupportedEncoding(String),
    #[error("malformed XML at byte {offset}: {reason}")]
    Malformed { offset: u64, reason: String },
    #[error("the document has no root element")]
    NoRoot,
    #[error("the root element is <{found}>, not <{expected}>")]
    WrongRoot {
        found: String,
        expected: &'static str,
    },
    #[error("elements nest deeper than {limit} levels at byte {offset}")]
    TooDeep { offset: u64, limit: usize },
    #[error("the document has more than {limit} elements")]
    TooManyElements { limit: usize },
    #[error("the document has more than {limit} nodes")]
    TooManyNodes { limit: usize },
    #[error("cannot write {what}: {reason}")]
    Unwritable {
        what: &'static str,
        reason: &'static str,
    },
    #[error("invalid path {path:?}: {reason}")]
    InvalidPath { path: String, reason: &'static str },
    #[error("no element at {path:?}")]
    PathNotFound { path: String },
    #[error("the element at {path:?} has child elements, not a value")]
    NotAValue { path: String },
    #[error("the root element has no {0} attribute")]
    MissingVersion(&'static str),
    #[error("the root element's version {0:?} is not a number")]
    InvalidVersion(String),
}
