//! Findings: departures from the manual that a lenient reader recovered from.

use std::fmt;

/// One departure a reader accepted. The runner turns it into a non-strict verdict when
/// `erratum` names an entry of the spec's errata register, and into a failure otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The errata entry that rules on this departure, if any.
    pub erratum: Option<&'static str>,
    /// What was seen, and where.
    pub message: String,
}

impl Finding {
    pub fn new(erratum: Option<&'static str>, message: impl Into<String>) -> Self {
        Self {
            erratum,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.erratum {
            Some(id) => write!(f, "{} (erratum {id})", self.message),
            None => f.write_str(&self.message),
        }
    }
}
