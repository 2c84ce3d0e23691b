//! The error codes of chapter 2.3 and the HTTP status each travels with.

use std::fmt;

/// The HTTP status of a positive reply, which the manual says "is always combined with the HTTP
/// status code 200 OK" (2.3); negative replies travel with it too, but code 9's
/// ([`ErrorCode::http_status`]).
pub const SUCCESS_STATUS: u16 = 200;

/// An error code of a negative reply. There is no code 6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum ErrorCode {
    NotSupported = 1,
    InvalidPath = 2,
    InvalidMethod = 3,
    Disabled = 4,
    Licensed = 5,
    InvalidConnection = 7,
    InvalidAuthMethod = 8,
    AuthRequired = 9,
    InsufficientPrivileges = 10,
    MissingParameter = 11,
    InvalidParameter = 12,
    DataTooBig = 13,
    ProcessingError = 14,
    NoData = 15,
}

impl ErrorCode {
    pub const ALL: [Self; 14] = [
        Self::NotSupported,
        Self::InvalidPath,
        Self::InvalidMethod,
        Self::Disabled,
        Self::Licensed,
        Self::InvalidConnection,
        Self::InvalidAuthMethod,
        Self::AuthRequired,
        Self::InsufficientPrivileges,
        Self::MissingParameter,
        Self::InvalidParameter,
        Self::DataTooBig,
        Self::ProcessingError,
        Self::NoData,
    ];

    pub const fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u64) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|error| u64::from(error.code()) == code)
    }

    /// The `description` text of the manual's table, as the device sends it.
    pub const fn description(self) -> &'static str {
        match self {
            Self::NotSupported => "function is not supported",
            Self::InvalidPath => "invalid request path",
            Self::InvalidMethod => "invalid request method",
            Self::Disabled => "function is disabled",
            Self::Licensed => "function is licensed",
            Self::InvalidConnection => "invalid connection type",
            Self::InvalidAuthMethod => "invalid authentication method",
            Self::AuthRequired => "authorisation required",
            Self::InsufficientPrivileges => "insufficient user privileges",
            Self::MissingParameter => "missing mandatory parameter",
            Self::InvalidParameter => "invalid parameter value",
            Self::DataTooBig => "parameter data too big",
            Self::ProcessingError => "unspecified processing error",
            Self::NoData => "no data available",
        }
    }

    /// The manual's explanation of when the code is sent.
    pub const fn explanation(self) -> &'static str {
        match self {
            Self::NotSupported => "The requested function is unavailable in this model.",
            Self::InvalidPath => {
                "The absolute path specified in the HTTP request does not match any of the HTTP API functions."
            }
            Self::InvalidMethod => "The HTTP method used is invalid for the selected function.",
            Self::Disabled => {
                "The function (service) is disabled. Enable the function on the Services / HTTP API configuration interface page."
            }
            Self::Licensed => {
                "The function (service) is subject to licence and available with a licence key only."
            }
            Self::InvalidConnection => "HTTPS connection is required.",
            Self::InvalidAuthMethod => {
                "The authentication method used is invalid for the selected service. This error happens when the Digest method is only enabled for the service but the client tries to authenticate via the Basic method."
            }
            Self::AuthRequired => {
                "User authorisation is required for the service access. This error is sent together with the HTTP status code Authorisation Required."
            }
            Self::InsufficientPrivileges => {
                "The user to be authenticated has insufficient privileges for the function."
            }
            Self::MissingParameter => {
                "The request lacks a mandatory parameter. Refer to param for the parameter name."
            }
            Self::InvalidParameter => {
                "A parameter value is invalid. Refer to param for the parameter name."
            }
            Self::DataTooBig => {
                "The parameter data exceed the acceptable limit. Refer to param for the parameter name."
            }
            Self::ProcessingError => "An unspecified error occurred during request processing.",
            Self::NoData => "The required data are not available on the server.",
        }
    }

    /// The HTTP status of the reply: 401 for code 9, 200 for every other code (2.3; devices in
    /// the field never answer 403 or 404).
    pub const fn http_status(self) -> u16 {
        match self {
            Self::AuthRequired => 401,
            _ => SUCCESS_STATUS,
        }
    }

    /// Whether the reply names the offending parameter in `param`.
    pub const fn names_param(self) -> bool {
        matches!(
            self,
            Self::MissingParameter | Self::InvalidParameter | Self::DataTooBig
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.description())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_one_to_fifteen_without_six() {
        let codes: Vec<u8> = ErrorCode::ALL.iter().map(|e| e.code()).collect();
        let expected: Vec<u8> = (1..=15).filter(|&c| c != 6).collect();
        assert_eq!(codes, expected);
        for code in 0..=20u64 {
            assert_eq!(
                ErrorCode::from_code(code).map(|e| u64::from(e.code())),
                (code != 6 && (1..=15).contains(&code)).then_some(code)
            );
        }
    }
}
