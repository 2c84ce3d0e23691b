//! The generic tree a configuration document is read into: every element, attribute (in order),
//! text, comment, CDATA section, processing instruction and declaration, so that writing it back
//! loses nothing the device may care about.

/// A whole document: what comes before the root element, the root, and what comes after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// The XML declaration (first, if any), comments, processing instructions, a document type
    /// declaration and the whitespace between them.
    pub prolog: Vec<Node>,
    pub root: Element,
    /// Comments, processing instructions and whitespace after the root element.
    pub epilog: Vec<Node>,
}

/// An element with its attributes in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<Attribute>,
    pub children: Vec<Node>,
    /// Whether an element with no children is written `<name/>` rather than `<name></name>`.
    pub self_closing: bool,
}

/// One attribute; the value is unescaped, as the document means it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

/// Anything an element (or the prolog and epilog) can hold.
///
/// Reading never yields two `Text` nodes in a row, nor an empty one: adjacent text and resolved
/// references become one node. A tree built by hand that breaks this still writes, but reads
/// back merged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    /// Character data, unescaped, with line ends normalised to LF as XML 1.0 requires.
    Text(String),
    /// The content of a `<![CDATA[...]]>` section, line ends normalised like text.
    CData(String),
    /// The content of a `<!--...-->` comment, verbatim.
    Comment(String),
    /// The content of the XML declaration between `<?` and `?>`, verbatim
    /// (`xml version="1.0" encoding="UTF-8"`).
    Declaration(String),
    /// The content of a processing instruction between `<?` and `?>`, verbatim.
    ProcessingInstruction(String),
    /// The content of `<!DOCTYPE ...>` after the keyword, verbatim.
    DocType(String),
    /// A reference to an entity that only a document type declaration could define, kept by
    /// name because it cannot be resolved here.
    EntityRef(String),
}

impl Element {
    /// An element with no attributes and no children, written `<name></name>`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            attributes: Vec::new(),
            children: Vec::new(),
            self_closing: false,
        }
    }

    /// The value of the attribute `name`, if the element has it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|attribute| attribute.name == name)
            .map(|attribute| attribute.value.as_str())
    }

    /// Sets the attribute `name`, in its place if the element has it, else after the others.
    pub fn set_attribute(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self
            .attributes
            .iter_mut()
            .find(|attribute| attribute.name == name)
        {
            Some(attribute) => attribute.value = value,
            None => self.attributes.push(Attribute {
                name: name.to_owned(),
                value,
            }),
        }
    }

    /// The child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            _ => None,
        })
    }

    /// The value an element holds: its text and CDATA joined, or `None` when it has child
    /// elements and so holds a section rather than a value. References that cannot be resolved
    /// come out as written (`&name;`).
    pub fn text(&self) -> Option<String> {
        let mut value = String::new();
        for node in &self.children {
            match node {
                Node::Element(_) => return None,
                Node::Text(text) | Node::CData(text) => value.push_str(text),
                Node::EntityRef(name) => {
                    value.push('&');
                    value.push_str(name);
                    value.push(';');
                }
                Node::Comment(_)
                | Node::Declaration(_)
                | Node::ProcessingInstruction(_)
                | Node::DocType(_) => {}
            }
        }
        Some(value)
    }

    /// Replaces the element's value, keeping its comments and processing instructions: the
    /// new text takes the place of the first piece of the old value.
    pub(crate) fn replace_text(&mut self, value: &str) {
        let is_value =
            |node: &Node| matches!(node, Node::Text(_) | Node::CData(_) | Node::EntityRef(_));
        let at = self.children.iter().position(is_value);
        self.children.retain(|node| !is_value(node));
        if !value.is_empty() {
            let at = at.unwrap_or(self.children.len()).min(self.children.len());
            self.children.insert(at, Node::Text(value.to_owned()));
        }
    }
}
