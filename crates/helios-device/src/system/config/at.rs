//! Reading values out of an uploaded document, each checked against its domain, with the
//! element's path (`Switches/Switch[2]/Duration`) in every refusal.

use std::net::Ipv4Addr;
use std::ops::RangeInclusive;

use helios_wire::config_xml::Element;

use super::Invalid;
use crate::profile::GroupName;

/// The longest device name, user name, password and SIP number.
pub const MAX_TEXT: usize = 64;

/// An element and its path in the document, for messages.
pub(super) struct At<'d> {
    pub(super) element: &'d Element,
    pub(super) path: String,
}

impl<'d> At<'d> {
    pub(super) fn join(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.path)
        }
    }

    pub(super) fn child(&self, name: &str) -> Option<At<'d>> {
        let element = self.element.elements().find(|e| e.name == name)?;
        Some(At {
            element,
            path: self.join(name),
        })
    }

    pub(super) fn children(&self, name: &'d str) -> impl Iterator<Item = At<'d>> + '_ {
        self.element
            .elements()
            .filter(move |e| e.name == name)
            .enumerate()
            .map(move |(index, element)| At {
                element,
                path: self.join(&format!("{name}[{}]", index + 1)),
            })
    }

    pub(super) fn invalid(&self, name: &str, value: &str, why: &str) -> Invalid {
        let shown: String = value.chars().take(40).collect();
        Invalid(format!("{}: `{shown}` is {why}", self.join(name)))
    }

    pub(super) fn missing(&self, name: &str) -> Invalid {
        Invalid(format!("{} is missing", self.join(name)))
    }

    /// The value of the child `name`, exactly as written; `None` when there is no such child.
    pub(super) fn value(&self, name: &str) -> Result<Option<String>, Invalid> {
        match self.element.elements().find(|e| e.name == name) {
            None => Ok(None),
            Some(child) => child
                .text()
                .map(Some)
                .ok_or_else(|| Invalid(format!("{} holds elements, not a value", self.join(name)))),
        }
    }

    /// A text value of at most [`MAX_TEXT`] characters.
    pub(super) fn text(&self, name: &str) -> Result<Option<String>, Invalid> {
        let value = self.value(name)?;
        if let Some(text) = &value
            && text.chars().count() > MAX_TEXT
        {
            return Err(self.invalid(name, text, &format!("longer than {MAX_TEXT} characters")));
        }
        Ok(value)
    }

    pub(super) fn word(
        &self,
        name: &str,
        words: &[&'static str],
    ) -> Result<Option<&'static str>, Invalid> {
        let Some(value) = self.value(name)? else {
            return Ok(None);
        };
        words
            .iter()
            .find(|word| **word == value.trim())
            .map(|word| Some(*word))
            .ok_or_else(|| self.invalid(name, &value, &format!("not one of {}", words.join(", "))))
    }

    pub(super) fn required_word(
        &self,
        name: &str,
        words: &[&'static str],
    ) -> Result<&'static str, Invalid> {
        self.word(name, words)?.ok_or_else(|| self.missing(name))
    }

    pub(super) fn flag(&self, name: &str) -> Result<Option<bool>, Invalid> {
        Ok(self.word(name, &["0", "1"])?.map(|word| word == "1"))
    }

    pub(super) fn number(
        &self,
        name: &str,
        range: RangeInclusive<i64>,
    ) -> Result<Option<i64>, Invalid> {
        let Some(value) = self.value(name)? else {
            return Ok(None);
        };
        let trimmed = value.trim();
        let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
        let number = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| trimmed.parse::<i64>().ok())
            .flatten()
            .filter(|number| range.contains(number));
        number.map(Some).ok_or_else(|| {
            let why = format!("not a number from {} to {}", range.start(), range.end());
            self.invalid(name, &value, &why)
        })
    }

    pub(super) fn required_number(
        &self,
        name: &str,
        range: RangeInclusive<i64>,
    ) -> Result<i64, Invalid> {
        self.number(name, range)?.ok_or_else(|| self.missing(name))
    }

    /// An IPv4 address, or nothing (empty).
    pub(super) fn address(&self, name: &str) -> Result<(), Invalid> {
        match self.value(name)? {
            Some(value)
                if !value.trim().is_empty() && value.trim().parse::<Ipv4Addr>().is_err() =>
            {
                Err(self.invalid(name, &value, "not an IPv4 address"))
            }
            _ => Ok(()),
        }
    }

    /// A comma-separated list of privilege groups (`system,io`); empty is none.
    pub(super) fn groups(&self, name: &str) -> Result<Option<Vec<GroupName>>, Invalid> {
        let Some(value) = self.value(name)? else {
            return Ok(None);
        };
        value
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                GroupName::try_from(item.to_owned())
                    .map_err(|_| self.invalid(name, item, "not a privilege group"))
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }
}
