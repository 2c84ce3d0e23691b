//! Binding a listener, the one way the server and the stimulus interface start.

use std::net::SocketAddr;

use tokio::net::TcpListener;

/// Why a listener could not be had.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error("binding {what} to {address}")]
    Bind {
        /// What listens there: `HTTP`, `HTTPS`, `the stimulus interface`.
        what: &'static str,
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The listener's own address could not be read back.
    #[error(transparent)]
    LocalAddress(std::io::Error),
}

/// A listener for `what` on `address`, and the address it is bound to (the port chosen when
/// `address` names port 0).
pub async fn bind(
    what: &'static str,
    address: SocketAddr,
) -> Result<(TcpListener, SocketAddr), BindError> {
    let listener = TcpListener::bind(address)
        .await
        .map_err(|source| BindError::Bind {
            what,
            address,
            source,
        })?;
    let bound = listener.local_addr().map_err(BindError::LocalAddress)?;
    Ok((listener, bound))
}
