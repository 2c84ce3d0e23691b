//! A typed async client for the 2N Helios IP HTTP API.
//!
//! Every function of `helios-spec` can be called, with its parameters sent in the query, an
//! urlencoded body or a multipart body (manual 2.2); Basic and Digest authentication (RFC 7616,
//! several challenges, a retry on `stale=true`); HTTP and HTTPS, accepting a device's
//! self-signed certificate or pinning one; a timeout per request; and a record of every
//! exchange, the bytes sent and received, with a `curl` line that sends the same request.
//!
//! ```no_run
//! # async fn run() -> Result<(), helios_client::ClientError> {
//! use helios_client::{Call, Client};
//! use helios_spec::functions::switch;
//!
//! let client = Client::builder("https://192.0.2.10")
//!     .credentials("admin", "2n")
//!     .accept_invalid_certs(true)
//!     .build()?;
//! let reply = client
//!     .send(Call::new(&switch::ctrl::FUNCTION).param("switch", 1).param("action", "on"))
//!     .await?;
//! assert!(reply.envelope().is_ok());
//! # Ok(())
//! # }
//! ```

mod call;
mod client;
mod error;
mod exchange;
mod stimulus;
mod streaming;

pub use call::{Call, ParamValue, Transfer};
pub use client::{AuthMode, Client, ClientBuilder};
pub use error::{ClientError, MAX_RESPONSE, UNANSWERED, Unanswered};
pub use exchange::{Exchange, MASKED_BASIC, RawRequest, RawResponse, password_variable};
pub use stimulus::Stimulus;
pub use streaming::Streaming;
