//! Serving the API over HTTP and HTTPS on the addresses given (each request straight into
//! [`pipeline::begin`] and its `finish`, the router's own path without its layers), each connection tagged with
//! its transport and peer (the pipeline's steps 7 and login blocking need them), with a ticker
//! that lets simulated time-outs happen on time, and a graceful shutdown.
//!
//! Every accepted connection is wrapped, below TLS, in the capture's [`Recorded`] stream, which
//! records what it reads and writes for `pcap`. A device restart ends the connections to the
//! device that was, as a reboot does.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::convert::Infallible;
use std::future::ready;

use anyhow::{Context, Result};
use axum::extract::Request;
use futures_util::future::Either;
use futures_util::task::AtomicWaker;
use helios_spec::Transport;
use hyper::server::conn::http1::Builder;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulConnection;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::{AbortHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use crate::capture::Recorded;
use crate::capture::stream::Announced;
use crate::device::Device;
use crate::pipeline::{self, Connection, Serving};
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
    let connections = Connections::default();
    let ending = tokio::spawn(end_on_restart(
        device.boots(),
        connections.clone(),
        stop.clone(),
    ));
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
        let connection = Connection { transport, peer };
        let serving = device.clone();
        let service = service_fn(move |request: Request<hyper::body::Incoming>| {
            // The pipeline runs here, before the future is returned (see `pipeline::begin`).
            let outgoing = outgoing.clone();
            let announced = move |response: axum::response::Response| {
                Ok::<_, Infallible>(response.map(|body| Announced::new(body, outgoing)))
            };
            // A response ready now is the whole future; one that waits is boxed. Hyper moves
            // the future into its slot for every request, and an unboxed `finish` would be a
            // copy of every state it may wait in, the body's reading among them.
            match pipeline::begin(&serving, connection, request) {
                Serving::Answered(response) => Either::Left(ready(announced(response))),
                waiting => Either::Right(Box::pin(async move {
                    announced(waiting.finish(connection).await)
                })),
            }
        });
        let builder = Builder::new();
        match &tls {
            None => {
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                let (closing, alive) = connections.closing();
                let task = tokio::spawn(async move {
                    if let Err(error) = closing.serve(conn).await {
                        tracing::debug!(%error, %peer, "connection ended with an error");
                    }
                    drop(alive);
                });
                connections.add(task.abort_handle());
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let (closing, alive) = connections.closing();
                let task =
                    tokio::spawn(async move {
                        let stream =
                            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream))
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
                        if let Err(error) = closing.serve(conn).await {
                            tracing::debug!(%error, %peer, "connection ended with an error");
                        }
                        drop(alive);
                    });
                connections.add(task.abort_handle());
            }
        }
    }
    ending.abort();
    connections.close(Duration::from_secs(5)).await;
}

/// The tasks serving the connections accepted since the device last started. A restart aborts
/// them, a moment later so that a reply on its way still leaves, as a reboot drops its
/// connections; the server's shutdown asks each to close once its request in flight is
/// answered. One registry per listener rather than each connection watching a channel of the
/// listener's: that watch, polled on every wake of every connection, took a lock the
/// connections share (hyper-util's graceful shutdown did the same), and cost a request more
/// than its worth.
#[derive(Clone, Debug)]
struct Connections {
    registry: Arc<Mutex<Registry>>,
    /// Each connection task holds a sender until it ends; the receiver sees them all gone.
    alive: mpsc::Sender<()>,
    ended: Arc<tokio::sync::Mutex<mpsc::Receiver<()>>>,
}

#[derive(Debug, Default)]
struct Registry {
    tasks: Vec<AbortHandle>,
    /// The closing signals of the connections since the last restart.
    closing: Vec<Arc<Closing>>,
    /// How many tasks to hold before dropping those that ended.
    prune_at: usize,
}

impl Default for Connections {
    fn default() -> Self {
        let (alive, ended) = mpsc::channel(1);
        Self {
            registry: Arc::default(),
            alive,
            ended: Arc::new(tokio::sync::Mutex::new(ended)),
        }
    }
}

impl Connections {
    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new connection's closing signal, registered, and the token its task holds while it
    /// runs.
    fn closing(&self) -> (Arc<Closing>, mpsc::Sender<()>) {
        let closing = Arc::new(Closing::default());
        self.lock().closing.push(closing.clone());
        (closing, self.alive.clone())
    }

    fn add(&self, task: AbortHandle) {
        let mut registry = self.lock();
        if registry.tasks.len() >= registry.prune_at {
            registry.tasks.retain(|task| !task.is_finished());
            registry
                .closing
                .retain(|closing| Arc::strong_count(closing) > 1);
            registry.prune_at = (registry.tasks.len() * 2).max(64);
        }
        registry.tasks.push(task);
    }

    /// The tasks registered so far, leaving none.
    fn take(&self) -> Vec<AbortHandle> {
        let mut registry = self.lock();
        registry.closing.clear();
        std::mem::take(&mut registry.tasks)
    }

    /// Asks every connection to close once its request in flight is answered, and waits until
    /// all have, or `within` has passed; those left then are aborted.
    async fn close(self, within: Duration) {
        let closing = std::mem::take(&mut self.lock().closing);
        for connection in closing {
            connection.ask();
        }
        let Self {
            registry,
            alive,
            ended,
        } = self;
        drop(alive);
        let all_ended = async {
            // Every sender gone (the last task ended) is `None`.
            while ended.lock().await.recv().await.is_some() {}
        };
        if tokio::time::timeout(within, all_ended).await.is_err() {
            let tasks =
                std::mem::take(&mut registry.lock().unwrap_or_else(|e| e.into_inner()).tasks);
            for task in tasks {
                task.abort();
            }
        }
    }
}

/// A connection's signal to close once its request in flight is answered: a flag and a waker of
/// its own, so that watching for it costs a connection an atomic load per wake.
#[derive(Debug, Default)]
struct Closing {
    asked: AtomicBool,
    waker: AtomicWaker,
}

impl Closing {
    fn ask(&self) {
        self.asked.store(true, Ordering::Release);
        self.waker.wake();
    }

    /// Drives `conn` to its end, shutting it down gracefully once asked.
    async fn serve<C: GracefulConnection>(&self, conn: C) -> C::Output {
        let mut conn = std::pin::pin!(conn);
        let mut shutting = false;
        std::future::poll_fn(|cx| {
            if !shutting {
                self.waker.register(cx.waker());
                if self.asked.load(Ordering::Acquire) {
                    shutting = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
            conn.as_mut().poll(cx)
        })
        .await
    }
}

/// Ends the connections of the device that was after each restart, until the server stops or
/// the device can no longer restart.
async fn end_on_restart(
    mut boots: watch::Receiver<u64>,
    connections: Connections,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            changed = boots.changed() => if changed.is_err() {
                return;
            },
            _ = stop.changed() => return,
        }
        let ended = connections.take();
        tracing::debug!(
            connections = ended.len(),
            "the device restarted: its connections end"
        );
        tokio::spawn(async move {
            tokio::time::sleep(RESTART_GRACE).await;
            for task in ended {
                task.abort();
            }
        });
    }
}
