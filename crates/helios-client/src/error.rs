//! What can go wrong with a call: each error keeps the error it comes from as its source, and
//! says what it is in the words a report shows.

use reqwest::StatusCode;
use serde_json::Value;

/// The most bytes of a response body read; a device that sends more is cut off with an error.
pub const MAX_RESPONSE: usize = 64 << 20;

/// The words that open the message of a request that got no answer, by which a runner tells
/// the lab's environment from the device.
pub const UNANSWERED: &str = "the request failed";

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot build the client: the CA certificate: {0}")]
    Certificate(#[source] reqwest::Error),
    #[error("cannot build the client: {0}")]
    Build(#[source] reqwest::Error),
    /// The request got no answer: refused, timed out, cut off, TLS.
    #[error("{UNANSWERED}: {0}")]
    Transport(#[source] Unanswered),
    #[error("the response is larger than {MAX_RESPONSE} bytes")]
    TooLarge,
    #[error("blob- parameters travel only in a multipart body")]
    BlobOutsideMultipart,
    /// The stimulus interface did not answer, or not in JSON.
    #[error("{UNANSWERED}: {0}")]
    StimulusTransport(#[source] reqwest::Error),
    #[error("the stimulus interface refused {path} ({status}): {answer}")]
    StimulusRefused {
        path: String,
        status: StatusCode,
        answer: Value,
    },
}

/// Why a request got no answer: reqwest's error, shown with its causes, which name the real
/// problem (refused, timed out, TLS) where reqwest's own message says only that a request
/// failed.
#[derive(Debug)]
pub struct Unanswered(reqwest::Error);

impl From<reqwest::Error> for Unanswered {
    fn from(error: reqwest::Error) -> Self {
        Self(error)
    }
}

impl std::fmt::Display for Unanswered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = std::error::Error::source(&self.0);
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl std::error::Error for Unanswered {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}
