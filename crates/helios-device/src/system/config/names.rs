//! The words of the configuration document for the profile's values: flags, privilege lists,
//! connection types and authentication methods.

use helios_spec::{Auth, Transport};

use crate::profile::{AuthName, GroupName, TransportName};

pub(super) fn flag(on: bool) -> &'static str {
    if on { "1" } else { "0" }
}

pub(super) fn group_list(groups: &[GroupName]) -> String {
    groups
        .iter()
        .map(|group| group.0.id())
        .collect::<Vec<_>>()
        .join(",")
}

pub(super) const TRANSPORT_NAMES: [(&str, Transport); 2] =
    [("http", Transport::Http), ("https", Transport::Https)];
pub(super) const AUTH_NAMES: [(&str, Auth); 3] = [
    ("none", Auth::None),
    ("basic", Auth::Basic),
    ("digest", Auth::Digest),
];

pub(super) fn transport_name(transport: Transport) -> &'static str {
    TRANSPORT_NAMES
        .iter()
        .find(|(_, t)| *t == transport)
        .map_or("https", |(name, _)| name)
}

pub(super) fn auth_name(auth: Auth) -> &'static str {
    AUTH_NAMES
        .iter()
        .find(|(_, a)| *a == auth)
        .map_or("digest", |(name, _)| name)
}

pub(super) fn transport_row(transport: Transport) -> TransportName {
    match transport {
        Transport::Http => TransportName::Http,
        Transport::Https => TransportName::Https,
    }
}

pub(super) fn auth_row(auth: Auth) -> AuthName {
    match auth {
        Auth::None => AuthName::None,
        Auth::Basic => AuthName::Basic,
        Auth::Digest => AuthName::Digest,
    }
}

pub(super) fn transport_from(word: &str) -> TransportName {
    match word {
        "http" => TransportName::Http,
        _ => TransportName::Https,
    }
}

pub(super) fn auth_from(word: &str) -> AuthName {
    match word {
        "none" => AuthName::None,
        "basic" => AuthName::Basic,
        _ => AuthName::Digest,
    }
}
