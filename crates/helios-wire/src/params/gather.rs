//! Gathering: the query, then the body, into every occurrence of every parameter.

use std::borrow::Cow;

use bytes::Bytes;
use helios_spec::{ErrorCode, Function, Method};

use super::{Blob, Gathered, RawParam, RawValue, Source, multipart, urlencoded};
use crate::ApiError;

/// Bounds on what one request may carry. Per-parameter limits come from the spec
/// (`Domain::max_len`, erratum `size-limits`); these cover the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes all values of a request may hold together.
    pub max_request: usize,
    /// The most occurrences of parameters one request may carry.
    pub max_params: usize,
    /// The most bytes a parameter the function does not know may hold.
    pub max_unknown: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_request: 64 << 20,
            max_params: 256,
            max_unknown: 4096,
        }
    }
}

const URLENCODED: &str = "application/x-www-form-urlencoded";
const FORM_DATA: &str = "multipart/form-data";

/// Gathers the parameters of a request to `function` with `method`: from `query` (the part of
/// the URI after `?`), then from `body` when the method carries one (POST and PUT, 2.2) and the
/// body is not empty. `blob-` parameters are taken from multipart parts only.
pub fn gather<'a>(
    function: &Function,
    method: Method,
    query: Option<&'a str>,
    content_type: Option<&str>,
    body: &'a [u8],
    limits: &Limits,
) -> Result<Gathered<'a>, ApiError> {
    let mut collector = Collector {
        function,
        limits,
        gathered: Gathered::default(),
        total: 0,
    };
    if let Some(query) = query {
        text_pairs(query, Source::Query, |param| collector.add(param))?;
    }
    if !method.has_body() || body.is_empty() {
        return Ok(collector.gathered);
    }
    match essence(content_type).as_deref() {
        Some(URLENCODED) => {
            simple_pairs(body, Source::UrlEncoded, |param| collector.add(param))?;
        }
        Some(FORM_DATA) => collector.multipart(content_type.unwrap_or_default(), body)?,
        other => {
            return Err(ApiError::new(
                ErrorCode::ProcessingError,
                format!(
                    "Unsupported Content-Type {} for a request body",
                    other.unwrap_or("(none)")
                ),
            ));
        }
    }
    Ok(collector.gathered)
}

/// The occurrences gathered so far, and the limits each new one is held to.
struct Collector<'a, 'r> {
    function: &'r Function,
    limits: &'r Limits,
    gathered: Gathered<'a>,
    /// The bytes of every value so far.
    total: usize,
}

impl<'a> Collector<'a, '_> {
    /// The most bytes one value of `name` may hold: the spec's limit, or the limit for
    /// parameters the function does not know.
    fn limit_for(&self, name: &str) -> usize {
        self.function
            .param(name)
            .map_or(self.limits.max_unknown, |param| param.domain.max_len())
    }

    /// Takes one occurrence, within the limits (13 otherwise); a `blob-` parameter from
    /// outside a multipart body is noted and left aside.
    fn add(&mut self, param: RawParam<'a>) -> Result<(), ApiError> {
        let limit = self.limit_for(&param.name);
        if param.value.len() > limit {
            return Err(too_big(&param.name, format!("more than {limit} bytes")));
        }
        self.total = self.total.saturating_add(param.value.len());
        if self.total > self.limits.max_request {
            return Err(too_big(
                &param.name,
                format!(
                    "the request holds more than {} bytes",
                    self.limits.max_request
                ),
            ));
        }
        if self.gathered.occurrences.len() >= self.limits.max_params {
            return Err(too_big(
                &param.name,
                format!("more than {} parameters", self.limits.max_params),
            ));
        }
        if is_blob(&param.name) && param.source != Source::Multipart {
            self.gathered.ignored_blobs.push(param.name.into_owned());
        } else {
            self.gathered.occurrences.push(param);
        }
        Ok(())
    }

    /// Takes the parts of a multipart/form-data body: `blob-` parameters as blobs, the others
    /// as text, which must be UTF-8.
    fn multipart(&mut self, content_type: &str, body: &[u8]) -> Result<(), ApiError> {
        let parts = multipart::parts(
            content_type,
            Bytes::copy_from_slice(body),
            &|name| self.limit_for(name),
            self.limits.max_params,
        )?;
        for part in parts {
            let value = if is_blob(&part.name) {
                RawValue::Blob(Box::new(Blob {
                    data: part.data,
                    content_type: part.content_type,
                    filename: part.filename,
                }))
            } else {
                let text = String::from_utf8(part.data.to_vec()).map_err(|_| {
                    ApiError::with_param(
                        ErrorCode::InvalidParameter,
                        &part.name,
                        "a simple parameter that is not UTF-8",
                    )
                })?;
                RawValue::Text(Cow::Owned(text))
            };
            self.add(RawParam {
                name: Cow::Owned(part.name),
                value,
                source: Source::Multipart,
            })?;
        }
        Ok(())
    }
}

/// Gives `each` the pairs of a query or urlencoded body, decoded, in order; the first name or
/// value that cannot be decoded, or the first error of `each`, ends it.
fn simple_pairs<'a>(
    input: &'a [u8],
    source: Source,
    mut each: impl FnMut(RawParam<'a>) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    match std::str::from_utf8(input) {
        // UTF-8 as a whole: so is every name and value.
        Ok(text) => text_pairs(text, source, each),
        // Otherwise some name or value is not, and decoding it names it.
        Err(_) => {
            for pair in urlencoded::pairs(input) {
                let name = urlencoded::decode(pair.name, None)?;
                let value = urlencoded::decode(pair.value, Some(&name))?;
                each(raw_text(name, value, source))?;
            }
            Ok(())
        }
    }
}

/// [`simple_pairs`] of text already known to be UTF-8 (a URI query always is): plain names
/// and values are borrowed without checking them again.
fn text_pairs<'a>(
    text: &'a str,
    source: Source,
    mut each: impl FnMut(RawParam<'a>) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    for (name, value) in urlencoded::text_pairs(text) {
        let name = urlencoded::decode_text(name, None)?;
        let value = urlencoded::decode_text(value, Some(&name))?;
        each(raw_text(name, value, source))?;
    }
    Ok(())
}

fn raw_text<'a>(name: Cow<'a, str>, value: Cow<'a, str>, source: Source) -> RawParam<'a> {
    RawParam {
        name,
        value: RawValue::Text(value),
        source,
    }
}

/// The media type without parameters, lower-cased; `None` when absent or unreadable.
fn essence(content_type: Option<&str>) -> Option<String> {
    let parsed: mime::Mime = content_type?.trim().parse().ok()?;
    Some(parsed.essence_str().to_ascii_lowercase())
}

fn is_blob(name: &str) -> bool {
    name.starts_with("blob-")
}

fn too_big(name: &str, detail: String) -> ApiError {
    ApiError::with_param(ErrorCode::DataTooBig, name, detail)
}
