//! `coherence.effect.display`: an effect the manual promises that no API function reports back.
//! `display/image` shows an uploaded image and DELETE removes it (5.22); what a display shows,
//! the runner learns from the lab's stimulus interface (`GET /display`), or from the operator
//! in `--interactive` mode; with neither the case is not applicable, never passed.

use std::io::Cursor;
use std::time::Duration;

use helios_client::{Call, Stimulus, Transfer};
use helios_spec::functions::display;
use helios_spec::functions::display::image::MODELS;
use helios_spec::{BlobFormat, ErrorCode, Method};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use serde_json::Value;

use super::{Judged, Seen, available, outcome};
use crate::model::{Log, stimulus};
use crate::run::Outcome;
use crate::session::Session;

/// Who tells the runner what a display shows.
enum Witness {
    Stimulus(Stimulus),
    /// The operator, with how long to wait for an answer.
    Operator(u64),
}

pub(super) async fn display(session: &mut Session<'_>, seen: &mut Seen) -> Outcome {
    let mut log = Log::default();
    let judged = match judge(session, seen, &mut log).await {
        Ok(judged) | Err(judged) => judged,
    };
    outcome(
        "coherence.effect.display",
        &display::image::FUNCTION,
        "display/image PUT shows the image on the display and DELETE removes it, as the lab's \
         stimulus interface or the operator sees it",
        log,
        judged,
    )
}

async fn judge(
    session: &mut Session<'_>,
    seen: &mut Seen,
    log: &mut Log,
) -> Result<Judged, Judged> {
    available(
        session,
        &[&display::caps::FUNCTION, &display::image::FUNCTION],
    )?;
    let witness = match stimulus(session) {
        Ok(stimulus) => Witness::Stimulus(stimulus),
        Err(_) if session.options.interactive => {
            Witness::Operator(session.profile.tolerances.operator_seconds)
        }
        Err(_) => {
            return Err(Judged::NotApplicable(
                "no function reports what a display shows: no stimulus interface, and not \
                 --interactive"
                    .into(),
            ));
        }
    };
    let caps = seen
        .send(session, log, Call::new(&display::caps::FUNCTION))
        .await?;
    let caps = caps.success()?;
    let Some(first) = caps["displays"].as_array().and_then(|d| d.first()).cloned() else {
        return Err(Judged::NotApplicable(
            "display/caps lists no display".into(),
        ));
    };
    let name = first["display"].as_str().unwrap_or_default().to_owned();
    let variant = session
        .discovered
        .variant
        .clone()
        .unwrap_or_else(|| session.profile.variant.clone());
    let model = MODELS.iter().find(|m| m.variant == variant);
    let caps_size = (
        first["resolution"]["width"].as_u64(),
        first["resolution"]["height"].as_u64(),
    );
    let size = match (model.and_then(|m| m.size), caps_size) {
        (Some(size), _) => size,
        (None, (Some(w), Some(h))) => (
            u32::try_from(w).unwrap_or(u32::MAX),
            u32::try_from(h).unwrap_or(u32::MAX),
        ),
        _ => {
            return Err(Judged::Fail(format!(
                "display/caps gives {name} no resolution: {first}"
            )));
        }
    };
    let format = model
        .and_then(|m| m.image_formats.first().copied())
        .unwrap_or(BlobFormat::Jpeg);
    let picture = picture(format, size).map_err(Judged::Undecided)?;
    let put = Call::new(&display::image::FUNCTION)
        .param("display", name.as_str())
        .blob("blob-image", picture, "coherence", format.mime());
    let answer = seen.send(session, log, put).await?;
    match &answer.reply {
        Ok(_) => {}
        // Erratum display-image-standard-display: the standard display function is on.
        Err(refusal) if refusal.code == u64::from(ErrorCode::ProcessingError.code()) => {
            return Err(Judged::NotApplicable(format!(
                "display/image refused the upload with 14: the standard display function of \
                 {name} is enabled (erratum display-image-standard-display)"
            )));
        }
        // What the request cases judge; here it only means nothing was uploaded to watch.
        Err(refusal) => {
            return Err(Judged::Undecided(format!(
                "display/image refused the runner's {} test card with error {}",
                format.name(),
                refusal.code
            )));
        }
    }
    let shown = look(&witness, &name, true, size).await;
    let delete = Call::new(&display::image::FUNCTION)
        .method(Method::Delete)
        .transfer(Transfer::Query)
        .param("display", name.as_str());
    seen.send(session, log, delete).await?.success()?;
    shown?;
    look(&witness, &name, false, size).await?;
    Ok(Judged::Pass(format!(
        "{name} showed the {size:?} {} image uploaded and nothing once it was deleted",
        format.name()
    )))
}

/// A test card: a diagonal gradient, in `format` at `size`.
fn picture(format: BlobFormat, (width, height): (u32, u32)) -> Result<Vec<u8>, String> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        let shade = u8::try_from((x + y) * 255 / (width + height).max(1)).unwrap_or(u8::MAX);
        Rgb([shade, 255 - shade, 128])
    });
    let encoding = match format {
        BlobFormat::Gif => ImageFormat::Gif,
        BlobFormat::Bmp => ImageFormat::Bmp,
        BlobFormat::Png => ImageFormat::Png,
        _ => ImageFormat::Jpeg,
    };
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(image)
        .write_to(&mut Cursor::new(&mut bytes), encoding)
        .map_err(|e| format!("the runner cannot encode its test card: {e}"))?;
    Ok(bytes)
}

/// Whether the display shows an image (`shown`) or nothing, as the witness tells.
async fn look(witness: &Witness, name: &str, shown: bool, size: (u32, u32)) -> Result<(), Judged> {
    match witness {
        Witness::Stimulus(stimulus) => {
            let displays = stimulus
                .displays()
                .await
                .map_err(|e| Judged::Undecided(e.to_string()))?;
            let content = displays["displays"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|d| d["display"] == name)
                .map(|d| d["content"].clone())
                .ok_or_else(|| {
                    Judged::Undecided(format!(
                        "the stimulus interface does not know display {name}: {displays}"
                    ))
                })?;
            let image = content["kind"] == "image"
                && content["size"].as_object().is_none_or(|_| {
                    content["size"] == serde_json::json!({"width": size.0, "height": size.1})
                });
            match (shown, content) {
                (true, _) if image => Ok(()),
                (true, content) => Err(Judged::Fail(format!(
                    "display/image PUT answered success, but the stimulus interface shows {content} \
                     on {name}"
                ))),
                (false, Value::Null) => Ok(()),
                (false, content) => Err(Judged::Fail(format!(
                    "display/image DELETE answered success, but {name} still shows {content}"
                ))),
            }
        }
        Witness::Operator(seconds) => {
            let question = if shown {
                format!("does display {name} now show a test card (a green-to-red gradient)?")
            } else {
                format!("is the test card gone from display {name}?")
            };
            match ask(&question, *seconds).await {
                Some(true) => Ok(()),
                Some(false) => Err(Judged::Fail(format!(
                    "the operator answered no to: {question}"
                ))),
                None => Err(Judged::Undecided(format!(
                    "no answer from the operator within {seconds} s to: {question}"
                ))),
            }
        }
    }
}

/// Asks the operator a yes-or-no question on the terminal.
async fn ask(question: &str, seconds: u64) -> Option<bool> {
    eprintln!("conform: operator: {question} [y/n] (waiting up to {seconds} s)");
    let line = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).ok().map(|_| line)
    });
    match tokio::time::timeout(Duration::from_secs(seconds), line).await {
        Ok(Ok(Some(line))) => match line.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => Some(true),
            "n" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}
