//! Firmware versions, and where each piece of the API comes from.
//!
//! The 2.21 manual's release notes date every function, parameter, field and event to 2.13, 2.14
//! or 2.15. Fields that real clients depend on but the manual lacks are marked [`Origin::Later`]
//! with the source that shows them, so that a device can be judged by its own generation.

use std::fmt;

/// A firmware version as far as the API cares: `2.10.0.19.2` is `2.10.0`; the build numbers after
/// the third part never change the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl Version {
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        Self {
            major,
            minor,
            patch,
        }
    }

    /// The first edition of the manual.
    pub const V2_13: Self = Self::new(2, 13, 0);
    pub const V2_14: Self = Self::new(2, 14, 0);
    pub const V2_15: Self = Self::new(2, 15, 0);
    /// The edition of the manual this crate transcribes.
    pub const MANUAL: Self = Self::new(2, 21, 0);

    /// Reads a version as devices report it in `swVersion` (`2.10.0.19.2`), as well as the short
    /// forms of the release notes (`2.14`). Anything after the third number is ignored; anything
    /// that does not start with two numbers is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(part) => part.parse().ok()?,
            None => 0,
        };
        Some(Self::new(major, minor, patch))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

/// Where a piece of the API is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// In the 2.21 manual, introduced by `since` according to its release notes (1.1).
    Manual { since: Version },
    /// Not in the 2.21 manual. `source` names the public evidence, `since` is the earliest firmware
    /// that evidence shows it on. Such additions never change what the manual requires.
    Later {
        since: Version,
        source: &'static str,
    },
}

impl Origin {
    pub const V2_13: Self = Self::Manual {
        since: Version::V2_13,
    };
    pub const V2_14: Self = Self::Manual {
        since: Version::V2_14,
    };
    pub const V2_15: Self = Self::Manual {
        since: Version::V2_15,
    };
    /// In the 2.21 manual but in none of its release notes: the manual edition itself is the
    /// earliest evidence.
    pub const V2_21: Self = Self::Manual {
        since: Version::MANUAL,
    };

    pub const fn since(&self) -> Version {
        match *self {
            Self::Manual { since } | Self::Later { since, .. } => since,
        }
    }

    pub const fn in_manual(&self) -> bool {
        matches!(self, Self::Manual { .. })
    }

    /// Whether a device running `firmware` has this piece.
    pub fn present_in(&self, firmware: Version) -> bool {
        firmware >= self.since()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_device_versions() {
        assert_eq!(Version::parse("2.10.0.19.2"), Some(Version::new(2, 10, 0)));
        assert_eq!(Version::parse("2.14"), Some(Version::V2_14));
        assert_eq!(Version::parse("2.33.2"), Some(Version::new(2, 33, 2)));
        assert_eq!(Version::parse("beta"), None);
        assert_eq!(Version::parse("2"), None);
        assert_eq!(Version::parse(""), None);
    }

    #[test]
    fn orders_and_prints() {
        assert!(Version::V2_13 < Version::V2_14);
        assert!(Version::new(2, 33, 2) > Version::MANUAL);
        assert_eq!(Version::V2_15.to_string(), "2.15");
        assert_eq!(Version::new(2, 33, 2).to_string(), "2.33.2");
    }
}
