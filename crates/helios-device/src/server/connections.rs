//! The connections a listener serves: a registry per listener of their tasks and closing
//! signals, through which a restart drops them and a shutdown closes them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::task::AtomicWaker;
use hyper_util::server::graceful::GracefulConnection;
use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;

/// How long a connection outlives a restart of the device, so that a reply already on its way
/// (that of `system/restart` itself when it restarts at once) still reaches the client.
const RESTART_GRACE: Duration = Duration::from_millis(500);

/// The tasks serving the connections accepted since the device last started. A restart aborts
/// them, a moment later so that a reply on its way still leaves, as a reboot drops its
/// connections; the server's shutdown asks each to close once its request in flight is
/// answered. One registry per listener rather than each connection watching a channel of the
/// listener's: that watch, polled on every wake of every connection, took a lock the
/// connections share (hyper-util's graceful shutdown did the same), and cost a request more
/// than its worth.
#[derive(Clone, Debug)]
pub(super) struct Connections {
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
    pub(super) fn closing(&self) -> (Arc<Closing>, mpsc::Sender<()>) {
        let closing = Arc::new(Closing::default());
        self.lock().closing.push(closing.clone());
        (closing, self.alive.clone())
    }

    pub(super) fn add(&self, task: AbortHandle) {
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
    pub(super) async fn close(self, within: Duration) {
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
pub(super) struct Closing {
    asked: AtomicBool,
    waker: AtomicWaker,
}

impl Closing {
    fn ask(&self) {
        self.asked.store(true, Ordering::Release);
        self.waker.wake();
    }

    /// Drives `conn` to its end, shutting it down gracefully once asked.
    pub(super) async fn serve<C: GracefulConnection>(&self, conn: C) -> C::Output {
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
pub(super) async fn end_on_restart(
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
