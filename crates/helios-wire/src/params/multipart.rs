//! `multipart/form-data` bodies (RFC 7578), read with `multer`.
//!
//! multer is a streaming, async parser; the body here is already in memory (the HTTP layer caps
//! its size), so it is fed as one chunk and driven with `block_on`, which never actually waits.

use std::convert::Infallible;

use bytes::Bytes;
use helios_spec::ErrorCode;

use crate::ApiError;

/// One part of the body.
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) data: Bytes,
    pub(crate) content_type: Option<String>,
    pub(crate) filename: Option<String>,
}

/// Reads every named part of `body`. `limit_for` gives the most bytes a part of that name may
/// hold; a larger part answers 13 naming it. `max_parts` bounds how many parts are read.
pub(crate) fn parts(
    content_type: &str,
    body: Bytes,
    limit_for: &dyn Fn(&str) -> usize,
    max_parts: usize,
) -> Result<Vec<Part>, ApiError> {
    let boundary = multer::parse_boundary(content_type).map_err(|e| {
        ApiError::new(
            ErrorCode::ProcessingError,
            format!("multipart body without a usable boundary: {e}"),
        )
    })?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    futures_executor::block_on(async move {
        let mut parts = Vec::new();
        while let Some(mut field) = multipart.next_field().await.map_err(broken)? {
            let Some(name) = field.name().map(str::to_owned) else {
                // A part without a name cannot be a parameter; skip its bytes.
                while field.chunk().await.map_err(broken)?.is_some() {}
                continue;
            };
            if parts.len() >= max_parts {
                return Err(ApiError::with_param(
                    ErrorCode::DataTooBig,
                    name,
                    format!("more than {max_parts} parts"),
                ));
            }
            let limit = limit_for(&name);
            let content_type = field.content_type().map(ToString::to_string);
            let filename = field.file_name().map(str::to_owned);
            let mut data = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                if data.len() + chunk.len() > limit {
                    return Err(ApiError::with_param(
                        ErrorCode::DataTooBig,
                        name,
                        format!("more than {limit} bytes"),
                    ));
                }
                data.extend_from_slice(&chunk);
            }
            parts.push(Part {
                name,
                data: Bytes::from(data),
                content_type,
                filename,
            });
        }
        Ok(parts)
    })
}

/// A body multer cannot read: erratum `malformed-request` rules 14.
fn broken(error: multer::Error) -> ApiError {
    ApiError::new(
        ErrorCode::ProcessingError,
        format!("broken multipart body: {error}"),
    )
}
