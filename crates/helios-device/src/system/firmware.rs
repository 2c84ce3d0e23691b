//! The firmware image that `firmware` (manual 5.4) accepts as `blob-fw`, and the comparison of
//! firmware versions behind its `downgrade` flag.
//!
//! Real images are the vendor's and opaque (erratum `firmware-image`); the reference intercom
//! accepts an image format of its own, so that tests can upload a good image as well as damaged
//! and foreign ones. An image is a 148-byte header followed by the payload, numbers big-endian:
//!
//! | offset | bytes | field |
//! |-------:|------:|-------|
//! | 0 | 8 | magic `HIPFWIMG` |
//! | 8 | 2 | format version, 1 |
//! | 10 | 2 | reserved, 0 |
//! | 12 | 64 | model: the `variant` of `system/info` (`2N Helios IP Verso`), UTF-8, NUL-padded |
//! | 76 | 32 | firmware version as `swVersion` shows it (`2.22.0.1.7`), NUL-padded |
//! | 108 | 8 | payload length in bytes |
//! | 116 | 32 | SHA-256 of the payload |
//! | 148 | n | payload |
//!
//! An image is refused (error 12 naming `blob-fw`) when it is shorter than its header, has
//! another magic or format version, names another model, carries no valid version, is longer or
//! shorter than its declared length, or its payload does not match its checksum.

use std::cmp::Ordering;

use sha2::{Digest, Sha256};

use crate::profile::FirmwareVersion;

/// The first bytes of every image.
pub const MAGIC: &[u8; 8] = b"HIPFWIMG";
/// The only header format there is.
pub const FORMAT_VERSION: u16 = 1;
/// The size of the header.
pub const HEADER_LEN: usize = 148;

const MODEL: std::ops::Range<usize> = 12..76;
const VERSION: std::ops::Range<usize> = 76..108;
const LENGTH: std::ops::Range<usize> = 108..116;
const CHECKSUM: std::ops::Range<usize> = 116..148;

/// A checked image, ready to install.
#[derive(Clone, Debug)]
pub struct Image {
    pub version: FirmwareVersion,
    pub payload_len: u64,
}

/// Why an image was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("the image has {0} bytes, fewer than its {HEADER_LEN}-byte header")]
    Truncated(usize),
    #[error("not a firmware image of this device (wrong magic)")]
    Magic,
    #[error("unknown image format {0}")]
    Format(u16),
    #[error("the image is for {image}, not for {device}")]
    Foreign { image: String, device: String },
    #[error("the image's version {0:?} is not a firmware version")]
    Version(String),
    #[error("the image declares {declared} payload bytes but carries {actual}")]
    Length { declared: u64, actual: u64 },
    #[error("the image is corrupted (its payload does not match its SHA-256)")]
    Checksum,
    #[error("the {0} does not fit its header field")]
    TooLong(&'static str),
}

/// Builds an image of `version` for `model` around `payload`.
pub fn build(model: &str, version: &str, payload: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut image = vec![0; HEADER_LEN];
    image[..8].copy_from_slice(MAGIC);
    image[8..10].copy_from_slice(&FORMAT_VERSION.to_be_bytes());
    put(&mut image[MODEL], model, "model")?;
    put(&mut image[VERSION], version, "version")?;
    let length = u64::try_from(payload.len()).map_err(|_| ImageError::TooLong("payload"))?;
    image[LENGTH].copy_from_slice(&length.to_be_bytes());
    image[CHECKSUM].copy_from_slice(&Sha256::digest(payload));
    image.extend_from_slice(payload);
    Ok(image)
}

fn put(field: &mut [u8], text: &str, name: &'static str) -> Result<(), ImageError> {
    let bytes = text.as_bytes();
    if bytes.len() > field.len() || bytes.contains(&0) {
        return Err(ImageError::TooLong(name));
    }
    field[..bytes.len()].copy_from_slice(bytes);
    Ok(())
}

