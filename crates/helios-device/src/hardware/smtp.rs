//! The device's SMTP client (manual 5.28): one message built with lettre and delivered over
//! plain SMTP to the server of the profile's `[email]` section, within a bounded time.
//!
//! The body is sent as `text/html` when it contains markup (the manual allows "html marks") and
//! as `text/plain` otherwise; an absent body is an empty text. Images are attached as
//! `image/jpeg` files `snapshot1.jpg`, `snapshot2.jpg`, … in the order given. The `Date` header
//! is the device clock's, not the machine's.
//!
//! # Why a thread with its own runtime
//!
//! Handlers are synchronous and may run with no runtime (tests), on a multi-threaded tokio
//! runtime (the server) or even on a current-thread one. lettre's blocking transport bounds each
//! read and write but not the whole exchange: a server that trickles one byte a second would hold
//! the request forever. So the message goes out through lettre's tokio transport on a private
//! current-thread runtime in a thread of its own, under one overall `tokio::time::timeout`,
//! which drops the connection when it fires. The calling thread waits for that thread, inside
//! `block_in_place` on a multi-threaded runtime so that the server's other tasks keep running.
//! The device lock is never held meanwhile: the handler gathers what it needs first.

use std::time::{Duration, SystemTime};

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::profile::EmailSettings;

/// One message to send.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// JPEG images, attached in this order.
    pub pictures: Vec<Vec<u8>>,
    /// The `Date` header.
    pub date: SystemTime,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("`{0}` is not an address the message can be sent to")]
    InvalidRecipient(String),
    #[error("building the message: {0}")]
    Build(String),
    #[error("sending through {server}: {reason}")]
    Send { server: String, reason: String },
    #[error("{server} did not take the message within {} s", .timeout.as_secs())]
    Timeout { server: String, timeout: Duration },
}

/// Sends `mail` through the server of `settings`, giving up after its timeout.
pub fn send(settings: &EmailSettings, mail: &Mail) -> Result<(), MailError> {
    let message = build(settings, mail)?;
    let server = format!("{}:{}", settings.smtp_host, settings.smtp_port);
    let timeout = Duration::from_secs(u64::from(settings.timeout.get()));
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.smtp_host)
        .port(settings.smtp_port)
        .timeout(Some(timeout))
        .build();
    let job = {
        let server = server.clone();
        move || deliver(&transport, message, &server, timeout)
    };
    let worker = std::thread::Builder::new()
        .name("smtp".into())
        .spawn(job)
        .map_err(|e| MailError::Send {
            server: server.clone(),
            reason: format!("no thread to send from: {e}"),
        })?;
    let wait = move || {
        worker.join().unwrap_or_else(|_| {
            Err(MailError::Send {
                server,
                reason: "the sending thread panicked".into(),
            })
        })
    };
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(wait)
        }
        _ => wait(),
    }
}

/// Runs on the sending thread: the whole SMTP exchange under one deadline.
fn deliver(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    message: Message,
    server: &str,
    timeout: Duration,
) -> Result<(), MailError> {
    let failed = |reason: String| MailError::Send {
        server: server.to_owned(),
        reason,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(format!("no runtime: {e}")))?;
    // The timer must be made inside the runtime, hence the async block.
    let outcome =
        runtime.block_on(async { tokio::time::timeout(timeout, transport.send(message)).await });
    // A name lookup still running in the blocking pool must not hold this thread.
    runtime.shutdown_background();
    match outcome {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(failed(error.to_string())),
        Err(_) => Err(MailError::Timeout {
            server: server.to_owned(),
            timeout,
        }),
    }
}

fn build(settings: &EmailSettings, mail: &Mail) -> Result<Message, MailError> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|_| MailError::InvalidRecipient(mail.to.clone()))?;
    let body = if looks_like_html(&mail.body) {
        SinglePart::html(mail.body.clone())
    } else {
        SinglePart::plain(mail.body.clone())
    };
    let builder = Message::builder()
        .from(settings.from.0.clone())
        .to(to)
        .subject(mail.subject.clone())
        .date(mail.date);
    let built = if mail.pictures.is_empty() {
        builder.singlepart(body)
    } else {
        let jpeg = ContentType::parse("image/jpeg").map_err(|e| MailError::Build(e.to_string()))?;
        let parts = mail.pictures.iter().enumerate().fold(
            MultiPart::mixed().singlepart(body),
            |parts, (index, picture)| {
                parts.singlepart(
                    Attachment::new(format!("snapshot{}.jpg", index + 1))
                        .body(picture.clone(), jpeg.clone()),
                )
            },
        );
        builder.multipart(parts)
    };
    built.map_err(|e| MailError::Build(e.to_string()))
}

/// Whether a body carries HTML markup: a `<` opening a tag, a closing tag or a comment.
fn looks_like_html(body: &str) -> bool {
    body.match_indices('<').any(|(index, _)| {
        body[index + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
            && body[index..].contains('>')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_makes_a_body_html() {
        assert!(looks_like_html("<b>Door</b> opened"));
        assert!(looks_like_html("line<br/>line"));
        assert!(!looks_like_html("3 < 4 and 5 > 2"));
        assert!(!looks_like_html("plain"));
        assert!(!looks_like_html("a <b"));
    }
}
