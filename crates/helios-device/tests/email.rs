//! `email/send` (manual 5.28) end to end: the device delivers over real SMTP on loopback to the
//! sink of `smtp_sink`, mail-parser reads what arrived, and the `image` crate decodes the JPEG
//! attachments. SMTP failures answer 14 within the configured time.

mod common;
mod smtp_sink;

use common::{ADMIN, snapshot};

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use common::{Request, TestDevice};
use helios_device::Profile;
use helios_wire::params::encode_query;
use mail_parser::{MessageParser, MimeHeaders};
use smtp_sink::{Mode, SmtpSink};

/// How long a test waits for a message the device said it sent.
const ARRIVAL: Duration = Duration::from_secs(5);

fn profile_mailing_to(addr: SocketAddr, timeout_secs: u32) -> Profile {
    let mut profile = Profile::default_profile();
    let email = profile
        .email
        .as_mut()
        .expect("the default profile has [email]");
    email.smtp_host = addr.ip().to_string();
    email.smtp_port = addr.port();
    email.timeout = NonZeroU32::new(timeout_secs).expect("a positive timeout");
    profile
}

/// `email/send` with these parameters as an urlencoded POST body, as admin.
fn send(device: &TestDevice, params: &[(&str, &str)]) -> common::Reply {
    let body = encode_query(params.iter().copied());
    let request = Request::get("/api/email/send")
        .method("POST")
        .body("application/x-www-form-urlencoded", body.as_bytes());
    device.send_digest(&request, ADMIN.0, ADMIN.1)
}

#[test]
fn the_manuals_example_arrives_as_a_plain_message() {
    let sink = SmtpSink::start(Mode::Accept);
    let device = TestDevice::new(profile_mailing_to(sink.addr, 5));
    device.advance(7);
    let reply = device.send_digest(
        &Request::get("/api/email/send?to=somebody@email.com&subject=Hello&body=Hello"),
        ADMIN.0,
        ADMIN.1,
    );
    snapshot!("device__email_send", reply.json());
    let received = sink.recv(ARRIVAL).expect("the message arrives");
    assert_eq!(received.mail_from, "helios@example.com");
    assert_eq!(received.rcpt_to, ["somebody@email.com"]);
    let message = MessageParser::default()
        .parse(&received.data)
        .expect("a readable message");
    let from = message.from().and_then(|a| a.first()).expect("From");
    assert_eq!(from.address(), Some("helios@example.com"));
    assert_eq!(from.name(), Some("2N Helios IP Verso"));
    let to = message.to().and_then(|a| a.first()).expect("To");
    assert_eq!(to.address(), Some("somebody@email.com"));
    assert_eq!(message.subject(), Some("Hello"));
    assert_eq!(
        message.body_text(0).as_deref().map(str::trim),
        Some("Hello")
    );
    let content_type = message.content_type().expect("a content type");
    assert_eq!(
        (content_type.ctype(), content_type.subtype()),
        ("text", Some("plain"))
    );
    assert_eq!(message.attachment_count(), 0);
    // The Date header is the device clock's.
    let date = message.date().expect("Date").to_timestamp();
    assert_eq!(
        date,
        i64::try_from(common::START.as_secs() + 7).expect("a time")
    );
}

#[test]
fn pictures_are_attached_as_jpegs_of_the_requested_size() {
    let sink = SmtpSink::start(Mode::Accept);
    let device = TestDevice::new(profile_mailing_to(sink.addr, 5));
    device.advance(60);
    let reply = send(
        &device,
        &[
            ("to", "guard@example.com"),
            ("subject", "Door opened: ring\u{e9}e"),
            ("body", "<p>The <b>front door</b> opened.</p>"),
            ("pictureCount", "3"),
            ("timeSpan", "2"),
            ("width", "320"),
            ("height", "240"),
        ],
    );
    assert_eq!(reply.error_code(), None, "{}", reply.json());
    let received = sink.recv(ARRIVAL).expect("the message arrives");
    let message = MessageParser::default()
        .parse(&received.data)
        .expect("a readable message");
    assert_eq!(message.subject(), Some("Door opened: ring\u{e9}e"));
    let body = message.html_part(0).expect("a body");
    assert!(body.is_text_html(), "{body:?}");
    let html = message.body_html(0).expect("an HTML body");
    assert!(html.contains("<b>front door</b>"), "{html}");
    let pictures: Vec<_> = message.attachments().collect();
    assert_eq!(pictures.len(), 3);
    let mut bytes = Vec::new();
    for (index, picture) in pictures.iter().enumerate() {
        let content_type = picture.content_type().expect("a content type");
        assert_eq!(
            (content_type.ctype(), content_type.subtype()),
            ("image", Some("jpeg"))
        );
        assert_eq!(
            picture.attachment_name(),
            Some(format!("snapshot{}.jpg", index + 1).as_str())
        );
        let decoded =
            image::load_from_memory_with_format(picture.contents(), image::ImageFormat::Jpeg)
                .expect("a JPEG a real decoder reads");
        assert_eq!((decoded.width(), decoded.height()), (320, 240));
        bytes.push(picture.contents().to_vec());
    }
    // Taken 2 s apart, the images differ.
    bytes.dedup();
    assert_eq!(bytes.len(), 3);
}

