//! Judging one exchange against its case: status, content type, strict JSON, the envelope,
//! the error code and the parameter it names, the challenges of a 401, and the result's shape.

use helios_client::Exchange;
use helios_spec::{ErrorCode, MediaType, SUCCESS_STATUS, Version, When};
use helios_wire::envelope::Envelope;

use crate::case::{Case, Expect};
use crate::findings::{Findings, envelope as read_envelope};
use crate::shape::check_object;
use crate::verdict::Verdict;

/// The verdict of `exchange` for `case` on a device of `firmware`.
pub fn judge(case: &Case, exchange: &Exchange, firmware: Version) -> Verdict {
    match &case.expect {
        Expect::Success { text: Some(text) } => expect_text(exchange, text),
        Expect::Success { text: None } => expect_success(case, exchange, firmware),
        Expect::Error {
            code,
            param,
            admitted,
            success_admitted,
        } => expect_error(
            exchange,
            *code,
            param.as_deref(),
            admitted,
            *success_admitted,
        ),
    }
}

fn expect_text(exchange: &Exchange, text: &str) -> Verdict {
    let response = &exchange.response;
    if response.media_type().as_deref() != Some(MediaType::Text.mime()) {
        return Verdict::Fail(format!(
            "content type {:?}, not text/plain",
            response.header("content-type")
        ));
    }
    if response.body != text.as_bytes() {
        return Verdict::Fail(format!(
            "body {:?}, not {text:?}",
            String::from_utf8_lossy(&response.body)
        ));
    }
    Verdict::Pass
}

/// The envelope, strictly if it can be, with lenient departures as non-strict findings.
fn envelope(exchange: &Exchange) -> Result<(Envelope, Verdict), Verdict> {
    let response = &exchange.response;
    if response.media_type().as_deref() != Some(MediaType::Json.mime()) {
        return Err(Verdict::Fail(format!(
            "content type {:?}, not application/json",
            response.header("content-type")
        )));
    }
    let mut findings = Findings::default();
    match read_envelope(exchange, &mut findings) {
        Ok(envelope) => Ok((envelope, findings.verdict())),
        Err(error) => Err(Verdict::Fail(format!("the reply cannot be read: {error}"))),
    }
}

fn expect_success(case: &Case, exchange: &Exchange, firmware: Version) -> Verdict {
    let response = &exchange.response;
    let reply = case
        .function
        .replies_for(case.call.method)
        .find(|reply| reply.when == When::Default);
    let Some(reply) = reply else {
        return Verdict::Inconclusive("the spec has no default reply".into());
    };
    if response.status != SUCCESS_STATUS {
        return Verdict::Fail(format!("HTTP {}, not {SUCCESS_STATUS}", response.status));
    }
    if reply.media != MediaType::Json {
        let verdict = expect_media(exchange, reply.media);
        if reply.media == MediaType::Jpeg && verdict == Verdict::Pass {
            return jpeg_size(case, exchange);
        }
        return verdict;
    }
    let (envelope, verdict) = match envelope(exchange) {
        Ok(read) => read,
        Err(verdict) => return verdict,
    };
    match envelope {
        Envelope::Failure { code, param, .. } => Verdict::Fail(format!(
            "error {code}{} where the call should succeed",
            param.map(|p| format!(" naming {p}")).unwrap_or_default()
        )),
        Envelope::Success { result } => match (reply.result, result) {
            (Some(fields), Some(result)) => verdict.worst(check_object(
                &result,
                fields,
                case.function.origin,
                firmware,
                "result",
            )),
            (Some(_), None) => verdict.worst(Verdict::Fail("no result".into())),
            (None, _) => verdict,
        },
    }
}

/// A JPEG reply decodes with a real decoder at the size the call asked for.
fn jpeg_size(case: &Case, exchange: &Exchange) -> Verdict {
    let asked = |name: &str| {
        case.call
            .params
            .iter()
            .rev()
            .find_map(|(n, value)| match value {
                helios_client::ParamValue::Text(text) if n == name => text.parse::<u32>().ok(),
                _ => None,
            })
    };
    let image = match image::load_from_memory_with_format(
        &exchange.response.body,
        image::ImageFormat::Jpeg,
    ) {
        Ok(image) => image,
        Err(error) => return Verdict::Fail(format!("the JPEG does not decode: {error}")),
    };
    match (asked("width"), asked("height")) {
        (Some(width), Some(height)) if (image.width(), image.height()) != (width, height) => {
            Verdict::Fail(format!(
                "a {}x{} JPEG where {width}x{height} was asked for",
                image.width(),
                image.height()
            ))
        }
        _ => Verdict::Pass,
    }
}

