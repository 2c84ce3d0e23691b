//! Serving the API over HTTP and HTTPS on the addresses given (each request straight into
//! [`pipeline::begin`] and its `finish`, the router's own path without its layers), each
//! connection tagged with its transport and peer (the pipeline's steps 7 and login blocking need
//! them), with a ticker that lets simulated time-outs happen on time, and a graceful shutdown.
//!
//! Every accepted connection is wrapped, below TLS, in the capture's [`Recorded`] stream, which
//! records what it reads and writes for `pcap`. A device restart ends the connections to the
//! device that was, as a reboot does (`connections.rs`).

mod bind;
mod connections;
mod slots;

pub use bind::{BindError, bind};

use std::convert::Infallible;
use std::future::{Future, ready};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response};
use futures_util::future::Either;
use helios_spec::Transport;
use hyper::body::Incoming;
use hyper::server::conn::http1::Builder;
use hyper::service::{Service, service_fn};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::capture::Recorded;
use crate::capture::stream::{Announced, Outgoing};
use crate::device::Device;
use crate::pipeline::{self, Connection, Serving};
use crate::tls::Tls;
use connections::{Closing, Connections, end_on_restart};
use slots::Slots;

/// How long a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long open requests may take to finish once the server stops.
const CLOSING_TIME: Duration = Duration::from_secs(5);

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
) -> Result<Running, BindError> {
    let (shutdown, stop) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let system = &device.profile.system;
    let slots = Slots::new(system.connections_per_address, system.connections);
    let mut running_http = None;
    let mut running_https = None;
    if let Some(address) = http {
        let (listener, bound) = bind("HTTP", address).await?;
        running_http = Some(bound);
        let serving = Listening {
            device: device.clone(),
            tls: None,
            slots: slots.clone(),
        };
        tasks.spawn(accept(listener, serving, stop.clone()));
    }
    if let Some((address, tls)) = https {
        let (listener, bound) = bind("HTTPS", address).await?;
        running_https = Some(bound);
        let serving = Listening {
            device: device.clone(),
            tls: Some(TlsAcceptor::from(tls.config)),
            slots,
        };
        tasks.spawn(accept(listener, serving, stop.clone()));
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

/// What a listener serves its connections with: the device, TLS for HTTPS, and the places
/// both listeners' connections share.
struct Listening {
    device: Arc<Device>,
    tls: Option<TlsAcceptor>,
    slots: Arc<Slots>,
}

/// Serves the connections `listener` accepts, over TLS when given an acceptor, until the
/// server stops; then closes them. A connection beyond the caps of [`Slots`] is closed at once.
async fn accept(listener: TcpListener, serving: Listening, mut stop: watch::Receiver<bool>) {
    let Listening { device, tls, slots } = serving;
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
    let mut failures = AcceptFailures::default();
    while let Some((stream, peer)) = next_connection(&listener, &mut stop, &mut failures).await {
        let slot = match slots.take(peer.ip()) {
            Ok(slot) => slot,
            Err(full) => {
                tracing::debug!(%peer, ?full, "connection refused: over the cap");
                drop(stream);
                continue;
            }
        };
        let local = stream.local_addr().unwrap_or_else(|_| {
            listener
                .local_addr()
                .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)))
        });
        let head_timeout = Duration::from_secs(device.profile.system.head_timeout.into());
        let stream = Recorded::new(stream, local, peer, device.capture().clone());
        let connection = Connection { transport, peer };
        let service = service(device.clone(), connection, stream.outgoing());
        // The task holds `alive` until it ends, so that closing can wait for it.
        let (closing, alive) = connections.closing();
        let task = match tls.clone() {
            None => tokio::spawn(async move {
                serve_connection(stream, service, &closing, peer, head_timeout).await;
                drop((alive, slot));
            }),
            Some(acceptor) => tokio::spawn(async move {
                if let Some(stream) = handshake(acceptor, stream, peer).await {
                    serve_connection(stream, service, &closing, peer, head_timeout).await;
                }
                drop((alive, slot));
            }),
        };
        connections.add(task.abort_handle());
    }
    ending.abort();
    connections.close(CLOSING_TIME).await;
}

/// How long the accept loop rests when the process is out of file descriptors (or memory for
/// sockets): the connections it has keep being served meanwhile, and it does not spin.
pub const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// At most one warning of failed accepts per this interval, with how many failed.
const ACCEPT_WARNING_EVERY: Duration = Duration::from_secs(5);

/// The failed accepts since the last warning, to log one line an interval.
#[derive(Debug, Default)]
struct AcceptFailures {
    count: u64,
    warned: Option<tokio::time::Instant>,
}

