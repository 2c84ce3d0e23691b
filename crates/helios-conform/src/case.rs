//! A case: one request, sent as one login over one transport, and what the manual says the
//! device must answer.

use helios_client::Call;
use helios_spec::{ErrorCode, Function, Tier, Transport};

/// Who sends the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Login {
    /// No credentials.
    Anonymous,
    /// An account of the profile, answering whatever the device challenges with.
    Account(usize),
    /// An account of the profile, sending Basic credentials unasked.
    Basic(usize),
    /// An account of the profile with a wrong password: a failed login, within the budget.
    WrongPassword(usize),
}

/// What the device must answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A successful reply of the function's default kind; with `text`, exactly that text/plain
    /// body (the `response` parameter).
    Success { text: Option<String> },
    /// A negative reply with this code (and HTTP status), naming `param` when set. Other codes
    /// an erratum admits are non-strict.
    Error {
        code: ErrorCode,
        param: Option<String>,
        admitted: Vec<(ErrorCode, &'static str)>,
        /// An erratum under which a success is non-strict rather than a failure.
        success_admitted: Option<&'static str>,
    },
}

impl Expect {
    pub fn error(code: ErrorCode) -> Self {
        Self::Error {
            code,
            param: None,
            admitted: Vec::new(),
            success_admitted: None,
        }
    }

    pub fn error_naming(code: ErrorCode, param: &str) -> Self {
        Self::Error {
            code,
            param: Some(param.to_owned()),
            admitted: Vec::new(),
            success_admitted: None,
        }
    }

    pub fn success_admitted(mut self, erratum: &'static str) -> Self {
        if let Self::Error {
            success_admitted, ..
        } = &mut self
        {
            *success_admitted = Some(erratum);
        }
        self
    }

    pub fn admitting(mut self, code: ErrorCode, erratum: &'static str) -> Self {
        if let Self::Error { admitted, .. } = &mut self {
            admitted.push((code, erratum));
        }
        self
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Success { text: None } => "success".into(),
            Self::Success { text: Some(text) } => format!("text/plain {text:?}"),
            Self::Error { code, param, .. } => match param {
                Some(param) => format!("error {} naming {param}", code.code()),
                None => format!("error {}", code.code()),
            },
        }
    }
}

/// One case.
#[derive(Clone, Debug)]
pub struct Case {
    /// Stable and readable: `switch_ctrl.get.missing.action`.
    pub id: String,
    pub function: &'static Function,
    /// The family: routing, method, security, parameters, reply.
    pub check: &'static str,
    pub tier: Tier,
    pub transport: Transport,
    pub login: Login,
    pub call: Call,
    pub expect: Expect,
    /// Parameters drawn anew for each of `--cases` requests, over those of `call`: when not
    /// empty, the case is a property (see `property.rs`).
    pub generated: Vec<Values>,
    /// Why the case cannot run, decided before sending anything.
    pub not_applicable: Option<String>,
}

/// What one generated parameter (or pair of parameters) takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Values {
    /// A decimal integer within the bounds.
    Range { name: String, min: i64, max: i64 },
    /// One of these words.
    Words { name: String, words: Vec<String> },
    /// One item of a caps list that sets several parameters together (a resolution's width
    /// and height).
    Items(Vec<Vec<(String, String)>>),
    /// Anything but a decimal integer within the bounds: just outside them, far outside, or
    /// not a number.
    Outside { name: String, min: i64, max: i64 },
    /// A lowercase word that is none of these (compared without case).
    NotWord { name: String, words: Vec<String> },
}
