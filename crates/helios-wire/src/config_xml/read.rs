//! Reading a document with quick-xml into the generic tree, within the limits.
//!
//! The tree is built with an explicit stack of open elements, never by recursion, so that no
//! input can exhaust the call stack; the depth limit then bounds the tree's own shape.

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::name::is_name;
use super::tree::{Attribute, Document, Element, Node};
use super::{ConfigXmlError, Limits, markup};

/// Reads `bytes` into a tree, whatever its root element.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, ConfigXmlError> {
    let (body, base) = text_of(bytes, limits)?;
    let mut reader = Reader::from_str(body);
    let mut builder = Builder::new(limits);
    loop {
        let event = reader
            .read_event()
            .map_err(|error| malformed(base + reader.error_position(), error))?;
        let offset = base + reader.buffer_position();
        if !matches!(event, Event::Text(_) | Event::GeneralRef(_)) {
            builder.flush_text(offset)?;
        }
        if matches!(event, Event::Eof) {
            break;
        }
        builder.take(event, offset)?;
    }
    builder.finish(base + reader.buffer_position())
}

/// The document's text within the size limit, without a byte order mark, and the offset its
/// text starts at in `bytes` (offsets still count the mark).
fn text_of<'b>(bytes: &'b [u8], limits: &Limits) -> Result<(&'b str, u64), ConfigXmlError> {
    if bytes.len() > limits.max_bytes {
        return Err(ConfigXmlError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|error| ConfigXmlError::NotUtf8 {
        offset: error.valid_up_to(),
    })?;
    // A byte order mark is allowed before the declaration.
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    Ok((body, (text.len() - body.len()) as u64))
}

fn malformed(offset: u64, reason: impl ToString) -> ConfigXmlError {
    ConfigXmlError::Malformed {
        offset,
        reason: reason.to_string(),
    }
}

/// Only UTF-8 (and its subset US-ASCII) is read: the document is already checked to be UTF-8,
/// and a declaration that says otherwise means the device and we disagree about the bytes.
fn check_encoding(
    declaration: &quick_xml::events::BytesDecl<'_>,
    offset: u64,
) -> Result<(), ConfigXmlError> {
    match declaration.encoding() {
        None => Ok(()),
        Some(Err(error)) => Err(malformed(offset, error)),
        Some(Ok(encoding)) => {
            let known = ["utf-8", "utf8", "us-ascii", "ascii"];
            if known.iter().any(|name| encoding.eq_ignore_ascii_case(name)) {
                Ok(())
            } else {
                Err(ConfigXmlError::UnsupportedEncoding(encoding.into_owned()))
            }
        }
    }
}

fn element(
    start: &BytesStart<'_>,
    self_closing: bool,
    offset: u64,
) -> Result<Element, ConfigXmlError> {
    let name = start.name().as_ref().to_owned();
    if !is_name(&name) {
        return Err(malformed(offset, format!("invalid element name {name:?}")));
    }
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| malformed(offset, error))?;
        let key = attribute.key.as_ref();
        if !is_name(key) {
            return Err(malformed(offset, format!("invalid attribute name {key:?}")));
        }
        // Attribute values are normalised as XML 1.0 says: references resolved, literal tabs
        // and line breaks turned into spaces (written back as character references if set).
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|error| malformed(offset, error))?;
        attributes.push(Attribute {
            name: key.to_owned(),
            value: value.into_owned(),
        });
    }
    Ok(Element {
        name,
        attributes,
        children: Vec::new(),
        self_closing,
    })
}

