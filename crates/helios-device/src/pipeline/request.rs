//! What the pipeline reads of a request: its head, its body, and the connection it came on.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::http::{HeaderMap, Method, Uri};
use helios_spec::Transport;
use helios_wire::params::Limits;

/// The connection a request arrived on; the server puts it in the request's extensions.
#[derive(Clone, Copy, Debug)]
pub struct Connection {
    pub transport: Transport,
    pub peer: SocketAddr,
}

impl Default for Connection {
    fn default() -> Self {
        Self {
            transport: Transport::Http,
            peer: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        }
    }
}

/// The bounds on what one request may carry.
pub const LIMITS: Limits = Limits {
    max_request: 64 << 20,
    max_params: 256,
    max_unknown: 4096,
};

/// One request, as the pipeline's steps read it.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    /// The whole body, empty for a request without one.
    pub body: &'a [u8],
    pub connection: Connection,
}

impl<'a> Request<'a> {
    /// The request target as on the request line: the path and the query.
    pub fn target(&self) -> &'a str {
        self.uri
            .path_and_query()
            .map_or(self.uri.path(), |target| target.as_str())
    }
}
