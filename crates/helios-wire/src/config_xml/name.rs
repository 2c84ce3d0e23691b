//! XML 1.0 (fifth edition) names, checked the same way when reading and when writing, so that
//! every name the reader accepts the writer can write, and everything written is well-formed.

/// `NameStartChar`.
fn is_name_start(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// `NameChar`.
fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c,
            '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `name` is an XML `Name`: element, attribute, entity and processing-instruction
/// target names.
pub(crate) fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

#[cfg(test)]
mod tests {
    use super::is_name;

    #[test]
    fn names() {
        for name in [
            "DeviceDatabase",
            "a",
            "_x",
            "ns:el",
            "é-1.2",
            "名前",
            "a\u{B7}b",
        ] {
            assert!(is_name(name), "{name:?}");
        }
        for name in [
            "", "1a", "-a", ".a", "a b", "a>", "a/", "a=b", "a\"", "a&", "\u{D7}",
        ] {
            assert!(!is_name(name), "{name:?}");
        }
    }
}
