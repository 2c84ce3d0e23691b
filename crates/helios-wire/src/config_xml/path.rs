//! Typed access on top of the tree: the root's format version, and values by a path of element
//! names such as `Network/DhcpEnabled` (relative to the root; `User[2]` picks the second `User`).

use helios_spec::functions::config::ROOT_ELEMENT;

use super::name::is_name;
use super::tree::{Attribute, Document, Element, Node};
use super::{ConfigXmlError, VERSION_ATTRIBUTE};

/// One step of a path: a child element's name and which of the children of that name.
#[derive(Clone, Copy, Debug)]
struct Step<'p> {
    name: &'p str,
    /// Zero-based.
    index: usize,
}

fn steps(path: &str) -> Result<Vec<Step<'_>>, ConfigXmlError> {
    let invalid = |reason| ConfigXmlError::InvalidPath {
        path: path.to_owned(),
        reason,
    };
    if path.is_empty() {
        return Err(invalid("it is empty"));
    }
    path.split('/')
        .map(|segment| {
            let (name, index) = match segment.strip_suffix(']').and_then(|s| s.split_once('[')) {
                Some((name, number)) => match number.parse::<usize>() {
                    Ok(number @ 1..) => (name, number - 1),
                    _ => return Err(invalid("an index is a number from 1")),
                },
                None => (segment, 0),
            };
            if !is_name(name) {
                return Err(invalid("each step is an element name"));
            }
            Ok(Step { name, index })
        })
        .collect()
}

impl Element {
    fn nth(&self, step: Step<'_>) -> Option<&Element> {
        self.elements()
            .filter(|element| element.name == step.name)
            .nth(step.index)
    }

    fn nth_mut(&mut self, step: Step<'_>) -> Option<&mut Element> {
        self.children
            .iter_mut()
            .filter_map(|node| match node {
                Node::Element(element) if element.name == step.name => Some(element),
                _ => None,
            })
            .nth(step.index)
    }

    fn count(&self, name: &str) -> usize {
        self.elements()
            .filter(|element| element.name == name)
            .count()
    }
}

impl Document {
    /// A new document as the device writes one: the XML declaration, then `root`.
    pub fn new(root: Element) -> Self {
        Self {
            prolog: vec![
                Node::Declaration(r#"xml version="1.0" encoding="UTF-8""#.to_owned()),
                Node::Text("\n".to_owned()),
            ],
            root,
            epilog: vec![Node::Text("\n".to_owned())],
        }
    }

    /// An empty configuration of format `version`: `<DeviceDatabase Version="...">`.
    pub fn device_database(version: u32) -> Self {
        let mut root = Element::new(ROOT_ELEMENT);
        root.attributes.push(Attribute {
            name: VERSION_ATTRIBUTE.to_owned(),
            value: version.to_string(),
        });
        Self::new(root)
    }

    /// The configuration format's version, from the root's `Version` attribute.
    pub fn version(&self) -> Result<u32, ConfigXmlError> {
        let value = self
            .root
            .attribute(VERSION_ATTRIBUTE)
            .ok_or(ConfigXmlError::MissingVersion(VERSION_ATTRIBUTE))?;
        value
            .trim()
            .parse()
            .map_err(|_| ConfigXmlError::InvalidVersion(value.to_owned()))
    }

    pub fn set_version(&mut self, version: u32) {
        self.root
            .set_attribute(VERSION_ATTRIBUTE, version.to_string());
    }

    /// The element at `path`.
    pub fn element(&self, path: &str) -> Result<&Element, ConfigXmlError> {
        let mut current = &self.root;
        for step in steps(path)? {
            current = current
                .nth(step)
                .ok_or_else(|| ConfigXmlError::PathNotFound {
                    path: path.to_owned(),
                })?;
        }
        Ok(current)
    }

    pub fn element_mut(&mut self, path: &str) -> Result<&mut Element, ConfigXmlError> {
        let mut current = &mut self.root;
        for step in steps(path)? {
            current = current
                .nth_mut(step)
                .ok_or_else(|| ConfigXmlError::PathNotFound {
                    path: path.to_owned(),
                })?;
        }
        Ok(current)
    }

    /// The value at `path`, such as `"1"` for `Network/DhcpEnabled`.
    pub fn get(&self, path: &str) -> Result<String, ConfigXmlError> {
        self.element(path)?
            .text()
            .ok_or_else(|| ConfigXmlError::NotAValue {
                path: path.to_owned(),
            })
    }

    /// Sets the value at `path` and returns the one it replaces. Missing elements are created
    /// at the end of their parent (for an indexed step, only the next one: `User[3]` after two
    /// `User`s); `None` says the element is new. Comments inside the element stay. On an error
    /// nothing has changed.
    pub fn set(&mut self, path: &str, value: &str) -> Result<Option<String>, ConfigXmlError> {
        let steps = steps(path)?;
        let not_found = || ConfigXmlError::PathNotFound {
            path: path.to_owned(),
        };
        // Check first, so that a path that cannot be made leaves the tree untouched.
        let mut current = &self.root;
        let mut existing = 0;
        while let Some(next) = steps.get(existing).and_then(|&step| current.nth(step)) {
            current = next;
            existing += 1;
        }
        if let Some(first_missing) = steps.get(existing) {
            let creatable = first_missing.index == current.count(first_missing.name)
                && steps.iter().skip(existing + 1).all(|step| step.index == 0);
            if !creatable {
                return Err(not_found());
            }
        }
        let mut target = &mut self.root;
        for &step in &steps {
            if target.nth(step).is_none() {
                target.children.push(Node::Element(Element::new(step.name)));
            }
            target = target.nth_mut(step).ok_or_else(not_found)?;
        }
        let previous = if existing == steps.len() {
            let previous = target.text().ok_or_else(|| ConfigXmlError::NotAValue {
                path: path.to_owned(),
            })?;
            Some(previous)
        } else {
            None
        };
        target.replace_text(value);
        Ok(previous)
    }
}
