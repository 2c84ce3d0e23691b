//! A call: a function of the spec, a method, parameters and how they travel.

use helios_spec::{Function, Method};

/// A parameter's value. Values are not checked against the spec here, so that a conformance
/// runner can send out-of-domain values on purpose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamValue {
    Text(String),
    /// A `blob-` parameter: bytes, a file name and a media type for its multipart part.
    Blob {
        data: Vec<u8>,
        filename: String,
        content_type: String,
    },
}

impl From<&str> for ParamValue {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for ParamValue {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

macro_rules! from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for ParamValue {
            fn from(number: $t) -> Self {
                Self::Text(number.to_string())
            }
        }
    )*};
}
from_number!(i32, i64, u8, u16, u32, u64);

/// Where simple parameters travel (2.2); `blob-` parameters always go in a multipart body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transfer {
    /// The URI query.
    Query,
    /// An `application/x-www-form-urlencoded` body (POST and PUT).
    UrlEncoded,
    /// A `multipart/form-data` body (POST and PUT).
    Multipart,
}

/// One request to make.
#[derive(Clone, Debug)]
pub struct Call {
    pub function: &'static Function,
    pub method: Method,
    pub params: Vec<(String, ParamValue)>,
    pub transfer: Transfer,
    /// A path to use instead of the function's, for probing unknown paths.
    pub path_override: Option<String>,
}

impl Call {
    /// A call with the function's first method and no parameters, sent in the query (or in a
    /// multipart body for a function whose first method is PUT).
    pub fn new(function: &'static Function) -> Self {
        let method = function
            .methods
            .first()
            .map_or(Method::Get, |spec| spec.method);
        Self {
            function,
            method,
            params: Vec::new(),
            transfer: if method == Method::Put {
                Transfer::Multipart
            } else {
                Transfer::Query
            },
            path_override: None,
        }
    }

    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    pub fn param(mut self, name: &str, value: impl Into<ParamValue>) -> Self {
        self.params.push((name.to_owned(), value.into()));
        self
    }

    pub fn blob(mut self, name: &str, data: Vec<u8>, filename: &str, content_type: &str) -> Self {
        self.params.push((
            name.to_owned(),
            ParamValue::Blob {
                data,
                filename: filename.to_owned(),
                content_type: content_type.to_owned(),
            },
        ));
        self
    }

    pub fn transfer(mut self, transfer: Transfer) -> Self {
        self.transfer = transfer;
        self
    }

    pub fn path(mut self, path: &str) -> Self {
        self.path_override = Some(path.to_owned());
        self
    }

    pub(crate) fn target_path(&self) -> &str {
        self.path_override.as_deref().unwrap_or(self.function.path)
    }
}
