//! The client against the reference intercom over real loopback HTTP and HTTPS.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use helios_client::{AuthMode, Call, Client, ClientError, Transfer};
use helios_spec::Method;
use helios_spec::functions::{camera, switch, system};
use helios_test_support::helios_device::clock::ManualClock;
use helios_test_support::helios_device::server::{self, Running};
use helios_test_support::helios_device::tls::Tls;
use helios_test_support::helios_device::{Device, Profile};
use helios_wire::envelope::Envelope;

struct Served {
    running: Running,
    clock: Arc<ManualClock>,
    cert_pem: String,
}

async fn serve() -> Served {
    let tls = Tls::self_signed().expect("a certificate");
    let cert_pem = tls.cert_pem.clone();
    let clock = Arc::new(ManualClock::new(Duration::from_secs(1_437_987_102)));
    let device = Device::new(Profile::default_profile(), clock.clone());
    let any: SocketAddr = "127.0.0.1:0".parse().expect("an address");
    let running = server::start(device, Some(any), Some((any, tls)))
        .await
        .expect("the device starts");
    Served {
        running,
        clock,
        cert_pem,
    }
}

fn https(served: &Served) -> String {
    format!("https://{}", served.running.https.expect("HTTPS"))
}

fn code(exchange: &helios_client::Exchange) -> Option<u64> {
    match exchange.envelope().expect("an envelope").0 {
        Envelope::Success { .. } => None,
        Envelope::Failure { code, .. } => Some(code),
    }
}

#[tokio::test]
async fn digest_with_a_pinned_certificate_reuses_its_nonce() {
    let served = serve().await;
    let client = Client::builder(&https(&served))
        .credentials("admin", "2n")
        .ca_pem(served.cert_pem.clone().into_bytes())
        .build()
        .expect("a client");
    let on = client
        .send(
            Call::new(&switch::ctrl::FUNCTION)
                .param("switch", 2)
                .param("action", "on"),
        )
        .await
        .expect("a reply");
    assert_eq!(code(&on), None);
    assert_eq!(
        client.exchanges().len(),
        2,
        "a challenge, then the signed request"
    );
    let status = client
        .send(Call::new(&switch::status::FUNCTION).param("switch", 2))
        .await
        .expect("a reply");
    assert_eq!(code(&status), None);
    assert_eq!(
        client.exchanges().len(),
        3,
        "the next count of the same nonce, unasked"
    );
    // A stale nonce is answered once more without asking the caller.
    served.clock.advance(Duration::from_secs(301));
    let late = client
        .send(Call::new(&switch::status::FUNCTION))
        .await
        .expect("a reply");
    assert_eq!(code(&late), None);
    assert_eq!(client.exchanges().len(), 5);
    served.running.shutdown().await;
}

#[tokio::test]
async fn an_unpinned_self_signed_certificate_is_refused_unless_insecure() {
    let served = serve().await;
    let strict = Client::builder(&https(&served)).build().expect("a client");
    let refused = strict.send(Call::new(&system::info::FUNCTION)).await;
    assert!(
        matches!(refused, Err(ClientError::Transport(_))),
        "{refused:?}"
    );
    let insecure = Client::builder(&https(&served))
        .accept_invalid_certs(true)
        .build()
        .expect("a client");
    let info = insecure
        .send(Call::new(&system::info::FUNCTION))
        .await
        .expect("a reply");
    assert_eq!(
        info.response.media_type().as_deref(),
        Some("application/json")
    );
    served.running.shutdown().await;
}

#[tokio::test]
async fn basic_where_only_digest_is_allowed_gets_8() {
    let served = serve().await;
    let client = Client::builder(&https(&served))
        .credentials("admin", "2n")
        .auth(AuthMode::Basic)
        .accept_invalid_certs(true)
        .build()
        .expect("a client");
    let reply = client
        .send(Call::new(&switch::caps::FUNCTION))
        .await
        .expect("a reply");
    assert_eq!(code(&reply), Some(8));
    served.running.shutdown().await;
}

#[tokio::test]
async fn every_transfer_reaches_the_device() {
    let served = serve().await;
    let client = Client::builder(&https(&served))
        .credentials("admin", "2n")
        .accept_invalid_certs(true)
        .build()
        .expect("a client");
    for (transfer, switch_number) in [
        (Transfer::Query, 1),
        (Transfer::UrlEncoded, 2),
        (Transfer::Multipart, 3),
    ] {
        let reply = client
            .send(
                Call::new(&switch::ctrl::FUNCTION)
                    .method(Method::Post)
                    .transfer(transfer)
                    .param("switch", switch_number)
                    .param("action", "on")
                    .param("response", "done"),
            )
            .await
            .expect("a reply");
        assert_eq!(reply.response.body, b"done", "{transfer:?}");
    }
    served.running.shutdown().await;
}

#[tokio::test]
async fn the_curl_line_sends_the_same_request() {
    let served = serve().await;
    let http = format!("http://{}", served.running.http.expect("HTTP"));
    let client = Client::builder(&http).build().expect("a client");
    let exchange = client
        .send(
            Call::new(&camera::caps::FUNCTION)
                .method(Method::Post)
                .transfer(Transfer::Multipart)
                .param("unused", "a'b\"c"),
        )
        .await
        .expect("a reply");
    let line = exchange.to_curl();
    let output = tokio::process::Command::new("bash")
        .arg("-c")
        .arg(&line)
        .output()
        .await
        .expect("bash and curl run");
    let text = String::from_utf8_lossy(&output.stdout);
    let body = text.rsplit("\r\n\r\n").next().unwrap_or_default();
    assert_eq!(body.as_bytes(), exchange.response.body.as_slice(), "{line}");
    served.running.shutdown().await;
}

/// The curl line names the password by its variable: exported, it logs in; the line itself
/// never holds the password.
#[tokio::test]
async fn the_curl_line_reads_the_password_from_the_environment() {
    let served = serve().await;
    let client = Client::builder(&https(&served))
        .credentials("admin", "2n")
        .accept_invalid_certs(true)
        .build()
        .expect("a client");
    let exchange = client
        .send(Call::new(&switch::caps::FUNCTION))
        .await
        .expect("a reply");
    assert_eq!(exchange.response.status, 200);
    let line = exchange.to_curl();
    assert!(
        line.contains("-u \"admin:$HELIOS_PASS_ADMIN\"") && !line.contains("admin:2n"),
        "{line}"
    );
    for (password, status) in [("2n", "200"), ("wrong", "401")] {
        let output = tokio::process::Command::new("bash")
            .arg("-c")
            .arg(&line)
            .env(helios_client::password_variable("admin"), password)
            .output()
            .await
            .expect("bash and curl run");
        let text = String::from_utf8_lossy(&output.stdout);
        let last = text.rsplit("HTTP/1.1 ").next().unwrap_or_default();
        assert!(last.starts_with(status), "{password}: {text}");
    }
    served.running.shutdown().await;
}

#[tokio::test]
async fn a_device_that_never_answers_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a listener");
    let address = listener.local_addr().expect("an address");
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let client = Client::builder(&format!("http://{address}"))
        .timeout(Duration::from_millis(500))
        .build()
        .expect("a client");
    let started = std::time::Instant::now();
    let result = client.send(Call::new(&system::info::FUNCTION)).await;
    assert!(
        matches!(result, Err(ClientError::Transport(_))),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    silent.abort();
}
