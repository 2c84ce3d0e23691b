//! A misbehaving front for the reference intercom: a plain-HTTP proxy that rewrites each
//! request line with a function before passing it on, so that a test can make a device that
//! departs from the manual in one precise way (a `trigger` that only switches on, a hang-up of
//! the wrong call) without touching the device.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use helios_conform::{Checked, Profile, REFERENCE_PROFILE, Target};
use helios_test_support::{Reference, helios_device};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The reference intercom with every service on plain HTTP (still authenticated), and the
/// lab's declaration of it: a device every request of which a proxy can see.
#[allow(dead_code)]
pub(crate) async fn plain_http_reference() -> (Reference, Checked) {
    let text = REFERENCE_PROFILE.replace("transport = \"https\"", "transport = \"http\"");
    let profile = Profile::parse(&text).expect("the profile");
    let mut device = helios_device::Profile::default_profile();
    for security in device.services.values_mut() {
        security.transport = helios_device::profile::TransportName::Http;
    }
    (Reference::start(device).await, profile)
}

/// The plain-HTTP address of a reference intercom, for a proxy in front of it.
#[allow(dead_code)]
pub(crate) fn upstream(reference: &Reference) -> SocketAddr {
    reference
        .http
        .trim_start_matches("http://")
        .parse()
        .expect("the device's address")
}

/// A target that reaches the device only through the proxy at `url`.
#[allow(dead_code)]
pub(crate) fn through(url: String) -> Target {
    Target {
        http: Some(url),
        https: None,
        insecure: false,
        ca_pem: None,
    }
}

/// Starts a proxy in front of `upstream` that passes the first `answered` requests on as they
/// are and then holds every later one without an answer: a device that stops answering.
#[allow(dead_code)]
pub(crate) async fn start_stalling(upstream: SocketAddr, answered: usize) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a listener");
    let address = listener.local_addr().expect("an address");
    let left = Arc::new(AtomicUsize::new(answered));
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let admitted = left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if admitted {
                tokio::spawn(serve(client, upstream, str::to_owned));
            } else {
                tokio::spawn(async move {
                    let _held = client;
                    tokio::time::sleep(std::time::Duration::from_secs(300)).await;
                });
            }
        }
    });
    format!("http://{address}")
}

/// Starts the proxy in front of `upstream`; returns its `http://` URL.
#[allow(dead_code)]
pub(crate) async fn start(upstream: SocketAddr, rewrite: fn(&str) -> String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a listener");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(serve(client, upstream, rewrite));
        }
    });
    format!("http://{address}")
}

/// Starts a proxy in front of `upstream` that passes every request on as it is, its answer
/// streamed back as it comes (an MJPEG stream too), and keeps each request line in the list
/// it returns with its `http://` URL: a record of what the runner sent.
#[allow(dead_code)]
pub(crate) async fn start_recording(upstream: SocketAddr) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a listener");
    let address = listener.local_addr().expect("an address");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(serve_recorded(client, upstream, Arc::clone(&record)));
        }
    });
    (format!("http://{address}"), seen)
}

/// One request per connection, its request line kept in `seen`; the answer is streamed back,
/// `Connection: close` said after its status line.
async fn serve_recorded(
    mut client: TcpStream,
    upstream: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
) {
    let Some((request, head_end)) = read_request(&mut client).await else {
        return;
    };
    let head = String::from_utf8_lossy(&request[..head_end]).into_owned();
    let line = head.split("\r\n").next().unwrap_or_default().to_owned();
    seen.lock().expect("the record").push(line);
    let Ok(mut device) = TcpStream::connect(upstream).await else {
        return;
    };
    if device
        .write_all(&closing(&head, &request[head_end..]))
        .await
        .is_err()
    {
        return;
    }
    let mut answer = Vec::new();
    let mut buffer = [0u8; 8192];
    let at = loop {
        match device.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => answer.extend_from_slice(&buffer[..read]),
        }
        if let Some(at) = answer.windows(2).position(|w| w == b"\r\n") {
            break at;
        }
    };
    answer.splice(at + 2..at + 2, b"connection: close\r\n".iter().copied());
    if client.write_all(&answer).await.is_ok() {
        let _ = tokio::io::copy(&mut device, &mut client).await;
    }
    let _ = client.shutdown().await;
}

/// A request's bytes, whole (its body as long as its `Content-Length` says), and where its
/// head ends.
async fn read_request(client: &mut TcpStream) -> Option<(Vec<u8>, usize)> {
    let mut request = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        let read = client.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        request.extend_from_slice(&buffer[..read]);
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while request.len() < head_end + length {
        let Ok(read) = client.read(&mut buffer).await else {
            return None;
        };
        if read == 0 {
            break;
        }
        request.extend_from_slice(&buffer[..read]);
    }
    Some((request, head_end))
}

/// The request `head` (its request line first) and `body`, saying `Connection: close`.
fn closing(head: &str, body: &[u8]) -> Vec<u8> {
    let mut lines = head.split("\r\n");
    let first = lines.next().unwrap_or_default();
    let mut forwarded = format!("{first}\r\nconnection: close\r\n");
    for line in lines.filter(|l| !l.is_empty()) {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            forwarded.push_str(line);
            forwarded.push_str("\r\n");
        }
    }
    forwarded.push_str("\r\n");
    let mut bytes = forwarded.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// One request per connection: read it, rewrite its request line, forward it with
/// `Connection: close`, and hand the whole answer back, closing too.
async fn serve(mut client: TcpStream, upstream: SocketAddr, rewrite: fn(&str) -> String) {
    let Some((request, head_end)) = read_request(&mut client).await else {
        return;
    };
    let head = String::from_utf8_lossy(&request[..head_end]).into_owned();
    let (first, rest) = head.split_once("\r\n").unwrap_or((head.as_str(), ""));
    let rewritten = format!("{}\r\n{rest}", rewrite(first));
    let bytes = closing(&rewritten, &request[head_end..]);
    let Ok(mut device) = TcpStream::connect(upstream).await else {
        return;
    };
    if device.write_all(&bytes).await.is_err() {
        return;
    }
    let mut answer = Vec::new();
    if device.read_to_end(&mut answer).await.is_err() {
        return;
    }
    // The client must not reuse the connection: say so after the status line.
    if let Some(at) = answer.windows(2).position(|w| w == b"\r\n") {
        answer.splice(at + 2..at + 2, b"connection: close\r\n".iter().copied());
    }
    let _ = client.write_all(&answer).await;
    let _ = client.shutdown().await;
}
