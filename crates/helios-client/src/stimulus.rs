//! The stimulus interface of a simulated device (the reference intercom's `--stimulus ADDR`):
//! a small side API, apart from the Helios API, through which a runner plays the world outside
//! the intercom: a card tapped on the reader, an input wired high, a call coming in.
//!
//! Its protocol is the simulation's own, not the manual's: JSON bodies posted to `/event`,
//! `/input` and `/call`, what the displays show from `GET /display`, JSON answers. A lab's own
//! stimulus interface speaks the same.

use std::time::Duration;

use serde_json::{Value, json};

use crate::error::ClientError;

/// A client of one stimulus interface.
#[derive(Clone, Debug)]
pub struct Stimulus {
    http: reqwest::Client,
    base: String,
}

impl Stimulus {
    /// A client of the interface at `base` (`http://127.0.0.1:8081`).
    pub fn new(base: &str, timeout: Duration) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(ClientError::Build)?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// Raises an event of the outside world with these params; answers its event id.
    pub async fn event(&self, name: &str, params: &Value) -> Result<Value, ClientError> {
        self.post("/event", &json!({ "event": name, "params": params }))
            .await
    }

    /// Sets a logic input high or low.
    pub async fn input(&self, port: &str, state: bool) -> Result<Value, ClientError> {
        self.post("/input", &json!({ "port": port, "state": state }))
            .await
    }

    /// Rings an incoming call from `peer`; answers its session.
    pub async fn incoming_call(&self, peer: &str) -> Result<Value, ClientError> {
        self.post("/call", &json!({ "peer": peer })).await
    }

    /// What each display shows: `{"displays": [{"display": "ext1", "content": {...} | null}]}`,
    /// the content telling its `kind` (image or video), `format`, `size` and `bytes`.
    pub async fn displays(&self) -> Result<Value, ClientError> {
        let request = self.http.get(format!("{}/display", self.base));
        Self::answer("/display", request).await
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        let request = self.http.post(format!("{}{path}", self.base)).json(body);
        Self::answer(path, request).await
    }

    async fn answer(path: &str, request: reqwest::RequestBuilder) -> Result<Value, ClientError> {
        let response = request
            .send()
            .await
            .map_err(ClientError::StimulusTransport)?;
        let status = response.status();
        let answer: Value = response
            .json()
            .await
            .map_err(ClientError::StimulusTransport)?;
        if status.is_success() {
            Ok(answer)
        } else {
            Err(ClientError::StimulusRefused {
                path: path.to_owned(),
                status,
                answer,
            })
        }
    }
}
