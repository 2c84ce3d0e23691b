//! The error a request earns: one of the manual's error codes, the parameter it names, and a
//! sentence for people.

use std::fmt;

use helios_spec::ErrorCode;

/// A negative reply in the making (manual 2.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    /// The parameter the error is about, for codes 11, 12 and 13 (and wherever else it helps).
    pub param: Option<String>,
    /// Why, in a sentence; not sent as `description`, which is the manual's text for the code.
    pub detail: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            param: None,
            detail: detail.into(),
        }
    }

    pub fn with_param(
        code: ErrorCode,
        param: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            code,
            param: Some(param.into()),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {}", self.code)?;
        if let Some(param) = &self.param {
            write!(f, " [{param}]")?;
        }
        write!(f, ": {}", self.detail)
    }
}

impl std::error::Error for ApiError {}