#[test]
fn without_a_resolution_pictures_have_the_largest_one() {
    let sink = SmtpSink::start(Mode::Accept);
    let device = TestDevice::new(profile_mailing_to(sink.addr, 5));
    let reply = send(
        &device,
        &[
            ("to", "a@example.com"),
            ("subject", "s"),
            ("pictureCount", "1"),
        ],
    );
    assert_eq!(reply.error_code(), None);
    let received = sink.recv(ARRIVAL).expect("the message arrives");
    let message = MessageParser::default()
        .parse(&received.data)
        .expect("a readable message");
    let picture = message.attachments().next().expect("one picture");
    let decoded = image::load_from_memory_with_format(picture.contents(), image::ImageFormat::Jpeg)
        .expect("a JPEG");
    assert_eq!((decoded.width(), decoded.height()), (640, 480));
    // No body given: the message has no contents.
    assert_eq!(message.body_text(0).as_deref().map(str::trim), Some(""));
}

#[test]
fn resolutions_and_time_spans_outside_the_camera_are_refused() {
    let sink = SmtpSink::start(Mode::Accept);
    let device = TestDevice::new(profile_mailing_to(sink.addr, 5));
    let base = [
        ("to", "a@example.com"),
        ("subject", "s"),
        ("pictureCount", "2"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut params = base.to_vec();
        params.extend_from_slice(extra);
        send(&device, &params)
    };
    let wide = with(&[("width", "100"), ("height", "120")]);
    snapshot!("device__email_send_unknown_width", wide.json());
    assert_eq!(
        (wide.error_code(), wide.error_param()),
        (Some(12), Some("width".into()))
    );
    let mismatched = with(&[("width", "320"), ("height", "120")]);
    assert_eq!(
        (mismatched.error_code(), mismatched.error_param()),
        (Some(12), Some("height".into()))
    );
    let half = with(&[("width", "320")]);
    snapshot!("device__email_send_width_without_height", half.json());
    assert_eq!(
        (half.error_code(), half.error_param()),
        (Some(11), Some("height".into()))
    );
    // Two images 31 s apart reach beyond the camera memory of 30 s.
    let long = with(&[("timeSpan", "31")]);
    snapshot!("device__email_send_time_span_too_long", long.json());
    assert_eq!(
        (long.error_code(), long.error_param()),
        (Some(12), Some("timeSpan".into()))
    );
    // The camera's memory holds frames only from the start on: 30 s back needs 30 s of uptime.
    device.advance(30);
    assert_eq!(with(&[("timeSpan", "30")]).error_code(), None);
    assert!(sink.recv(ARRIVAL).is_some());
    assert!(
        sink.recv(Duration::from_millis(200)).is_none(),
        "only one message was valid"
    );
}

#[test]
fn a_model_without_camera_sends_no_pictures() {
    let sink = SmtpSink::start(Mode::Accept);
    let mut profile = profile_mailing_to(sink.addr, 5);
    profile.camera = None;
    let device = TestDevice::new(profile);
    let reply = send(
        &device,
        &[
            ("to", "a@example.com"),
            ("subject", "s"),
            ("pictureCount", "1"),
        ],
    );
    assert_eq!(
        (reply.error_code(), reply.error_param()),
        (Some(12), Some("pictureCount".into()))
    );
    let plain = send(&device, &[("to", "a@example.com"), ("subject", "s")]);
    assert_eq!(plain.error_code(), None);
}

#[test]
fn smtp_failures_answer_14_in_bounded_time() {
    // A server that refuses the recipient.
    let refusing = SmtpSink::start(Mode::RefuseRecipients);
    let device = TestDevice::new(profile_mailing_to(refusing.addr, 5));
    let reply = send(&device, &[("to", "a@example.com"), ("subject", "s")]);
    snapshot!("device__email_send_smtp_failure", reply.json());
    assert_eq!(reply.error_code(), Some(14));

    // Nobody listening: a port that was free a moment ago.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let device = TestDevice::new(profile_mailing_to(closed, 5));
    let started = Instant::now();
    let reply = send(&device, &[("to", "a@example.com"), ("subject", "s")]);
    assert_eq!(reply.error_code(), Some(14));
    assert!(started.elapsed() < Duration::from_secs(5));

    // A server that accepts the connection and never speaks: the timeout (1 s) ends it.
    let silent = SmtpSink::start(Mode::Silent);
    let device = TestDevice::new(profile_mailing_to(silent.addr, 1));
    let started = Instant::now();
    let reply = send(&device, &[("to", "a@example.com"), ("subject", "s")]);
    let took = started.elapsed();
    assert_eq!(reply.error_code(), Some(14));
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(4),
        "{took:?}"
    );
    // The device is not locked meanwhile, nor after.
    assert_eq!(
        device
            .send_digest(&Request::get("/api/system/status"), ADMIN.0, ADMIN.1)
            .error_code(),
        None
    );

    // No SMTP service configured at all.
    let mut profile = Profile::default_profile();
    profile.email = None;
    let device = TestDevice::new(profile);
    let reply = send(&device, &[("to", "a@example.com"), ("subject", "s")]);
    assert_eq!(reply.error_code(), Some(14));
}

