//! Gathering: the query, then the body, into every occurrence of every parameter.

use bytes::Bytes;
use helios_spec::{ErrorCode, Function, Method};

use super::{Gathered, RawParam, RawValue, Source, multipart, urlencoded};
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
pub fn gather(
    function: &Function,
    method: Method,
    query: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
    limits: &Limits,
) -> Result<Gathered, ApiError> {
    let limit_for = |name: &str| {
        function
            .param(name)
            .map_or(limits.max_unknown, |param| param.domain.max_len())
    };
    let mut gathered = Gathered::default();
    let mut total = 0usize;
    let mut add = |gathered: &mut Gathered, param: RawParam| -> Result<(), ApiError> {
        let limit = limit_for(&param.name);
        if param.value.len() > limit {
            return Err(too_big(&param.name, format!("more than {limit} bytes")));
        }
        total = total.saturating_add(param.value.len());
        if total > limits.max_request {
            return Err(too_big(
                &param.name,
                format!("the request holds more than {} bytes", limits.max_request),
            ));
        }
        if gathered.occurrences.len() >= limits.max_params {
            return Err(too_big(
                &param.name,
                format!("more than {} parameters", limits.max_params),
            ));
        }
        if is_blob(&param.name) && param.source != Source::Multipart {
            gathered.ignored_blobs.push(param.name);
        } else {
            gathered.occurrences.push(param);
        }
        Ok(())
    };

    if let Some(query) = query {
        for param in simple_pairs(query.as_bytes(), Source::Query)? {
            add(&mut gathered, param?)?;
        }
    }
    if !method.has_body() || body.is_empty() {
        return Ok(gathered);
    }
    match essence(content_type).as_deref() {
        Some(URLENCODED) => {
            for param in simple_pairs(body, Source::UrlEncoded)? {
                add(&mut gathered, param?)?;
            }
        }
        Some(FORM_DATA) => {
            let content_type = content_type.unwrap_or_default();
            let parts = multipart::parts(
                content_type,
                Bytes::copy_from_slice(body),
                &limit_for,
                limits.max_params,
            )?;
            for part in parts {
                let value = if is_blob(&part.name) {
                    RawValue::Blob {
                        data: part.data,
                        content_type: part.content_type,
                        filename: part.filename,
                    }
                } else {
                    RawValue::Text(String::from_utf8(part.data.to_vec()).map_err(|_| {
                        ApiError::with_param(
                            ErrorCode::InvalidParameter,
                            &part.name,
                            "a simple parameter that is not UTF-8",
                        )
                    })?)
                };
                add(
                    &mut gathered,
                    RawParam {
                        name: part.name,
                        value,
                        source: Source::Multipart,
                    },
                )?;
            }
        }
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
    Ok(gathered)
}

/// The pairs of a query or urlencoded body, decoded; a name that cannot be decoded fails at once.
fn simple_pairs(
    input: &[u8],
    source: Source,
) -> Result<impl Iterator<Item = Result<RawParam, ApiError>> + '_, ApiError> {
    Ok(urlencoded::pairs(input).map(move |pair| {
        let name = urlencoded::decode(pair.name, None)?;
        let value = urlencoded::decode(pair.value, Some(&name))?;
        Ok(RawParam {
            name,
            value: RawValue::Text(value),
            source,
        })
    }))
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
