//! Methods, media types and blast-radius tiers.

use std::fmt;

/// The four methods of 2.1. GET and POST are equivalent for the API; PUT uploads and DELETE
/// removes large objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub const ALL: [Self; 4] = [Self::Get, Self::Post, Self::Put, Self::Delete];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.as_str() == text)
    }

    /// Whether the method may carry parameters in a body (2.2: POST and PUT).
    pub const fn has_body(self) -> bool {
        matches!(self, Self::Post | Self::Put)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The media type of a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaType {
    Json,
    Xml,
    Jpeg,
    /// HTTP server push of JPEG frames (`camera/snapshot` with `fps` >= 1).
    MixedReplace,
    /// The `response` parameter of `switch/ctrl` and `io/ctrl`.
    Text,
    /// A libpcap capture file (erratum `pcap-reply-type`).
    Pcap,
}

impl MediaType {
    /// The `Content-Type` essence a device sends (parameters such as `charset` and `boundary`
    /// come on top).
    pub const fn mime(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Xml => "application/xml",
            Self::Jpeg => "image/jpeg",
            Self::MixedReplace => "multipart/x-mixed-replace",
            Self::Text => "text/plain",
            Self::Pcap => "application/vnd.tcpdump.pcap",
        }
    }
}

/// The format of an uploaded blob.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlobFormat {
    /// A firmware package for the device (opaque to the API).
    Firmware,
    /// A `DeviceDatabase` configuration document.
    ConfigXml,
    Gif,
    Jpeg,
    Bmp,
    Png,
    Mpeg4,
    H264,
}

impl BlobFormat {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Firmware => "firmware",
            Self::ConfigXml => "XML",
            Self::Gif => "GIF",
            Self::Jpeg => "JPEG",
            Self::Bmp => "BMP",
            Self::Png => "PNG",
            Self::Mpeg4 => "MPEG4",
            Self::H264 => "H264",
        }
    }

    /// The media type a client labels the part with.
    pub const fn mime(self) -> &'static str {
        match self {
            Self::Firmware => "application/octet-stream",
            Self::ConfigXml => "application/xml",
            Self::Gif => "image/gif",
            Self::Jpeg => "image/jpeg",
            Self::Bmp => "image/bmp",
            Self::Png => "image/png",
            Self::Mpeg4 => "video/mp4",
            Self::H264 => "video/h264",
        }
    }
}

/// How much a call can change on a real device: the runner runs only the first two tiers unless
/// the operator allows more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Reads only.
    ReadOnly,
    /// Changes state that the runner can put back (switches, outputs, calls, the display, pcap
    /// recording) or that leaves no lasting trace on the device (audio test, e-mail).
    Reversible,
    /// Replaces the configuration.
    Config,
    /// Restarts the device.
    Reboot,
    /// Loses data that cannot be put back (factory reset, firmware upload).
    Destructive,
}

impl Tier {
    pub const ALL: [Self; 5] = [
        Self::ReadOnly,
        Self::Reversible,
        Self::Config,
        Self::Reboot,
        Self::Destructive,
    ];

    pub const fn id(self) -> &'static str {
        match self {
            Self::ReadOnly => "read-only",
            Self::Reversible => "reversible",
            Self::Config => "config",
            Self::Reboot => "reboot",
            Self::Destructive => "destructive",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|tier| tier.id() == id)
    }

    /// Whether the runner runs this tier without being allowed to.
    pub const fn allowed_by_default(self) -> bool {
        matches!(self, Self::ReadOnly | Self::Reversible)
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