#[test]
fn the_served_device_sends_without_blocking_its_runtime() {
    use helios_device::profile::{AuthName, ServiceName, ServiceSecurity, TransportName};
    use helios_spec::Service;

    let sink = SmtpSink::start(Mode::Accept);
    let mut profile = profile_mailing_to(sink.addr, 5);
    profile.services.insert(
        ServiceName(Service::Email),
        ServiceSecurity {
            enabled: true,
            transport: TransportName::Http,
            auth: AuthName::None,
        },
    );
    let served = common::Served::start(profile, false);
    let url = served.http(
        "/api/email/send?to=somebody@email.com&subject=Served&pictureCount=1&width=160&height=120",
    );
    let body: serde_json::Value = served
        .runtime
        .block_on(async { reqwest::get(&url).await?.json().await })
        .expect("a JSON reply");
    assert_eq!(body, serde_json::json!({"success": true}));
    let received = sink.recv(ARRIVAL).expect("the message arrives");
    let message = MessageParser::default()
        .parse(&received.data)
        .expect("a readable message");
    assert_eq!(message.subject(), Some("Served"));
    assert_eq!(message.attachment_count(), 1);
    served.stop();
}

/// A real SMTP server, Python's aiosmtpd (installed by `.ci/run`), storing into a Maildir: the
/// message the device sends arrives whole, with its pictures.
#[test]
fn a_real_smtp_server_receives_the_message() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let maildir =
        std::env::temp_dir().join(format!("helios-maildir-{}-{port}", std::process::id()));
    let mut server = std::process::Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs (pip install aiosmtpd)");
    let address: SocketAddr = format!("127.0.0.1:{port}").parse().expect("an address");
    let started = Instant::now();
    while std::net::TcpStream::connect(address).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "aiosmtpd did not start (pip install aiosmtpd)"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let device = TestDevice::new(profile_mailing_to(address, 5));
    device.advance(10);
    let reply = send(
        &device,
        &[
            ("to", "guard@example.com"),
            ("subject", "Visitor"),
            ("body", "Someone rang."),
            ("pictureCount", "2"),
            ("timeSpan", "1"),
            ("width", "176"),
            ("height", "144"),
        ],
    );
    assert_eq!(reply.error_code(), None, "{}", reply.json());
    let arrived = maildir.join("new");
    let mut message = None;
    while message.is_none() && started.elapsed() < Duration::from_secs(30) {
        message = std::fs::read_dir(&arrived)
            .ok()
            .and_then(|mut entries| entries.next())
            .and_then(|entry| entry.ok())
            .and_then(|entry| std::fs::read(entry.path()).ok());
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = server.kill();
    let _ = server.wait();
    let bytes = message.expect("the message reached the Maildir");
    let _ = std::fs::remove_dir_all(&maildir);
    let parsed = MessageParser::default()
        .parse(&bytes)
        .expect("a readable message");
    assert_eq!(parsed.subject(), Some("Visitor"));
    let to = parsed
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address());
    assert_eq!(to, Some("guard@example.com"));
    assert_eq!(parsed.attachment_count(), 2);
    for attachment in parsed.attachments() {
        let image =
            image::load_from_memory(attachment.contents()).expect("a JPEG a real decoder reads");
        assert_eq!((image.width(), image.height()), (176, 144));
    }
}