/// Checks an uploaded image for the device whose `variant` is `model`: its header, then that
/// its payload matches the header's SHA-256.
pub fn check(data: &[u8], model: &str) -> Result<Image, ImageError> {
    let image = check_header(data, model)?;
    let payload = data.get(HEADER_LEN..).unwrap_or_default();
    if data.get(CHECKSUM) != Some(Sha256::digest(payload).as_slice()) {
        return Err(ImageError::Checksum);
    }
    Ok(image)
}

/// Checks an image's header and length, not its checksum: half of [`check`], and all that the
/// `corrupt-firmware-accepted` fault does.
pub fn check_header(data: &[u8], model: &str) -> Result<Image, ImageError> {
    let Some(header) = data.get(..HEADER_LEN) else {
        return Err(ImageError::Truncated(data.len()));
    };
    if &header[..8] != MAGIC {
        return Err(ImageError::Magic);
    }
    let format = u16::from_be_bytes([header[8], header[9]]);
    if format != FORMAT_VERSION {
        return Err(ImageError::Format(format));
    }
    let image_model = text(&header[MODEL]);
    if image_model != model {
        return Err(ImageError::Foreign {
            image: image_model,
            device: model.to_owned(),
        });
    }
    let version_text = text(&header[VERSION]);
    let version = FirmwareVersion::try_from(version_text.clone())
        .map_err(|_| ImageError::Version(version_text))?;
    let mut length = [0; 8];
    length.copy_from_slice(&header[LENGTH]);
    let declared = u64::from_be_bytes(length);
    let payload = &data[HEADER_LEN..];
    let actual = u64::try_from(payload.len()).unwrap_or(u64::MAX);
    if declared != actual {
        return Err(ImageError::Length { declared, actual });
    }
    Ok(Image {
        version,
        payload_len: declared,
    })
}

/// A NUL-padded field as text (invalid UTF-8 replaced, so that a message can still show it).
fn text(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// Compares two firmware versions number by number (`2.10.0.19.2` < `2.21.0.0.1`); a part that
/// is not a number compares as text, and a missing part as zero.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let mut left = a.trim().split('.');
    let mut right = b.trim().split('.');
    loop {
        let order = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (l, r) => {
                let (l, r) = (l.unwrap_or("0"), r.unwrap_or("0"));
                match (l.parse::<u64>(), r.parse::<u64>()) {
                    (Ok(l), Ok(r)) => l.cmp(&r),
                    _ => l.cmp(r),
                }
            }
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = "2N Helios IP Verso";

    #[test]
    fn a_built_image_checks_and_every_damage_is_named() {
        let image = build(MODEL, "2.22.0.1.7", b"payload").expect("an image");
        let checked = check(&image, MODEL).expect("a good image");
        assert_eq!(checked.version.text, "2.22.0.1.7");
        assert_eq!(checked.payload_len, 7);

        assert_eq!(
            check(&image[..100], MODEL).err(),
            Some(ImageError::Truncated(100))
        );
        assert!(matches!(
            check(&image[..image.len() - 1], MODEL),
            Err(ImageError::Length { .. })
        ));
        let mut corrupt = image.clone();
        let last = corrupt.len() - 1;
        corrupt[last] ^= 1;
        assert_eq!(check(&corrupt, MODEL).err(), Some(ImageError::Checksum));
        assert!(matches!(
            check(&image, "2N Helios IP Vario"),
            Err(ImageError::Foreign { .. })
        ));
        let mut magic = image.clone();
        magic[0] = b'X';
        assert_eq!(check(&magic, MODEL).err(), Some(ImageError::Magic));
        let bad_version = build(MODEL, "two", b"").expect("an image");
        assert!(matches!(
            check(&bad_version, MODEL),
            Err(ImageError::Version(_))
        ));
    }

    #[test]
    fn versions_compare_by_number() {
        assert_eq!(
            compare_versions("2.10.0.19.2", "2.21.0.0.1"),
            Ordering::Less
        );
        assert_eq!(
            compare_versions("2.21.0.0.10", "2.21.0.0.9"),
            Ordering::Greater
        );
        assert_eq!(compare_versions("2.21", "2.21.0.0.0"), Ordering::Equal);
    }
}
