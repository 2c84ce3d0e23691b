//! Writing the tree back to XML: every node as it was read, text and attribute values escaped
//! just enough to read back the same. The writer refuses what would not read back (an invalid
//! name, a comment holding `-->`, text outside the root element) rather than write it.

use std::fmt::Write as _;

use super::ConfigXmlError;
use super::markup;
use super::name::is_name;
use super::tree::{Document, Element, Node};

/// Where a node stands, which decides what it may be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// First in the prolog, the one place for the XML declaration.
    First,
    Prolog,
    Epilog,
    Content,
}

enum Work<'a> {
    Node(&'a Node, Place),
    /// The root element, which is not held in a node.
    Root(&'a Element),
    Close(&'a Element),
}

fn unwritable(what: &'static str, reason: &'static str) -> ConfigXmlError {
    ConfigXmlError::Unwritable { what, reason }
}

impl Document {
    /// The document as XML text.
    pub fn to_xml(&self) -> Result<String, ConfigXmlError> {
        let mut out = String::new();
        for (index, node) in self.prolog.iter().enumerate() {
            let place = if index == 0 {
                Place::First
            } else {
                Place::Prolog
            };
            write_tree(&mut out, Work::Node(node, place))?;
        }
        write_tree(&mut out, Work::Root(&self.root))?;
        for node in &self.epilog {
            write_tree(&mut out, Work::Node(node, Place::Epilog))?;
        }
        Ok(out)
    }
}

/// Writes a node and everything under it with an explicit stack of work, so that a deep tree
/// built by hand cannot overflow the call stack.
fn write_tree(out: &mut String, first: Work<'_>) -> Result<(), ConfigXmlError> {
    let mut work = vec![first];
    while let Some(item) = work.pop() {
        match item {
            Work::Close(element) => {
                let _ = write!(out, "</{}>", element.name);
            }
            Work::Node(Node::Element(element), place) => {
                if matches!(place, Place::First | Place::Prolog | Place::Epilog) {
                    return Err(unwritable(
                        "an element",
                        "the document has one root element",
                    ));
                }
                write_element(out, element, &mut work)?;
            }
            Work::Root(element) => write_element(out, element, &mut work)?,
            Work::Node(node, place) => write_leaf(out, node, place)?,
        }
    }
    Ok(())
}

/// Writes an element's start tag and queues its children and end tag.
fn write_element<'a>(
    out: &mut String,
    element: &'a Element,
    work: &mut Vec<Work<'a>>,
) -> Result<(), ConfigXmlError> {
    if !is_name(&element.name) {
        return Err(unwritable("an element", "its name is not an XML name"));
    }
    out.push('<');
    out.push_str(&element.name);
    for attribute in &element.attributes {
        if !is_name(&attribute.name) {
            return Err(unwritable("an attribute", "its name is not an XML name"));
        }
        let _ = write!(out, " {}=\"", attribute.name);
        escape(out, &attribute.value, true);
        out.push('"');
    }
    if element.children.is_empty() && element.self_closing {
        out.push_str("/>");
        return Ok(());
    }
    out.push('>');
    work.push(Work::Close(element));
    work.extend(
        element
            .children
            .iter()
            .rev()
            .map(|child| Work::Node(child, Place::Content)),
    );
    Ok(())
}

fn write_leaf(out: &mut String, node: &Node, place: Place) -> Result<(), ConfigXmlError> {
    let outside = place != Place::Content;
    match node {
        Node::Element(_) => {}
        Node::Text(text) if outside && !markup::is_whitespace(text) => {
            return Err(unwritable(
                "text",
                "only whitespace may stand outside the root",
            ));
        }
        Node::Text(text) => escape(out, text, false),
        Node::CData(_) | Node::EntityRef(_) if outside => {
            return Err(unwritable(
                "character data",
                "it may not stand outside the root",
            ));
        }
        Node::CData(data) if !markup::is_cdata(data) => {
            return Err(unwritable("a CDATA section", "it holds \"]]>\" or a CR"));
        }
        Node::CData(data) => {
            let _ = write!(out, "<![CDATA[{data}]]>");
        }
        Node::EntityRef(name) if !is_name(name) => {
            return Err(unwritable(
                "an entity reference",
                "its name is not an XML name",
            ));
        }
        Node::EntityRef(name) => {
            let _ = write!(out, "&{name};");
        }
        Node::Comment(comment) if !markup::is_comment(comment) => {
            return Err(unwritable("a comment", "it holds \"-->\""));
        }
        Node::Comment(comment) => {
            let _ = write!(out, "<!--{comment}-->");
        }
        Node::Declaration(_) if place != Place::First => {
            return Err(unwritable(
                "an XML declaration",
                "it comes first or not at all",
            ));
        }
        Node::Declaration(content) if !markup::is_declaration(content) => {
            return Err(unwritable(
                "an XML declaration",
                "it must start with \"xml\"",
            ));
        }
        Node::Declaration(content) => {
            let _ = write!(out, "<?{content}?>");
        }
        Node::ProcessingInstruction(content) if !markup::is_processing_instruction(content) => {
            return Err(unwritable(
                "a processing instruction",
                "its target is invalid",
            ));
        }
        Node::ProcessingInstruction(content) => {
            let _ = write!(out, "<?{content}?>");
        }
        Node::DocType(_) if !matches!(place, Place::First | Place::Prolog) => {
            return Err(unwritable("a document type", "it belongs in the prolog"));
        }
        Node::DocType(content) if !markup::is_doctype(content) => {
            return Err(unwritable("a document type", "it must start with a name"));
        }
        Node::DocType(content) => {
            let _ = write!(out, "<!DOCTYPE {content}>");
        }
    }
    Ok(())
}

/// Escapes text (`&`, `<`, `>` so that `]]>` never appears, and CR, which reading would
/// normalise) or an attribute value (`&`, `<`, `"`, and tab, LF and CR, which reading would turn
/// into spaces).
fn escape(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' if !attribute => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            other => out.push(other),
        }
    }
}
