//! Typed validation of gathered parameters against a function's spec entry: 11 for what is
//! missing, 12 for what is outside its domain, both naming the parameter.

use bytes::Bytes;
use helios_spec::{BlobFormat, Domain, ErrorCode, Function, Method, Param, Presence, Version};
use smallvec::SmallVec;

use super::{Gathered, RawValue};
use crate::ApiError;

/// The `include` forms of `log/subscribe`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Include {
    New,
    All,
    /// `-t`: the events of the last t seconds.
    Last(u32),
}

/// A checked value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed {
    Int(i64),
    /// One of an enumeration's words, as the spec spells it.
    Word(&'static str),
    Text(String),
    /// The event types of a `filter`; empty when the filter is empty (every type).
    Events(Vec<&'static str>),
    Include(Include),
    /// Boxed: few requests carry one, and every value is as big as the largest kind.
    Blob(Box<TypedBlob>),
}

/// Binary data, and the format its signature shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedBlob {
    pub data: Bytes,
    pub format: BlobFormat,
}

/// The parameters of one request, checked and typed, defaults filled in. The first four are
/// held inline: most calls carry no more, and the parameters move with the call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    values: SmallVec<[(&'static str, Typed, bool); 4]>,
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&Typed> {
        self.values
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, v, _)| v)
    }

    /// Whether the request carried the parameter, rather than its default standing in.
    pub fn given(&self, name: &str) -> bool {
        self.values.iter().any(|(n, _, given)| *n == name && *given)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        match self.get(name) {
            Some(Typed::Int(value)) => Some(*value),
            _ => None,
        }
    }

    pub fn word(&self, name: &str) -> Option<&'static str> {
        match self.get(name) {
            Some(Typed::Word(word)) => Some(word),
            _ => None,
        }
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Typed::Text(text)) => Some(text),
            _ => None,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Typed)> {
        self.values.iter().map(|(name, value, _)| (*name, value))
    }
}

/// Checks what was gathered against `function`'s parameters for `method`, as a device running
/// `firmware` knows them: parameters introduced after it are ignored like unknown ones (erratum
/// `newer-function`). Parameters the function does not define are ignored.
pub fn validate(
    function: &Function,
    method: Method,
    gathered: &Gathered<'_>,
    firmware: Version,
) -> Result<Params, ApiError> {
    let known = || {
        function
            .params_for(method)
            .filter(|param| param.origin_in(function).present_in(firmware))
    };
    let mut params = Params::default();
    let mut grouped = false;
    for param in known() {
        grouped |= matches!(param.presence, Presence::OneOf { .. });
        let raw = gathered.get(param.name);
        match (raw, param.presence) {
            (Some(raw), _) => {
                let value = check(param, domain_for(param, firmware), &raw.value)?;
                params.values.push((param.name, value, true));
            }
            (None, Presence::Mandatory) => return Err(missing(param.name)),
            (
                None,
                Presence::Optional {
                    default: Some(default),
                },
            ) => {
                let value = check_text(param.name, domain_for(param, firmware), default)?;
                params.values.push((param.name, value, false));
            }
            (None, Presence::Optional { default: None } | Presence::OneOf { .. }) => {}
        }
    }
    if grouped {
        check_groups(known, &params)?;
    }
    Ok(params)
}

/// Exactly one member of each one-of group: none is 11 naming the first member, two are 12
/// naming the second (erratum `display-image-models`).
fn check_groups<I: Iterator<Item = &'static Param>>(
    known: impl Fn() -> I,
    params: &Params,
) -> Result<(), ApiError> {
    let mut groups: Vec<&str> = known()
        .filter_map(|param| match param.presence {
            Presence::OneOf { group } => Some(group),
            _ => None,
        })
        .collect();
    groups.dedup();
    for group in groups {
        let members: Vec<&str> = known()
            .filter(|param| param.presence == Presence::OneOf { group })
            .map(|param| param.name)
            .collect();
        let present: Vec<&str> = members
            .iter()
            .copied()
            .filter(|name| params.given(name))
            .collect();
        match present.as_slice() {
            [_] => {}
            [] => return Err(missing(members.first().copied().unwrap_or(group))),
            [_, second, ..] => {
                return Err(invalid(
                    second,
                    format!("only one of {} may be given", members.join(", ")),
                ));
            }
        }
    }
    Ok(())
}

