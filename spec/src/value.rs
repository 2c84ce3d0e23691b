//! The textual forms the manual gives for strings (key codes, card UIDs, SIP URIs...), which
//! the text fields of replies and events obey (`crate::field`).
//!
//! The checks here are small and written by hand because each follows one sentence of the manual
//! (a user code "includes 2 digits at least and 00 cannot be used"); no library knows them.

/// A rule a string value obeys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextRule {
    Any,
    /// A keypad button: `0` to `9`, `%1` to `%150`, `*` or `#` (KeyPressed).
    KeyCode,
    /// A user code: at least two digits and not `00` (CodeEntered).
    UserCode,
    /// A card UID: 6 to 16 hexadecimal characters (CardEntered).
    CardUid,
    /// An IPv4 or IPv6 address (LoginBlocked).
    IpAddress,
    /// A SIP URI: `sip:` or `sips:` and something after it (CallStateChanged `peer`).
    SipUri,
    /// What `call/dial` accepts: a phone number (digits, `*`, `#`, a leading `+`) or a SIP URI.
    DialTarget,
    /// An e-mail address: a local part, `@`, and a domain with no spaces.
    EmailAddress,
    /// A UUID in its 8-4-4-4-12 hexadecimal form.
    Uuid,
    /// A MAC address as six pairs of hexadecimal digits joined by `-` or `:`.
    MacAddress,
    /// Exactly 16 hexadecimal digits (the event `hash` of later firmware).
    Hex16,
    /// A SIP account telephone number as configured; empty when not set (`phone/status`).
    SipNumber,
}

impl TextRule {
    /// Whether `text` obeys the rule.
    pub fn matches(self, text: &str) -> bool {
        match self {
            Self::Any => true,
            Self::KeyCode => is_key_code(text),
            Self::UserCode => {
                text.len() >= 2 && text.bytes().all(|b| b.is_ascii_digit()) && text != "00"
            }
            Self::CardUid => (6..=16).contains(&text.len()) && is_hex(text),
            Self::IpAddress => text.parse::<std::net::IpAddr>().is_ok(),
            Self::SipUri => is_sip_uri(text),
            Self::DialTarget => is_sip_uri(text) || is_phone_number(text),
            Self::EmailAddress => is_email_address(text),
            Self::Uuid => is_uuid(text),
            Self::MacAddress => is_mac_address(text),
            Self::Hex16 => text.len() == 16 && is_hex(text),
            Self::SipNumber => text.chars().all(|c| !c.is_control()),
        }
    }

    /// A sentence for documentation.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Any => "any text",
            Self::KeyCode => "0 to 9, %1 to %150, * or #",
            Self::UserCode => "at least two digits, not 00",
            Self::CardUid => "6 to 16 hexadecimal characters",
            Self::IpAddress => "an IP address",
            Self::SipUri => "a SIP URI",
            Self::DialTarget => "a phone number or a SIP URI",
            Self::EmailAddress => "an e-mail address",
            Self::Uuid => "a UUID",
            Self::MacAddress => "a MAC address such as FC-1E-B3-00-00-05",
            Self::Hex16 => "16 hexadecimal digits",
            Self::SipNumber => "a telephone number, or empty",
        }
    }
}

fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_key_code(text: &str) -> bool {
    match text.as_bytes() {
        [b'0'..=b'9'] | [b'*'] | [b'#'] => true,
        [b'%', rest @ ..] => {
            !rest.is_empty()
                && rest[0] != b'0'
                && rest.iter().all(u8::is_ascii_digit)
                && std::str::from_utf8(rest)
                    .ok()
                    .and_then(|n| n.parse::<u32>().ok())
                    .is_some_and(|n| (1..=150).contains(&n))
        }
        _ => false,
    }
}

fn is_sip_uri(text: &str) -> bool {
    let rest = text
        .strip_prefix("sip:")
        .or_else(|| text.strip_prefix("sips:"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.chars().any(char::is_whitespace))
}

fn is_phone_number(text: &str) -> bool {
    let digits = text.strip_prefix('+').unwrap_or(text);
    !digits.is_empty()
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
}

fn is_email_address(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && is_hex(group))
}

fn is_mac_address(text: &str) -> bool {
    let separator = if text.contains(':') { ':' } else { '-' };
    let pairs: Vec<&str> = text.split(separator).collect();
    pairs.len() == 6 && pairs.iter().all(|pair| pair.len() == 2 && is_hex(pair))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_accept_the_manuals_examples() {
        assert!(TextRule::KeyCode.matches("5"));
        assert!(TextRule::KeyCode.matches("%150"));
        assert!(TextRule::KeyCode.matches("#"));
        assert!(TextRule::UserCode.matches("5864"));
        assert!(TextRule::CardUid.matches("01045E31BB"));
        assert!(TextRule::IpAddress.matches("10.0.23.32"));
        assert!(TextRule::SipUri.matches("sip:2229@10.0.97.150:5062;user=phone"));
        assert!(TextRule::DialTarget.matches("sip:1234@10.0.23.194"));
        assert!(TextRule::DialTarget.matches("5046"));
        assert!(TextRule::EmailAddress.matches("somebody@email.com"));
        assert!(TextRule::Uuid.matches("3ffe32a1-7e8b-9697-67db-5637566ec279"));
        assert!(TextRule::MacAddress.matches("FC-1E-B3-00-00-05"));
        assert!(TextRule::SipNumber.matches(""));
    }

    #[test]
    fn rules_reject_what_the_manual_excludes() {
        for bad in ["", "10", "%0", "%151", "%01", "a", "**"] {
            assert!(!TextRule::KeyCode.matches(bad), "{bad}");
        }
        for bad in ["00", "1", "12a", ""] {
            assert!(!TextRule::UserCode.matches(bad), "{bad}");
        }
        for bad in ["01045", "01045E31BB01045E31", "01045G"] {
            assert!(!TextRule::CardUid.matches(bad), "{bad}");
        }
        for bad in ["sip:", "tel:123", "sip:a b"] {
            assert!(!TextRule::SipUri.matches(bad), "{bad}");
        }
        for bad in ["", "+", "12-34", "sip:"] {
            assert!(!TextRule::DialTarget.matches(bad), "{bad}");
        }
        for bad in ["somebody", "@email.com", "a@", "a b@c", "a@b@c"] {
            assert!(!TextRule::EmailAddress.matches(bad), "{bad}");
        }
        assert!(!TextRule::MacAddress.matches("FC-1E-B3-00-00"));
        assert!(!TextRule::Hex16.matches("0123456789abcdeX"));
    }
}
