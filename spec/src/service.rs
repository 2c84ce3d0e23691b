//! The nine services of chapter 1 and their security settings (chapter 3).

use std::fmt;

/// A service: the unit that is enabled, given a connection type and an authentication method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    System,
    Switch,
    Io,
    Audio,
    Camera,
    Display,
    Email,
    PhoneCall,
    Logging,
}

impl Service {
    /// In the order of the Services / HTTP API page.
    pub const ALL: [Self; 9] = [
        Self::System,
        Self::Switch,
        Self::Io,
        Self::Audio,
        Self::Camera,
        Self::Display,
        Self::Email,
        Self::PhoneCall,
        Self::Logging,
    ];

    /// The name in the function table of chapter 5.
    pub const fn name(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Switch => "Switch",
            Self::Io => "I/O",
            Self::Audio => "Audio",
            Self::Camera => "Camera",
            Self::Display => "Display",
            Self::Email => "E-mail",
            Self::PhoneCall => "Phone/Call",
            Self::Logging => "Logging",
        }
    }

    /// A lower-case identifier for profile files and reports.
    pub const fn id(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Switch => "switch",
            Self::Io => "io",
            Self::Audio => "audio",
            Self::Camera => "camera",
            Self::Display => "display",
            Self::Email => "email",
            Self::PhoneCall => "phone",
            Self::Logging => "logging",
        }
    }

    /// What chapter 1 says the service provides.
    pub const fn purpose(self) -> &'static str {
        match self {
            Self::System => "intercom configuration changes, status info and upgrade",
            Self::Switch => "switch status control and monitoring, e.g. door lock opening",
            Self::Io => "intercom logic input/output control and monitoring",
            Self::Audio => "audio playback control and microphone monitoring",
            Self::Camera => "camera image control and monitoring",
            Self::Display => "display control and user information display",
            Self::Email => "sending of user e-mails",
            Self::PhoneCall => "incoming/outgoing call control and monitoring",
            Self::Logging => "reading of event records",
        }
    }

    /// The setting shown on the manual's own screenshot in chapter 3: every service enabled,
    /// Camera on plain HTTP with no authentication, every other service HTTPS with Digest.
    pub const fn manual_default(self) -> Security {
        match self {
            Self::Camera => Security {
                enabled: true,
                transport: Transport::Http,
                auth: Auth::None,
            },
            _ => Security {
                enabled: true,
                transport: Transport::Https,
                auth: Auth::Digest,
            },
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|service| service.id() == id)
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The connection type of a service (chapter 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transport {
    /// "Unsecure (TCP)": requests are accepted over HTTP and HTTPS.
    Http,
    /// "Secure (TLS)": requests over plain HTTP are rejected with error 7.
    Https,
}

/// The authentication method of a service (chapter 3, RFC 2617).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Auth {
    None,
    /// Basic is required; Digest is accepted too (erratum `basic-accepts-digest`).
    Basic,
    /// Only Digest is accepted; Basic credentials answer error 8.
    Digest,
}

impl Auth {
    pub const fn name(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Basic => "Basic",
            Self::Digest => "Digest",
        }
    }
}

/// One service's row on the Services / HTTP API page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Security {
    pub enabled: bool,
    pub transport: Transport,
    pub auth: Auth,
}
