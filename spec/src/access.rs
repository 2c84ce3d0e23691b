//! Accounts, privileges and licences (chapters 4 and 5).
//!
//! The account page has ten privilege groups, each with a Monitoring and a Control box. The rest
//! of the manual names the same privileges in several spellings ("Call Monitoring",
//! "Phone /Call Monitoring", "Call/phone monitoring"); [`Privilege::parse`] knows them all and
//! erratum `privilege-names` records the ruling.

use std::fmt;

/// The most accounts a device holds (chapter 4).
pub const MAX_ACCOUNTS: usize = 5;

/// A row of the account page's privilege table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    System,
    PhoneCall,
    Io,
    Switch,
    Audio,
    Camera,
    Display,
    Email,
    Uid,
    Keypad,
}

impl Group {
    /// In the order of the account page.
    pub const ALL: [Self; 10] = [
        Self::System,
        Self::PhoneCall,
        Self::Io,
        Self::Switch,
        Self::Audio,
        Self::Camera,
        Self::Display,
        Self::Email,
        Self::Uid,
        Self::Keypad,
    ];

    /// The row's label on the account page.
    pub const fn label(self) -> &'static str {
        match self {
            Self::System => "System Access",
            Self::PhoneCall => "Phone/Call Access",
            Self::Io => "I/O Access",
            Self::Switch => "Switch Access",
            Self::Audio => "Audio Access",
            Self::Camera => "Camera Access",
            Self::Display => "Display Access",
            Self::Email => "E-Mail Service Access",
            Self::Uid => "UID (Cards & Wiegand) Access",
            Self::Keypad => "Keyboard access",
        }
    }

    /// The group's name as the function table of chapter 5 writes it before "Monitoring" or
    /// "Control".
    pub const fn name(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::PhoneCall => "Phone/Call",
            Self::Io => "I/O",
            Self::Switch => "Switch",
            Self::Audio => "Audio",
            Self::Camera => "Camera",
            Self::Display => "Display",
            Self::Email => "E-mail",
            Self::Uid => "UID",
            Self::Keypad => "Keypad",
        }
    }

    /// A lower-case identifier for profile files.
    pub const fn id(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::PhoneCall => "phone",
            Self::Io => "io",
            Self::Switch => "switch",
            Self::Audio => "audio",
            Self::Camera => "camera",
            Self::Display => "display",
            Self::Email => "email",
            Self::Uid => "uid",
            Self::Keypad => "keypad",
        }
    }

    /// Every spelling of the group the manual uses, lower-cased and without spaces.
    const fn spellings(self) -> &'static [&'static str] {
        match self {
            Self::System => &["system"],
            Self::PhoneCall => &["phone/call", "call", "call/phone", "phone"],
            Self::Io => &["i/o", "io"],
            Self::Switch => &["switch"],
            Self::Audio => &["audio"],
            Self::Camera => &["camera"],
            Self::Display => &["display"],
            Self::Email => &["e-mail", "email", "e-mailservice"],
            Self::Uid => &["uid", "uid(cards/wiegand)", "uid(cards&wiegand)"],
            Self::Keypad => &["keypad", "keyboard"],
        }
    }
}

/// The two columns of the privilege table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Monitoring,
    Control,
}

impl Level {
    pub const ALL: [Self; 2] = [Self::Monitoring, Self::Control];

    pub const fn name(self) -> &'static str {
        match self {
            Self::Monitoring => "Monitoring",
            Self::Control => "Control",
        }
    }
}

/// One box of the privilege table. Control does not imply Monitoring (erratum
/// `control-implies-monitoring`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Privilege {
    pub group: Group,
    pub level: Level,
}

impl Privilege {
    pub const fn new(group: Group, level: Level) -> Self {
        Self { group, level }
    }

    pub const fn monitoring(group: Group) -> Self {
        Self::new(group, Level::Monitoring)
    }

    pub const fn control(group: Group) -> Self {
        Self::new(group, Level::Control)
    }

    /// Every privilege, in the order of the account page, Monitoring before Control.
    pub fn all() -> impl Iterator<Item = Self> {
        Group::ALL.into_iter().flat_map(|group| {
            Level::ALL
                .into_iter()
                .map(move |level| Self::new(group, level))
        })
    }

    /// An identifier such as `switch.control`, for profile files.
    pub fn id(self) -> String {
        let level = match self.level {
            Level::Monitoring => "monitoring",
            Level::Control => "control",
        };
        format!("{}.{level}", self.group.id())
    }

