//! Hostile clients (issue 23): a request's body is read only once the steps of its head
//! (route, transport, authentication, privilege...) let it through, so an unauthenticated
//! client cannot make the device hold its body; `Expect: 100-continue` is answered after them;
//! a declared length beyond the limit is refused (13) unread. Over real loopback sockets, the
//! bytes a client got to send counted on its side.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use helios_device::clock::SystemClock;
use helios_device::{Device, Profile};

/// What a client sending this much gets through before the device answers: loopback's socket
/// buffers on both sides hold a few MiB, never the 60 MB sent.
const UNREAD_BOUND: u64 = 16 << 20;
const BODY: u64 = 60_000_000;

/// A device with `profile`, serving plain HTTP on a free loopback port.
async fn serve(profile: Profile) -> helios_device::server::Running {
    let device = Device::new(profile, Arc::new(SystemClock::new()));
    let any = SocketAddr::from(([127, 0, 0, 1], 0));
    helios_device::server::start(device, Some(any), None)
        .await
        .expect("the device starts")
}

/// The Vario: its switch service over plain HTTP with Basic authentication.
async fn vario() -> helios_device::server::Running {
    let profile = Profile::parse(
        include_str!("../profiles/vario.toml"),
        "profiles/vario.toml",
    )
    .expect("the Vario profile");
    serve(profile).await
}

/// Sends `head`, then up to [`BODY`] bytes of body from another thread while this one waits for
/// the reply: the reply's status line and head, and how many body bytes the client got to send.
fn send_big(address: SocketAddr, head: &str) -> (String, u64) {
    let stream = TcpStream::connect(address).expect("connected");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("a timeout");
    let mut writer = stream.try_clone().expect("a second handle");
    writer.write_all(head.as_bytes()).expect("the head sent");
    let sent = Arc::new(AtomicU64::new(0));
    let counted = sent.clone();
    let sending = std::thread::spawn(move || {
        let chunk = vec![b'a'; 64 << 10];
        while counted.load(Ordering::Relaxed) < BODY {
            if writer.write_all(&chunk).is_err() {
                break;
            }
            counted.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        }
    });
    let mut reader = BufReader::new(stream);
    let mut reply = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        reply.push_str(&line);
    }
    let at_reply = sent.load(Ordering::Relaxed);
    let length = reply
        .lines()
        .find_map(|l| {
            let l = l.to_ascii_lowercase();
            l.strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        })
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if std::io::Read::read_exact(&mut reader, &mut body).is_ok() {
        reply.push_str("\r\n");
        reply.push_str(&String::from_utf8_lossy(&body));
    }
    drop(reader);
    let _ = sending.join();
    (reply, at_reply)
}

/// Sends `request` on a new connection: the first line of the reply.
fn first_line(address: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).expect("connected");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a timeout");
    stream.write_all(request).expect("sent");
    let mut line = String::new();
    BufReader::new(stream)
        .read_line(&mut line)
        .expect("a reply");
    line
}

