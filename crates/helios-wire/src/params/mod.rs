//! Request parameters (manual 2.2): gathered from the URI query, an urlencoded body and a
//! multipart/form-data body in any combination, the last occurrence of a name winning across all
//! of them; then checked against a function's spec entry into typed values.
//!
//! The pipeline is two steps, both pure: [`gather`] turns bytes into [`Gathered`] (errors 12, 13
//! and 14 for what cannot be read or is too big), and [`validate`] turns that into [`Params`]
//! (errors 11 and 12 for what is missing or out of domain). Values that only the device's own
//! caps decide (which switches exist) are checked by the device, not here.

mod encode;
mod gather;
mod multipart;
mod urlencoded;
mod validate;

pub use encode::{PartSpec, encode_multipart, encode_query, multipart_content_type};
pub use gather::{Limits, gather};
pub use validate::{Include, Params, Typed, TypedBlob, sniff_blob, validate};

use std::borrow::Cow;

use bytes::Bytes;
use smallvec::SmallVec;

/// Where a parameter came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    Query,
    UrlEncoded,
    Multipart,
}

/// A parameter's value as it arrived. Text that needed no decoding is borrowed from the
/// request (most values are plain, and a request then costs no allocation per parameter).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawValue<'a> {
    /// A simple value, decoded to text.
    Text(Cow<'a, str>),
    /// A multipart part of a `blob-` parameter (boxed: most requests carry none, and every
    /// parameter is as big as the largest kind).
    Blob(Box<Blob>),
}

/// A multipart part of a `blob-` parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blob {
    pub data: Bytes,
    pub content_type: Option<String>,
    pub filename: Option<String>,
}

impl RawValue<'_> {
    /// The number of bytes the value occupies.
    pub fn len(&self) -> usize {
        match self {
            Self::Text(text) => text.len(),
            Self::Blob(blob) => blob.data.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One occurrence of a parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawParam<'a> {
    pub name: Cow<'a, str>,
    pub value: RawValue<'a>,
    pub source: Source,
}

/// Every occurrence of every parameter, in request order: the query first, then the body. The
/// first few are held inline: most requests carry two or three.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gathered<'a> {
    pub occurrences: SmallVec<[RawParam<'a>; 4]>,
    /// `blob-` parameters that arrived outside a multipart body and were therefore not taken
    /// (2.2), kept so that a diagnostic can name them.
    pub ignored_blobs: Vec<String>,
}

impl<'a> Gathered<'a> {
    /// The value that counts: the last occurrence of `name`.
    pub fn get(&self, name: &str) -> Option<&RawParam<'a>> {
        self.occurrences
            .iter()
            .rev()
            .find(|param| param.name == name)
    }

    /// The distinct names, in order of their first occurrence.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for param in &self.occurrences {
            if !names.contains(&&*param.name) {
                names.push(&param.name);
            }
        }
        names
    }
}
