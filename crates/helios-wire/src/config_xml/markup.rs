//! The rules for markup whose content the tree keeps verbatim (declarations, processing
//! instructions, comments, CDATA), shared by the reader and the writer so that whatever one
//! accepts the other can handle.

/// XML's whitespace: space, tab, CR and LF.
pub(crate) fn is_xml_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

pub(crate) fn is_whitespace(text: &str) -> bool {
    text.chars().all(is_xml_whitespace)
}

/// The content of an XML declaration: `xml`, then nothing or whitespace and pseudo-attributes.
pub(crate) fn is_declaration(content: &str) -> bool {
    content
        .strip_prefix("xml")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(is_xml_whitespace))
        && !content.contains("?>")
}

/// The content of a processing instruction: a target that is a `Name` other than `xml` in any
/// case (reserved, and read back as a declaration), then nothing or whitespace and data.
pub(crate) fn is_processing_instruction(content: &str) -> bool {
    let target = content.split(is_xml_whitespace).next().unwrap_or_default();
    super::name::is_name(target) && !target.eq_ignore_ascii_case("xml") && !content.contains("?>")
}

/// Whether a comment's content can be written between `<!--` and `-->` and read back the same.
pub(crate) fn is_comment(content: &str) -> bool {
    !content.contains("-->")
}

/// Whether a CDATA section's content can be written and read back the same: no end marker, and
/// no CR, which reading normalises away.
pub(crate) fn is_cdata(content: &str) -> bool {
    !content.contains("]]>") && !content.contains('\r')
}

/// The content of a document type declaration after `<!DOCTYPE `: it must start with the
/// document type's name; an internal subset, if any, is kept as read.
pub(crate) fn is_doctype(content: &str) -> bool {
    let name = content
        .split(|c: char| is_xml_whitespace(c) || c == '[')
        .next()
        .unwrap_or_default();
    super::name::is_name(name) && !content.ends_with(is_xml_whitespace)
}
