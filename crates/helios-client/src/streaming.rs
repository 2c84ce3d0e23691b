//! A reply read as it arrives: the MJPEG push of `camera/snapshot` with `fps`, which has no end.
//! The status and headers come at once; the body chunk by chunk, for as long as the caller
//! reads. Dropping it closes the connection, which ends the stream on the device.

use bytes::Bytes;

use crate::error::ClientError;
use crate::exchange::Exchange;

/// An open reply.
#[derive(Debug)]
pub struct Streaming {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    body: Body,
}

#[derive(Debug)]
enum Body {
    Open(reqwest::Response),
    /// A refusal already read whole (a 401 the client could not answer).
    Read(Option<Bytes>),
}

impl Streaming {
    pub(crate) fn open(response: reqwest::Response) -> Self {
        Self {
            status: response.status().as_u16(),
            headers: headers(&response),
            body: Body::Open(response),
        }
    }

    pub(crate) fn refused(exchange: Exchange) -> Self {
        Self {
            status: exchange.response.status,
            headers: exchange.response.headers,
            body: Body::Read(Some(Bytes::from(exchange.response.body))),
        }
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The next piece of the body as it arrived; `None` when the device ended the reply.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, ClientError> {
        match &mut self.body {
            Body::Open(response) => response
                .chunk()
                .await
                .map_err(|e| ClientError::Transport(e.into())),
            Body::Read(rest) => Ok(rest.take()),
        }
    }
}

fn headers(response: &reqwest::Response) -> Vec<(String, String)> {
    response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}