fn head(extra: &str) -> String {
    format!(
        "POST /api/switch/ctrl HTTP/1.1\r\nHost: device\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {BODY}\r\n{extra}\r\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unauthenticated_body_is_refused_before_it_is_read() {
    let running = vario().await;
    let address = running.http.expect("HTTP");
    let (reply, sent) = tokio::task::spawn_blocking(move || send_big(address, &head("")))
        .await
        .expect("ran");
    assert!(reply.starts_with("HTTP/1.1 401"), "{reply}");
    assert!(
        reply
            .to_ascii_lowercase()
            .contains("www-authenticate: basic"),
        "{reply}"
    );
    assert!(
        sent < UNREAD_BOUND,
        "{sent} bytes of body sent before the refusal"
    );
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expect_100_continue_is_answered_only_after_authentication() {
    let running = vario().await;
    let address = running.http.expect("HTTP");
    let status = tokio::task::spawn_blocking(move || {
        first_line(address, head("Expect: 100-continue\r\n").as_bytes())
    })
    .await
    .expect("ran");
    assert!(status.starts_with("HTTP/1.1 401"), "{status}");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_length_beyond_the_limit_is_refused_unread() {
    let running = vario().await;
    let address = running.http.expect("HTTP");
    // admin:2n, Basic, which the Vario's switch service takes.
    let credentials = "Authorization: Basic YWRtaW46Mm4=\r\n";
    let (reply, sent) = tokio::task::spawn_blocking(move || {
        send_big(
            address,
            &head(credentials).replace(&BODY.to_string(), "70000000"),
        )
    })
    .await
    .expect("ran");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(
        reply.contains("\"code\":13") || reply.contains("\"code\": 13"),
        "{reply}"
    );
    assert!(
        sent < UNREAD_BOUND,
        "{sent} bytes of body sent before the refusal"
    );
    running.shutdown().await;
}

/// The default device with `head_timeout` seconds for a request's head.
async fn impatient(head_timeout: u32) -> helios_device::server::Running {
    let mut profile = Profile::default_profile();
    profile.system.head_timeout = head_timeout;
    serve(profile).await
}

/// How long the device takes to close (or reset) a connection on which `sent` was written;
/// `None` when it is still open after 10 s.
fn closed_after(address: SocketAddr, sent: &[u8]) -> Option<Duration> {
    let mut stream = TcpStream::connect(address).expect("connected");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a timeout");
    stream.write_all(sent).expect("sent");
    let started = std::time::Instant::now();
    let mut buffer = [0u8; 4096];
    loop {
        match std::io::Read::read(&mut stream, &mut buffer) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => {}
            // Closed with the request unread: the peer resets the connection.
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(started.elapsed());
            }
            Err(_) => return None,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_head_and_an_idle_connection_are_closed_after_the_head_timeout() {
    let running = impatient(1).await;
    let address = running.http.expect("HTTP");
    let (half, idle) = tokio::task::spawn_blocking(move || {
        let half = closed_after(address, b"GET /api/system/info HTTP/1.1\r\nHost: dev");
        // A whole request answered, then nothing: the connection sits idle, kept alive.
        let idle = closed_after(address, b"GET /api/system/info HTTP/1.1\r\nHost: d\r\n\r\n");
        (half, idle)
    })
    .await
    .expect("ran");
    for (what, closed) in [("a half-sent head", half), ("an idle connection", idle)] {
        let closed = closed.unwrap_or_else(|| panic!("{what} was still open after 10 s"));
        assert!(
            closed >= Duration::from_millis(900) && closed < Duration::from_secs(5),
            "{what} closed after {closed:?}"
        );
    }
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_1_1_request_without_host_is_a_bad_request() {
    let running = vario().await;
    let address = running.http.expect("HTTP");
    let status = tokio::task::spawn_blocking(move || {
        first_line(
            address,
            b"GET /api/switch/caps HTTP/1.1\r\nAuthorization: Basic YWRtaW46Mm4=\r\n\r\n",
        )
    })
    .await
    .expect("ran");
    assert!(status.starts_with("HTTP/1.1 400"), "{status}");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_from_one_address_are_capped_and_their_places_given_back() {
    let mut profile = Profile::default_profile();
    profile.system.connections_per_address = 5;
    let running = serve(profile).await;
    let address = running.http.expect("HTTP");
    tokio::task::spawn_blocking(move || {
        // Five idle connections hold the address's places.
        let mut held: Vec<TcpStream> = (0..5)
            .map(|_| TcpStream::connect(address).expect("connected"))
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        // The sixth is closed at once, before a byte is read.
        let closed = closed_after(address, b"GET /api/system/info HTTP/1.1\r\nHost: d\r\n\r\n");
        assert!(
            closed.is_some_and(|after| after < Duration::from_secs(2)),
            "the sixth connection was served: {closed:?}"
        );
        // One given back: a new connection is served.
        drop(held.pop());
        std::thread::sleep(Duration::from_millis(300));
        let line = first_line(address, b"GET /api/system/info HTTP/1.1\r\nHost: d\r\n\r\n");
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    })
    .await
    .expect("ran");
    running.shutdown().await;
}
