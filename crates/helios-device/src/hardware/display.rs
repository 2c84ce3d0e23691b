//! The simulated displays of 5.21 and 5.22: what each shows, uploaded through `display/image`,
//! until it is deleted, replaced, or its `duration` runs out on the device clock.

use std::collections::BTreeMap;
use std::time::Duration;

use helios_spec::BlobFormat;

/// Whether the content is a still image or a video.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentKind {
    Image,
    Video,
}

/// What a display shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayContent {
    pub kind: ContentKind,
    pub format: BlobFormat,
    /// Width and height of an image, as decoded; `None` for a video, which is not decoded.
    pub size: Option<(u32, u32)>,
    /// The uploaded bytes' length.
    pub bytes: usize,
    /// The `duration` parameter, in milliseconds, when given.
    pub duration_ms: Option<u32>,
    /// The `repeat` parameter, when given (it applies to videos only).
    pub repeat: Option<u32>,
    /// Uptime when the content was set.
    pub set_at: Duration,
}

impl DisplayContent {
    /// When the content stops being shown: `duration` after it was set. Without a duration, or
    /// with a duration of 0, it stays until deleted or replaced (erratum `display-image-lifetime`).
    pub fn ends_at(&self) -> Option<Duration> {
        self.duration_ms
            .filter(|ms| *ms > 0)
            .map(|ms| self.set_at + Duration::from_millis(u64::from(ms)))
    }
}

/// The content of every display that shows something uploaded.
#[derive(Debug, Default)]
pub struct SimDisplays {
    shown: BTreeMap<String, DisplayContent>,
}

impl SimDisplays {
    /// Shows `content` on `display`, replacing what it showed.
    pub fn show(&mut self, display: &str, content: DisplayContent) {
        self.shown.insert(display.to_owned(), content);
    }

    /// Removes what `display` shows; returns it, or `None` when it showed nothing uploaded.
    pub fn clear(&mut self, display: &str) -> Option<DisplayContent> {
        self.shown.remove(display)
    }

    pub fn current(&self, display: &str) -> Option<&DisplayContent> {
        self.shown.get(display)
    }

    /// Ends the content whose duration ran out by `now`.
    pub fn settle(&mut self, now: Duration) {
        self.shown
            .retain(|_, content| content.ends_at().is_none_or(|end| end > now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(duration_ms: Option<u32>) -> DisplayContent {
        DisplayContent {
            kind: ContentKind::Image,
            format: BlobFormat::Png,
            size: Some((214, 240)),
            bytes: 100,
            duration_ms,
            repeat: None,
            set_at: Duration::from_secs(10),
        }
    }

    #[test]
    fn content_ends_after_its_duration() {
        let mut displays = SimDisplays::default();
        displays.show("ext1", image(Some(1500)));
        displays.settle(Duration::from_millis(11_499));
        assert!(displays.current("ext1").is_some());
        displays.settle(Duration::from_millis(11_500));
        assert!(displays.current("ext1").is_none());
        for forever in [None, Some(0)] {
            displays.show("ext1", image(forever));
            displays.settle(Duration::from_secs(1_000_000));
            assert!(displays.current("ext1").is_some());
        }
        assert!(displays.clear("ext1").is_some());
        assert!(displays.clear("ext1").is_none());
    }
}