/// The domain a device running `firmware` enforces: the manual's, or the narrower one later
/// firmware took (the MJPEG `fps` of 1 to 15).
fn domain_for(param: &Param, firmware: Version) -> Domain {
    match param.later_domain {
        Some(later) if later.origin.present_in(firmware) => later.domain,
        _ => param.domain,
    }
}

fn check(param: &Param, domain: Domain, raw: &RawValue<'_>) -> Result<Typed, ApiError> {
    let name = param.name;
    match raw {
        RawValue::Text(text) => check_text(name, domain, text),
        RawValue::Blob(blob) => {
            let data = &blob.data;
            let Domain::Blob { formats, .. } = domain else {
                return Err(invalid(name, "binary data for a simple parameter".into()));
            };
            match sniff_blob(data, formats) {
                Some(format) => Ok(Typed::Blob(Box::new(TypedBlob {
                    data: data.clone(),
                    format,
                }))),
                None => Err(invalid(name, format!("not {}", format_names(formats)))),
            }
        }
    }
}

/// A simple parameter's text (sent, or the default standing in) against its domain.
fn check_text(name: &str, domain: Domain, text: &str) -> Result<Typed, ApiError> {
    match domain {
        Domain::Int { min, max } => {
            let value = parse_int(text)
                .ok_or_else(|| invalid(name, format!("`{}` is not an integer", shorten(text))))?;
            if (min..=max).contains(&value) {
                Ok(Typed::Int(value))
            } else {
                Err(invalid(name, format!("{value} is outside {min}..{max}")))
            }
        }
        Domain::Enum(words) => words
            .iter()
            .find(|word| **word == text)
            .map(|word| Typed::Word(word))
            .ok_or_else(|| {
                invalid(
                    name,
                    format!("`{}` is not one of {}", shorten(text), words.join(", ")),
                )
            }),
        Domain::Text { rule, .. } => {
            if rule.matches(text) {
                Ok(Typed::Text(text.to_owned()))
            } else {
                Err(invalid(name, format!("not {}", rule.describe())))
            }
        }
        Domain::EventFilter => text
            .split(',')
            .filter(|item| !item.is_empty())
            .map(|item| {
                helios_spec::event(item)
                    .map(|event| event.name)
                    .ok_or_else(|| {
                        invalid(name, format!("`{}` is not an event type", shorten(item)))
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Typed::Events),
        Domain::Include => parse_include(text)
            .map(Typed::Include)
            .ok_or_else(|| invalid(name, format!("`{}` is not new, all or -t", shorten(text)))),
        Domain::Blob { .. } => Err(missing(name)),
    }
}

/// A decimal integer: an optional `-`, then digits only (no `+`, spaces or exponent).
fn parse_int(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_include(text: &str) -> Option<Include> {
    match text {
        "new" => Some(Include::New),
        "all" => Some(Include::All),
        _ => {
            let seconds = text.strip_prefix('-')?;
            if seconds.is_empty() || !seconds.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let seconds: u32 = seconds.parse().ok()?;
            (seconds >= 1).then_some(Include::Last(seconds))
        }
    }
}

/// The format among `candidates` whose signature `data` carries. Firmware is opaque here (the
/// device checks its own packages), so any non-empty data is firmware.
pub fn sniff_blob(data: &[u8], candidates: &[BlobFormat]) -> Option<BlobFormat> {
    candidates.iter().copied().find(|format| match format {
        BlobFormat::Firmware => !data.is_empty(),
        BlobFormat::ConfigXml => {
            let text = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
            text.iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| b == b'<')
        }
        BlobFormat::Gif => data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a"),
        BlobFormat::Jpeg => data.starts_with(&[0xFF, 0xD8, 0xFF]),
        BlobFormat::Bmp => data.starts_with(b"BM") && data.len() >= 26,
        BlobFormat::Png => data.starts_with(b"\x89PNG\r\n\x1a\n"),
        BlobFormat::Mpeg4 => data.get(4..8) == Some(b"ftyp"),
        BlobFormat::H264 => data.starts_with(&[0, 0, 0, 1]) || data.starts_with(&[0, 0, 1]),
    })
}

fn format_names(formats: &[BlobFormat]) -> String {
    formats
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(" or ")
}

/// At most 40 characters of a value, for an error sentence.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

fn missing(name: &str) -> ApiError {
    ApiError::with_param(
        ErrorCode::MissingParameter,
        name,
        "missing mandatory parameter",
    )
}

fn invalid(name: &str, detail: String) -> ApiError {
    ApiError::with_param(ErrorCode::InvalidParameter, name, detail)
}
