//! A small SMTP server on loopback for the e-mail tests: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP
//! and QUIT over tokio, each message handed to the test through a channel. It can also refuse
//! recipients or stay silent, the failures the device must turn into error 14.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::mpsc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// How the sink behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Takes every message.
    Accept,
    /// Answers every RCPT with 550.
    RefuseRecipients,
    /// Accepts connections and never says a word.
    Silent,
}

/// A message as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The DATA, dot-stuffing undone, without the final `.` line.
    pub data: Vec<u8>,
}

/// A running sink; dropping it stops it.
pub struct SmtpSink {
    pub addr: SocketAddr,
    messages: mpsc::Receiver<Received>,
    stop: Option<oneshot::Sender<()>>,
}

/// The longest command line the sink reads, so that a broken client cannot exhaust memory.
const MAX_LINE: usize = 64 << 10;

impl SmtpSink {
    pub fn start(mode: Mode) -> Self {
        let std_listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port for the sink");
        std_listener.set_nonblocking(true).expect("non-blocking");
        let addr = std_listener.local_addr().expect("an address");
        let (sender, messages) = mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the sink");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(std_listener).expect("a tokio listener");
                tokio::select! {
                    _ = accept(listener, mode, sender) => {}
                    _ = stopped => {}
                }
            });
        });
        Self {
            addr,
            messages,
            stop: Some(stop),
        }
    }

    /// The next message, if one arrives within `timeout`.
    pub fn recv(&self, timeout: Duration) -> Option<Received> {
        self.messages.recv_timeout(timeout).ok()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn accept(listener: TcpListener, mode: Mode, sender: mpsc::Sender<Received>) {
    while let Ok((stream, _)) = listener.accept().await {
        let sender = sender.clone();
        tokio::spawn(async move {
            if mode == Mode::Silent {
                // Hold the connection open without a greeting until the client gives up.
                let mut stream = stream;
                let mut buf = [0u8; 256];
                while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
                return;
            }
            let _ = session(stream, mode, sender).await;
        });
    }
}

async fn session(
    stream: TcpStream,
    mode: Mode,
    sender: mpsc::Sender<Received>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink ESMTP ready\r\n").await?;
    let mut current = Received {
        mail_from: String::new(),
        rcpt_to: Vec::new(),
        data: Vec::new(),
    };
    while let Some(line) = read_line(&mut lines).await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250 sink\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            current.mail_from = address(&line["MAIL FROM:".len()..]);
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            if mode == Mode::RefuseRecipients {
                b"550 no such user here\r\n"
            } else {
                current.rcpt_to.push(address(&line["RCPT TO:".len()..]));
                b"250 OK\r\n"
            }
        } else if upper == "DATA" {
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            current.data = read_data(&mut lines).await?;
            let _ = sender.send(std::mem::replace(
                &mut current,
                Received {
                    mail_from: String::new(),
                    rcpt_to: Vec::new(),
                    data: Vec::new(),
                },
            ));
            b"250 OK queued\r\n"
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 OK\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

/// The address between angle brackets, parameters such as `BODY=8BITMIME` left out.
fn address(rest: &str) -> String {
    let rest = rest.trim();
    match (rest.find('<'), rest.find('>')) {
        (Some(open), Some(close)) if open < close => rest[open + 1..close].to_owned(),
        _ => rest
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

/// One CRLF-terminated line without its terminator; `None` at the end of the stream.
async fn read_line<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> std::io::Result<Option<String>> {
    let mut raw = Vec::new();
    let read = (&mut *reader)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut raw)
        .await?;
    if read == 0 {
        return Ok(None);
    }
    while raw.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        raw.pop();
    }
    Ok(Some(String::from_utf8_lossy(&raw).into_owned()))
}

/// The DATA up to the line holding a single `.`, with dot-stuffing undone and CRLFs kept.
async fn read_data<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    loop {
        let mut raw = Vec::new();
        if reader.read_until(b'\n', &mut raw).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if raw == b".\r\n" || raw == b".\n" {
            return Ok(data);
        }
        let line = raw.strip_prefix(b".").unwrap_or(&raw);
        data.extend_from_slice(line);
    }
}