/// The tree under construction.
struct Builder<'l> {
    limits: &'l Limits,
    prolog: Vec<Node>,
    root: Option<Element>,
    epilog: Vec<Node>,
    /// The elements opened and not yet closed, outermost first.
    open: Vec<Element>,
    /// Text and resolved references not yet made into a node, so that they become one.
    text: String,
    elements: usize,
    nodes: usize,
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Self {
        Self {
            limits,
            prolog: Vec::new(),
            root: None,
            epilog: Vec::new(),
            open: Vec::new(),
            text: String::new(),
            elements: 0,
            nodes: 0,
        }
    }

    /// Takes one event of the reader into the tree (every event but the end of the input).
    fn take(&mut self, event: Event<'_>, offset: u64) -> Result<(), ConfigXmlError> {
        match event {
            Event::Start(start) => self.open_element(element(&start, false, offset)?, offset),
            Event::Empty(start) => {
                self.open_element(element(&start, true, offset)?, offset)?;
                self.close_element(offset)
            }
            Event::End(_) => self.close_element(offset),
            Event::Text(text) => {
                self.text.push_str(&text.xml10_content());
                Ok(())
            }
            Event::GeneralRef(reference) => self.reference(&reference, offset),
            Event::CData(data) => {
                self.attach(Node::CData(data.xml10_content().into_owned()), offset)
            }
            Event::Comment(comment) => {
                self.attach(Node::Comment(comment.into_inner().into_owned()), offset)
            }
            Event::Decl(declaration) => {
                let content = (*declaration).to_owned();
                if !markup::is_declaration(&content) {
                    return Err(malformed(offset, "an XML declaration that is not one"));
                }
                check_encoding(&declaration, offset)?;
                self.attach(Node::Declaration(content), offset)
            }
            Event::PI(instruction) => {
                let content = (*instruction).to_owned();
                if !markup::is_processing_instruction(&content) {
                    return Err(malformed(
                        offset,
                        "a processing instruction without a valid target",
                    ));
                }
                self.attach(Node::ProcessingInstruction(content), offset)
            }
            Event::DocType(doctype) => {
                let content = doctype
                    .trim_end_matches(markup::is_xml_whitespace)
                    .to_owned();
                if !markup::is_doctype(&content) {
                    return Err(malformed(offset, "a document type without a name"));
                }
                self.attach(Node::DocType(content), offset)
            }
            Event::Eof => Ok(()),
        }
    }

    /// A reference: a character or a predefined entity joins the text; another entity stays a
    /// reference node, written back as it came.
    fn reference(&mut self, reference: &BytesRef<'_>, offset: u64) -> Result<(), ConfigXmlError> {
        let resolved = reference
            .resolve_char_ref()
            .map_err(|error| malformed(offset, error))?;
        if let Some(character) = resolved {
            self.text.push(character);
        } else if let Some(entity) = quick_xml::escape::resolve_predefined_entity(reference) {
            self.text.push_str(entity);
        } else if is_name(reference) {
            self.flush_text(offset)?;
            self.attach(Node::EntityRef(reference.to_string()), offset)?;
        } else {
            return Err(malformed(
                offset,
                format!("invalid reference &{};", &**reference),
            ));
        }
        Ok(())
    }

    fn count_node(&mut self) -> Result<(), ConfigXmlError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(ConfigXmlError::TooManyNodes {
                limit: self.limits.max_nodes,
            });
        }
        Ok(())
    }

    fn open_element(&mut self, element: Element, offset: u64) -> Result<(), ConfigXmlError> {
        if self.open.len() >= self.limits.max_depth {
            return Err(ConfigXmlError::TooDeep {
                offset,
                limit: self.limits.max_depth,
            });
        }
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(ConfigXmlError::TooManyElements {
                limit: self.limits.max_elements,
            });
        }
        self.count_node()?;
        self.open.push(element);
        Ok(())
    }

    fn close_element(&mut self, offset: u64) -> Result<(), ConfigXmlError> {
        let Some(element) = self.open.pop() else {
            return Err(malformed(offset, "an end tag without a start tag"));
        };
        self.place(Node::Element(element), offset)
    }

    fn flush_text(&mut self, offset: u64) -> Result<(), ConfigXmlError> {
        if self.text.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(&mut self.text);
        self.attach(Node::Text(text), offset)
    }

    /// Counts and places a node that is not an element (elements count when they open).
    fn attach(&mut self, node: Node, offset: u64) -> Result<(), ConfigXmlError> {
        self.count_node()?;
        self.place(node, offset)
    }

    fn place(&mut self, node: Node, offset: u64) -> Result<(), ConfigXmlError> {
        if let Some(parent) = self.open.last_mut() {
            if matches!(node, Node::Declaration(_) | Node::DocType(_)) {
                return Err(malformed(offset, "a declaration inside an element"));
            }
            parent.children.push(node);
            return Ok(());
        }
        let at_start = self.prolog.is_empty() && self.root.is_none();
        let has_doctype = self
            .prolog
            .iter()
            .any(|node| matches!(node, Node::DocType(_)));
        match node {
            Node::Element(element) if self.root.is_none() => self.root = Some(element),
            Node::Element(_) => return Err(malformed(offset, "a second root element")),
            Node::Text(text) if !markup::is_whitespace(&text) => {
                return Err(malformed(offset, "text outside the root element"));
            }
            Node::CData(_) | Node::EntityRef(_) => {
                return Err(malformed(offset, "character data outside the root element"));
            }
            Node::Declaration(_) if !at_start => {
                return Err(malformed(
                    offset,
                    "an XML declaration that does not come first",
                ));
            }
            Node::DocType(_) if self.root.is_some() || has_doctype => {
                return Err(malformed(offset, "a document type after the root or twice"));
            }
            other if self.root.is_some() => self.epilog.push(other),
            other => self.prolog.push(other),
        }
        Ok(())
    }

    fn finish(self, offset: u64) -> Result<Document, ConfigXmlError> {
        if let Some(open) = self.open.last() {
            return Err(malformed(offset, format!("<{}> is not closed", open.name)));
        }
        let root = self.root.ok_or(ConfigXmlError::NoRoot)?;
        Ok(Document {
            prolog: self.prolog,
            root,
            epilog: self.epilog,
        })
    }
}
