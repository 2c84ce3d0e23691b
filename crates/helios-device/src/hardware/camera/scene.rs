//! The synthetic scene the simulated camera films: a gradient in the source's own colours, a bar
//! that sweeps across every two seconds, and burnt-in text (source name, local date and time,
//! frame counter) so that a person, or a test, can tell frames and sources apart.
//!
//! Rendering is a pure function of the source, the size and the [`Moment`]: the same moment
//! always gives the same pixels, which is what makes the camera deterministic under a manual
//! clock.

use super::font::{ADVANCE, GLYPH_HEIGHT, lit};

/// The frame clock: frames per second of the simulated sensor.
pub const FRAME_RATE: u64 = 15;

/// One instant of the sensor: which frame it is and what the wall clock said then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    /// Frames since the device started, at [`FRAME_RATE`].
    pub tick: u64,
    /// Unix time of the frame, in milliseconds.
    pub unix_ms: u64,
    /// Minutes east of UTC, for the burnt-in local time.
    pub tz_shift: i32,
}

/// An RGB image, three bytes a pixel, rows top first.
#[derive(Debug)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Picture {
    fn new(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            rgb: vec![0; width as usize * height as usize * 3],
        }
    }

    fn fill(&mut self, x0: u32, y0: u32, x1: u32, y1: u32, colour: [u8; 3]) {
        for y in y0..y1.min(self.height) {
            let row = y as usize * self.width as usize;
            for x in x0..x1.min(self.width) {
                let at = (row + x as usize) * 3;
                self.rgb[at..at + 3].copy_from_slice(&colour);
            }
        }
    }

    /// Draws `text` with its top left corner at (`x0`, `y0`), each font pixel `scale` wide.
    fn text(&mut self, x0: u32, y0: u32, scale: u32, text: &str, colour: [u8; 3]) {
        for (index, c) in (0u32..).zip(text.chars()) {
            let left = x0 + index * ADVANCE * scale;
            for fy in 0..GLYPH_HEIGHT {
                for fx in 0..ADVANCE {
                    if lit(c, fx, fy) {
                        let (x, y) = (left + fx * scale, y0 + fy * scale);
                        self.fill(x, y, x + scale, y + scale, colour);
                    }
                }
            }
        }
    }
}

/// The frame `source` shows at `moment`, at `width` x `height`.
pub fn render(source: &str, width: u32, height: u32, moment: Moment) -> Picture {
    let mut picture = Picture::new(width, height);
    let base = source_colour(source);
    let shade = |channel: u8, part: u32, whole: u32| {
        let ramp = u64::from(part) * 96 / u64::from(whole.max(1));
        u8::try_from((u64::from(channel) + ramp).min(255)).unwrap_or(u8::MAX)
    };
    // Red follows x and green y: one row of pixels is worked out once, then copied down with
    // its green changed (a division per pixel made this the camera's slowest step).
    let mut row: Vec<u8> = (0..width)
        .flat_map(|x| [shade(base[0], x, width), 0, base[2]])
        .collect();
    for (y, line) in (0..height).zip(picture.rgb.chunks_exact_mut(row.len().max(1))) {
        let green = shade(base[1], y, height);
        for pixel in row.chunks_exact_mut(3) {
            pixel[1] = green;
        }
        line.copy_from_slice(&row);
    }

    // The sweeping bar: the motion that shows the stream is live. Its period, 7 s, is longer
    // than the 5 s of `time=-5` and no divisor of it, so that frames seconds apart never look
    // alike (a runner tells an old frame from the current one by the bar).
    let period = FRAME_RATE * 7;
    let bar_width = (width / 40).max(2);
    let bar_x = u32::try_from((moment.tick % period) * u64::from(width) / period).unwrap_or(0);
    picture.fill(bar_x, 0, bar_x + bar_width, height, [255, 214, 0]);

    let scale = (width / 160).min(height / 120).max(1);
    let (date, time) = local_date_time(moment.unix_ms, moment.tz_shift);
    let lines = [
        source.to_ascii_uppercase(),
        date,
        time,
        format!("#{}", moment.tick),
    ];
    let margin = 2 * scale;
    let line_height = (GLYPH_HEIGHT + 2) * scale;
    let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let box_width = u32::try_from(longest)
        .unwrap_or(u32::MAX)
        .saturating_mul(ADVANCE * scale);
    let lines_count = u32::try_from(lines.len()).unwrap_or(0);
    picture.fill(
        0,
        0,
        margin * 2 + box_width,
        margin * 2 + lines_count * line_height,
        [16, 16, 16],
    );
    for (row, line) in (0u32..).zip(&lines) {
        picture.text(
            margin + scale,
            margin + scale + row * line_height,
            scale,
            line,
            [240, 240, 240],
        );
    }
    picture
}

/// A stable colour per source name, so that the internal and external cameras look different.
fn source_colour(source: &str) -> [u8; 3] {
    // FNV-1a: stable across runs and platforms, unlike the standard library's hashers.
    let hash = source.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    let [a, b, c, _] = hash.to_le_bytes();
    [24 + a % 96, 24 + b % 96, 48 + c % 128]
}

/// `YYYY-MM-DD` and `HH:MM:SS` of a Unix time in milliseconds, shifted by `tz_shift` minutes.
pub fn local_date_time(unix_ms: u64, tz_shift: i32) -> (String, String) {
    let seconds = i64::try_from(unix_ms / 1000).unwrap_or(i64::MAX) + i64::from(tz_shift) * 60;
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        format!(
            "{:02}:{:02}:{:02}",
            of_day / 3600,
            of_day / 60 % 60,
            of_day % 60
        ),
    )
}

/// The proleptic Gregorian date of a count of days since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manuals_first_event_time_in_local_time() {
        // 2015-07-27 08:51:42 UTC, one hour east.
        let (date, time) = local_date_time(1_437_987_102_000, 60);
        assert_eq!((date.as_str(), time.as_str()), ("2015-07-27", "09:51:42"));
        let (date, time) = local_date_time(951_782_400_000, 0);
        assert_eq!((date.as_str(), time.as_str()), ("2000-02-29", "00:00:00"));
    }

    #[test]
    fn the_scene_moves_and_differs_per_source() {
        let at = |tick| Moment {
            tick,
            unix_ms: 1_437_987_102_000,
            tz_shift: 0,
        };
        let first = render("internal", 160, 120, at(0));
        assert_eq!(first.rgb.len(), 160 * 120 * 3);
        assert_eq!(first.rgb, render("internal", 160, 120, at(0)).rgb);
        assert_ne!(first.rgb, render("internal", 160, 120, at(1)).rgb);
        assert_ne!(first.rgb, render("external", 160, 120, at(0)).rgb);
    }
}
