//! libFuzzer dictionaries for the fuzz targets, generated from the spec (parameter names and
//! values, result fields, event names and params) and from the protocols' own tokens.

use std::collections::BTreeSet;

use helios_spec::audit::visit_fields;
use helios_spec::{COMMON_FIELDS, Domain, EVENTS, ErrorCode, FUNCTIONS};

/// The dictionaries, by target name.
pub(crate) fn dictionaries() -> Vec<(&'static str, String)> {
    let params = params();
    vec![
        ("query", render(&params)),
        ("urlencoded", render(&params)),
        (
            "multipart",
            render_bytes(
                multipart(&params)
                    .iter()
                    .map(|t| t.as_bytes())
                    .chain(BINARY.iter().copied()),
            ),
        ),
        ("envelope_json", render(&envelope())),
        ("event_json", render(&events())),
        ("auth_header", render(&auth())),
        (
            "mjpeg_stream",
            render_bytes(
                mjpeg()
                    .iter()
                    .map(|t| t.as_bytes())
                    .chain(BINARY.iter().copied()),
            ),
        ),
        ("config_xml", render(&config_xml())),
    ]
}

fn params() -> BTreeSet<String> {
    let mut tokens: BTreeSet<String> = ["=", "&", "%", "+", "%00", "%FF", "-", ","]
        .map(String::from)
        .into();
    for function in FUNCTIONS {
        for param in function.params {
            tokens.insert(param.name.to_owned());
            tokens.insert(format!("{}=", param.name));
            match param.domain {
                Domain::Enum(words) => tokens.extend(words.iter().map(|w| (*w).to_owned())),
                Domain::Int { min, max } => {
                    tokens.insert(min.to_string());
                    tokens.insert(max.to_string());
                }
                Domain::EventFilter => tokens.extend(EVENTS.iter().map(|e| e.name.to_owned())),
                Domain::Include => tokens.extend(["new", "all", "-10"].map(String::from)),
                Domain::Text { .. } | Domain::Blob { .. } => {}
            }
        }
    }
    tokens
}

fn multipart(params: &BTreeSet<String>) -> BTreeSet<String> {
    let mut tokens = params.clone();
    tokens.extend(
        [
            "--fuzz-7MA4YWxkTrZu0gW-helios",
            "--fuzz-7MA4YWxkTrZu0gW-helios--",
            "\r\n",
            "\r\n\r\n",
            "Content-Disposition: form-data; name=\"",
            "\"; filename=\"",
            "Content-Type: ",
            "application/octet-stream",
            "GIF89a",
        ]
        .map(String::from),
    );
    tokens
}

fn envelope() -> BTreeSet<String> {
    let mut tokens: BTreeSet<String> = [
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"success\"",
        "\"result\"",
        "\"error\"",
        "\"code\"",
        "\"param\"",
        "\"description\"",
        "true",
        "false",
        "null",
        ",}",
        ",]",
        "\u{feff}",
    ]
    .map(String::from)
    .into();
    for code in ErrorCode::ALL {
        tokens.insert(code.code().to_string());
        tokens.insert(format!("\"{}\"", code.description()));
    }
    for function in FUNCTIONS {
        for result in function.replies.iter().filter_map(|reply| reply.result) {
            visit_fields(result, &mut |field| {
                tokens.insert(format!("\"{}\"", field.name));
            });
        }
    }
    tokens
}

fn events() -> BTreeSet<String> {
    let mut tokens: BTreeSet<String> = ["{", "}", ":", ",", "true", "false", "0", "1", ",}"]
        .map(String::from)
        .into();
    for field in COMMON_FIELDS {
        tokens.insert(format!("\"{}\"", field.name));
    }
    for event in EVENTS {
        tokens.insert(format!("\"{}\"", event.name));
        visit_fields(event.params, &mut |field| {
            tokens.insert(format!("\"{}\"", field.name));
            if let helios_spec::FieldType::Enum(values) = field.ty {
                tokens.extend(values.iter().map(|v| format!("\"{v}\"")));
            }
        });
    }
    tokens
}

fn auth() -> BTreeSet<String> {
    [
        "Basic ",
        "Digest ",
        "realm=",
        "nonce=",
        "opaque=",
        "stale=true",
        "stale=false",
        "algorithm=",
        "MD5",
        "MD5-sess",
        "SHA-256",
        "SHA-256-sess",
        "qop=",
        "\"auth\"",
        "\"auth,auth-int\"",
        "auth-int",
        "username=",
        "uri=",
        "response=",
        "cnonce=",
        "nc=",
        "00000001",
        "userhash=true",
        "charset=UTF-8",
        "domain=",
        ", ",
        "\"",
        "\\\"",
        "=",
    ]
    .map(String::from)
    .into()
}

fn mjpeg() -> BTreeSet<String> {
    [
        "--",
        "\r\n",
        "\n",
        "\r\n\r\n",
        "Content-Type: image/jpeg",
        "Content-Length: ",
        "boundary",
    ]
    .map(String::from)
    .into()
}

fn config_xml() -> BTreeSet<String> {
    let mut tokens: BTreeSet<String> = [
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "</",
        "/>",
        "&amp;",
        "&lt;",
        "&gt;",
        "&quot;",
        "&apos;",
        "&#x41;",
        "Version=\"4\"",
        "<Network>",
        "<DhcpEnabled>",
        "1",
    ]
    .map(String::from)
    .into();
    tokens.insert(format!("<{}", helios_spec::functions::config::ROOT_ELEMENT));
    tokens
}

/// libFuzzer's dictionary format: one quoted token a line, with `\\`, `\"` and non-printable
/// bytes as `\xNN`.
fn render(tokens: &BTreeSet<String>) -> String {
    render_bytes(tokens.iter().map(|token| token.as_bytes()))
}

/// Binary markers that no text token can spell: the JPEG start and end of image, PNG's
/// signature byte.
const BINARY: &[&[u8]] = &[b"\xFF\xD8\xFF", b"\xFF\xD9", b"\x89PNG\r\n\x1A\n"];

fn render_bytes<'a>(tokens: impl Iterator<Item = &'a [u8]>) -> String {
    let mut out =
        String::from("# Generated by `cargo xtask codegen` from helios-spec; do not edit.\n");
    for token in tokens {
        out.push('"');
        for &byte in token {
            match byte {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                0x20..=0x7e => out.push(char::from(byte)),
                _ => out.push_str(&format!("\\x{byte:02X}")),
            }
        }
        out.push_str("\"\n");
    }
    out
}