impl AcceptFailures {
    fn note(&mut self, error: &std::io::Error) {
        self.count += 1;
        let now = tokio::time::Instant::now();
        if self
            .warned
            .is_none_or(|at| now - at >= ACCEPT_WARNING_EVERY)
        {
            tracing::warn!(%error, failed = self.count, "accept failed");
            self.warned = Some(now);
            self.count = 0;
        }
    }
}

/// Whether an accept failed for want of a resource the process runs out of (descriptors,
/// socket buffers): retrying at once would only spin.
fn exhausted(error: &std::io::Error) -> bool {
    error
        .raw_os_error()
        .is_some_and(|code| EXHAUSTED.contains(&code))
}

/// EMFILE, ENFILE, ENOBUFS and ENOMEM: the same numbers everywhere but ENOBUFS.
#[cfg(target_os = "linux")]
const EXHAUSTED: [i32; 4] = [24, 23, 105, 12];
#[cfg(not(target_os = "linux"))]
const EXHAUSTED: [i32; 4] = [24, 23, 55, 12];

/// The next connection accepted, or `None` once the server stops.
async fn next_connection(
    listener: &TcpListener,
    stop: &mut watch::Receiver<bool>,
    failures: &mut AcceptFailures,
) -> Option<(TcpStream, SocketAddr)> {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => return Some(accepted),
                Err(error) => {
                    failures.note(&error);
                    if exhausted(&error) {
                        tokio::select! {
                            () = tokio::time::sleep(ACCEPT_BACKOFF) => {}
                            _ = stop.changed() => return None,
                        }
                    }
                }
            },
            _ = stop.changed() => return None,
        }
    }
}

/// A response as it leaves: its body's pieces announced to the connection's capture.
type Outbound = Response<Announced<Body>>;

/// The service of one connection: each request into the pipeline, each response's body
/// announced to the connection's capture. The pipeline runs before the service's future is
/// returned (see `pipeline::begin`).
fn service(
    device: Arc<Device>,
    connection: Connection,
    outgoing: Outgoing,
) -> impl Service<
    Request<Incoming>,
    Response = Outbound,
    Error = Infallible,
    Future = impl Future<Output = Result<Outbound, Infallible>> + Send + 'static,
> + Send
+ 'static {
    service_fn(move |request: Request<Incoming>| {
        let outgoing = outgoing.clone();
        let announced = move |response: Response<Body>| {
            Ok::<_, Infallible>(response.map(|body| Announced::new(body, outgoing)))
        };
        // RFC 9112 section 3.2: an HTTP/1.1 request without Host is answered 400, nothing else.
        if request.version() == hyper::Version::HTTP_11
            && !request.headers().contains_key(hyper::header::HOST)
        {
            let refused = pipeline::bad_request("an HTTP/1.1 request needs a Host header");
            return Either::Left(ready(announced(refused)));
        }
        // A response ready now is the whole future; one that waits is boxed. Hyper moves
        // the future into its slot for every request, and an unboxed `finish` would be a
        // copy of every state it may wait in, the body's reading among them.
        match pipeline::begin(&device, connection, request) {
            Serving::Answered(response) => Either::Left(ready(announced(response))),
            waiting => Either::Right(Box::pin(async move {
                announced(waiting.finish(connection).await)
            })),
        }
    })
}

/// Serves one connection, over `stream` (plain or TLS), until it ends or is asked to close,
/// or its client takes longer than `head_timeout` to send a request's head (hyper's timer
/// starts when the connection opens and again when each response ends: a half-sent head and
/// an idle kept-alive connection alike are closed).
async fn serve_connection<I, S>(
    stream: I,
    service: S,
    closing: &Closing,
    peer: SocketAddr,
    head_timeout: Duration,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: Service<Request<Incoming>, Response = Outbound, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    let conn = Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(head_timeout)
        .serve_connection(TokioIo::new(stream), service);
    if let Err(error) = closing.serve(conn).await {
        tracing::debug!(%error, %peer, "connection ended with an error");
    }
}

/// The TLS side of a connection, once its handshake is done within [`HANDSHAKE_TIMEOUT`].
async fn handshake(
    acceptor: TlsAcceptor,
    stream: Recorded<TcpStream>,
    peer: SocketAddr,
) -> Option<TlsStream<Recorded<TcpStream>>> {
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => Some(stream),
        Ok(Err(error)) => {
            tracing::debug!(%error, %peer, "TLS handshake failed");
            None
        }
        Err(_) => {
            tracing::debug!(%peer, "TLS handshake timed out");
            None
        }
    }
}