/// A reply that is not JSON: its content type, and a signature of its format.
fn expect_media(exchange: &Exchange, media: MediaType) -> Verdict {
    let response = &exchange.response;
    let found = response.media_type().unwrap_or_default();
    if found == MediaType::Json.mime() {
        return match envelope(exchange) {
            Ok((Envelope::Failure { code, .. }, _)) => {
                Verdict::Fail(format!("error {code} where the call should succeed"))
            }
            _ => Verdict::Fail(format!("JSON where {} was expected", media.mime())),
        };
    }
    if found != media.mime() {
        let pcap_alternative = media == MediaType::Pcap
            && matches!(
                found.as_str(),
                "application/pcap" | "application/octet-stream"
            );
        return if pcap_alternative {
            Verdict::NonStrict {
                erratum: "pcap-reply-type",
                why: format!("content type {found}"),
            }
        } else {
            Verdict::Fail(format!("content type {found}, not {}", media.mime()))
        };
    }
    let signature_ok = match media {
        MediaType::Jpeg => response.body.starts_with(&[0xFF, 0xD8]),
        MediaType::Pcap => {
            response.body.starts_with(&[0xD4, 0xC3, 0xB2, 0xA1])
                || response.body.starts_with(&[0xA1, 0xB2, 0xC3, 0xD4])
                || response.body.starts_with(&[0x4D, 0x3C, 0xB2, 0xA1])
        }
        MediaType::Xml => String::from_utf8_lossy(&response.body)
            .trim_start()
            .starts_with('<'),
        MediaType::Json | MediaType::Text | MediaType::MixedReplace => true,
    };
    if signature_ok {
        Verdict::Pass
    } else {
        Verdict::Fail(format!("the body is not {}", media.mime()))
    }
}

fn expect_error(
    exchange: &Exchange,
    code: ErrorCode,
    param: Option<&str>,
    admitted: &[(ErrorCode, &'static str)],
    success_admitted: Option<&'static str>,
) -> Verdict {
    let response = &exchange.response;
    let (envelope, verdict) = match envelope(exchange) {
        Ok(read) => read,
        Err(verdict) => return verdict,
    };
    let (found, found_param) = match envelope {
        Envelope::Success { .. } => {
            return match success_admitted {
                Some(erratum) => Verdict::NonStrict {
                    erratum,
                    why: format!("succeeded where error {} was expected", code.code()),
                },
                None => Verdict::Fail(format!(
                    "succeeded where error {} was expected",
                    code.code()
                )),
            };
        }
        Envelope::Failure { code, param, .. } => (code, param),
    };
    if found != u64::from(code.code()) {
        return match admitted.iter().find(|(c, _)| u64::from(c.code()) == found) {
            Some((_, erratum)) => Verdict::NonStrict {
                erratum,
                why: format!("error {found} where {} was expected", code.code()),
            },
            None => Verdict::Fail(format!("error {found}, not {}", code.code())),
        };
    }
    let mut verdict = verdict;
    if response.status != code.http_status() {
        verdict = verdict.worst(Verdict::NonStrict {
            erratum: "error-http-status",
            why: format!("HTTP {} with error {found}", response.status),
        });
    }
    if let Some(expected) = param {
        match found_param.as_deref() {
            Some(name) if name == expected => {}
            Some(name) => {
                verdict = verdict.worst(Verdict::Fail(format!("names {name}, not {expected}")))
            }
            None => {
                verdict = verdict.worst(Verdict::NonStrict {
                    erratum: "error-param-optional",
                    why: format!("error {found} without param {expected}"),
                })
            }
        }
    }
    if code == ErrorCode::AuthRequired
        && response.headers_named("www-authenticate").next().is_none()
    {
        verdict = verdict.worst(Verdict::Fail(
            "a 401 without a WWW-Authenticate challenge".into(),
        ));
    }
    verdict
}
