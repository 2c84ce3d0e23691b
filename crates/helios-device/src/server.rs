//! Serving the API over HTTP and HTTPS on the addresses given (each request straight into
//! [`pipeline::serve`], the router's own path without its layers), each connection tagged with
//! its transport and peer (the pipeline's steps 7 and login blocking need them), with a ticker
//! that lets simulated time-outs happen on time, and a graceful shutdown.
//!
//! Every accepted connection is wrapped, below TLS, in the capture's [`Recorded`] stream, which
//! records what it reads and writes for `pcap`. A device restart ends the connections to the
//! device that was, as a reboot does.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use std::convert::Infallible;

use anyhow::{Context, Result};
use axum::extract::Request;
use helios_spec::Transport;
use hyper::server::conn::http1::Builder;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::capture::Recorded;
use crate::capture::stream::Announced;
use crate::device::Device;
use crate::pipeline::{self, Connection};
use crate::tls::Tls;

/// How long a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a connection outlives a restart of the device, so that a reply already on its way
/// (that of `system/restart` itself when it restarts at once) still reaches the client.
const RESTART_GRACE: Duration = Duration::from_millis(500);

/// A running server.
#[derive(Debug)]
pub struct Running {
    pub http: Option<SocketAddr>,
    pub https: Option<SocketAddr>,
    shutdown: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl Running {
    /// Stops accepting, lets open requests finish (for a few seconds at most), and returns.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        while self.tasks.join_next().await.is_some() {}
    }
}

/// Binds the listeners and starts serving `device`.
pub async fn start(
    device: Arc<Device>,
    http: Option<SocketAddr>,
    https: Option<(SocketAddr, Tls)>,
) -> Result<Running> {
    let (shutdown, stop) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let mut running_http = None;
    let mut running_https = None;
    if let Some(address) = http {
        let listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("binding HTTP to {address}"))?;
        running_http = Some(listener.local_addr()?);
        tasks.spawn(accept(listener, None, device.clone(), stop.clone()));
    }
    if let Some((address, tls)) = https {
        let listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("binding HTTPS to {address}"))?;
        running_https = Some(listener.local_addr()?);
        let acceptor = TlsAcceptor::from(tls.config);
        tasks.spawn(accept(
            listener,
            Some(acceptor),
            device.clone(),
            stop.clone(),
        ));
    }
    tasks.spawn(tick(device, stop));
    Ok(Running {
        http: running_http,
        https: running_https,
        shutdown,
        tasks,
    })
}

/// Lets the simulation catch up with the clock every 50 ms.
async fn tick(device: Arc<Device>, mut stop: watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(Duration::from_millis(50));
    loop {
        tokio::select! {
            _ = interval.tick() => device.tick(),
            _ = stop.changed() => return,
        }
    }
}

async fn accept(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    device: Arc<Device>,
    mut stop: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    let transport = if tls.is_some() {
        Transport::Https
    } else {
        Transport::Http
    };
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let local = stream.local_addr().unwrap_or_else(|_| {
            listener
                .local_addr()
                .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)))
        });
        let stream = Recorded::new(stream, local, peer, device.capture().clone());
        let outgoing = stream.outgoing();
        let boots = device.boots();
        let connection = Connection { transport, peer };
        let serving = device.clone();
        let service = service_fn(move |request: Request<hyper::body::Incoming>| {
            let device = serving.clone();
            let outgoing = outgoing.clone();
            async move {
                let response = pipeline::serve(&device, connection, request).await;
                Ok::<_, Infallible>(response.map(|body| Announced::new(body, outgoing)))
            }
        });
        let builder = Builder::new();
        match &tls {
            None => {
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    tokio::select! {
                        ended = conn => if let Err(error) = ended {
                            tracing::debug!(%error, %peer, "connection ended with an error");
                        },
                        () = restarted(boots) => tracing::debug!(%peer, "connection ended by a restart"),
                    }
                });
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let stream = match tokio::time::timeout(
                        HANDSHAKE_TIMEOUT,
                        acceptor.accept(stream),
                    )
                    .await
                    {
                        Ok(Ok(stream)) => stream,
                        Ok(Err(error)) => {
                            tracing::debug!(%error, %peer, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!(%peer, "TLS handshake timed out");
                            return;
                        }
                    };
                    let conn = Builder::new().serve_connection(TokioIo::new(stream), service);
                    tokio::select! {
                        ended = watcher.watch(conn) => if let Err(error) = ended {
                            tracing::debug!(%error, %peer, "connection ended with an error");
                        },
                        () = restarted(boots) => tracing::debug!(%peer, "connection ended by a restart"),
                    }
                });
            }
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// Resolves a moment after the device next restarts; never if it cannot restart any more.
async fn restarted(mut boots: watch::Receiver<u64>) {
    match boots.changed().await {
        Ok(()) => tokio::time::sleep(RESTART_GRACE).await,
        Err(_) => std::future::pending().await,
    }
}
