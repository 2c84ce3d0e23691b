//! Writing parameters: the query string, the urlencoded body and the multipart body a client
//! sends. The runner needs the exact bytes it sent (to print a `curl` line that reproduces a
//! failure byte for byte), so the multipart writer is our own: about thirty lines of RFC 7578
//! with a boundary the caller chooses.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but the characters that never need escaping in a query value.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `name=value&...` with names and values percent-encoded; the same text serves as an
/// `application/x-www-form-urlencoded` body.
pub fn encode_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    params
        .into_iter()
        .map(|(name, value)| {
            format!(
                "{}={}",
                utf8_percent_encode(name, QUERY_VALUE),
                utf8_percent_encode(value, QUERY_VALUE)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The Content-Type of a multipart body written with `boundary`.
pub fn multipart_content_type(boundary: &str) -> String {
    format!("multipart/form-data; boundary={boundary}")
}

/// A part to write: a name, its bytes, and for files a filename and a media type.
#[derive(Clone, Copy, Debug)]
pub struct PartSpec<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
    pub filename: Option<&'a str>,
    pub content_type: Option<&'a str>,
}

/// A `multipart/form-data` body. The caller picks a boundary that occurs in no part.
pub fn encode_multipart(boundary: &str, parts: &[PartSpec<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let name = quote(part.name);
        match part.filename {
            Some(filename) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\n",
                    quote(filename)
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
            ),
        }
        if let Some(content_type) = part.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(part.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

/// RFC 7578 4.2: names go in a quoted string; `"`, CR and LF are percent-encoded as browsers do.
fn quote(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}