    /// Reads a privilege in any spelling the manual uses ("Phone /Call Monitoring",
    /// "E-mail Control", "UID monitoring (cards/Wiegand)", "Keypad monitoring") or in the
    /// [`Privilege::id`] form.
    pub fn parse(text: &str) -> Option<Self> {
        let squeezed: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        let (rest, level) = if let Some(rest) = squeezed.strip_suffix(".monitoring") {
            (rest.to_owned(), Level::Monitoring)
        } else if let Some(rest) = squeezed.strip_suffix(".control") {
            (rest.to_owned(), Level::Control)
        } else if let Some(at) = squeezed.find("monitoring") {
            (cut(&squeezed, at, "monitoring"), Level::Monitoring)
        } else if let Some(at) = squeezed.find("control") {
            (cut(&squeezed, at, "control"), Level::Control)
        } else {
            return None;
        };
        let group = Group::ALL
            .into_iter()
            .find(|group| group.id() == rest || group.spellings().contains(&rest.as_str()))?;
        Some(Self::new(group, level))
    }
}

/// Removes `word` at `at`, so that "uidmonitoring(cards/wiegand)" becomes "uid(cards/wiegand)".
fn cut(text: &str, at: usize, word: &str) -> String {
    format!("{}{}", &text[..at], &text[at + word.len()..])
}

impl fmt::Display for Privilege {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.group.name(), self.level.name())
    }
}

/// Who may call a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The account must hold this privilege when the service authenticates.
    Privilege(Privilege),
    /// Any account the service authenticates; the events it reads are filtered by the
    /// privileges each event needs (the logging functions, `*` in the table of chapter 5).
    EventFiltered,
    /// Answers regardless of access rights (`system/info`, erratum `system-info-open`). The table
    /// of chapter 5 still lists `table_says`.
    Open { table_says: Privilege },
}

impl Access {
    /// The privilege a caller must hold, if any.
    pub const fn privilege(self) -> Option<Privilege> {
        match self {
            Self::Privilege(privilege) => Some(privilege),
            Self::EventFiltered | Self::Open { .. } => None,
        }
    }
}

/// A licence key (chapter 5's "Licence" column and 5.27).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Licence {
    EnhancedIntegration,
    EnhancedAudio,
}

impl Licence {
    pub const ALL: [Self; 2] = [Self::EnhancedIntegration, Self::EnhancedAudio];

    pub const fn name(self) -> &'static str {
        match self {
            Self::EnhancedIntegration => "Enhanced Integration",
            Self::EnhancedAudio => "Enhanced Audio",
        }
    }

    pub const fn id(self) -> &'static str {
        match self {
            Self::EnhancedIntegration => "enhanced-integration",
            Self::EnhancedAudio => "enhanced-audio",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|licence| licence.id() == id)
    }
}

/// Hardware a model may lack; a function or event that needs it is "not supported" (error 1)
/// or absent from `log/caps` on a model without it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Hardware {
    Camera,
    Display,
    Keypad,
    CardReader,
    Microphone,
    TamperSwitch,
    DigitalInput,
}

impl Hardware {
    pub const ALL: [Self; 7] = [
        Self::Camera,
        Self::Display,
        Self::Keypad,
        Self::CardReader,
        Self::Microphone,
        Self::TamperSwitch,
        Self::DigitalInput,
    ];

    pub const fn id(self) -> &'static str {
        match self {
            Self::Camera => "camera",
            Self::Display => "display",
            Self::Keypad => "keypad",
            Self::CardReader => "card-reader",
            Self::Microphone => "microphone",
            Self::TamperSwitch => "tamper-switch",
            Self::DigitalInput => "digital-input",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling_in_the_manual() {
        let cases = [
            ("System Control", Group::System, Level::Control),
            ("Call Monitoring", Group::PhoneCall, Level::Monitoring),
            (
                "Phone /Call Monitoring",
                Group::PhoneCall,
                Level::Monitoring,
            ),
            ("Phone /Call Control", Group::PhoneCall, Level::Control),
            ("Call/phone monitoring", Group::PhoneCall, Level::Monitoring),
            ("I/O monitoring", Group::Io, Level::Monitoring),
            ("E-mail Control", Group::Email, Level::Control),
            ("Email Control", Group::Email, Level::Control),
            (
                "UID monitoring (cards/Wiegand)",
                Group::Uid,
                Level::Monitoring,
            ),
            ("Keypad monitoring", Group::Keypad, Level::Monitoring),
            ("switch.control", Group::Switch, Level::Control),
        ];
        for (text, group, level) in cases {
            assert_eq!(
                Privilege::parse(text),
                Some(Privilege::new(group, level)),
                "{text}"
            );
        }
        assert_eq!(Privilege::parse("Switch"), None);
        assert_eq!(Privilege::parse("Garage Control"), None);
    }

    #[test]
    fn ids_round_trip() {
        for privilege in Privilege::all() {
            assert_eq!(Privilege::parse(&privilege.id()), Some(privilege));
            assert_eq!(Privilege::parse(&privilege.to_string()), Some(privilege));
        }
        assert_eq!(Privilege::all().count(), 20);
    }
}
