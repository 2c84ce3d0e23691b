//! Properties against a device that accepts anything: every drawn out-of-domain value must fail,
//! be shrunk to the smallest request that still fails, and replay to exactly that request.

use std::net::SocketAddr;

use helios_conform::{Options, Profile, REFERENCE_PROFILE, Target, Verdict, run};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A device that lists four switches and answers success to everything else, whatever the
/// parameters: out-of-domain values included.
async fn credulous() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a listener");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 16384];
                let read = stream.read(&mut buffer).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buffer[..read]);
                let body = if request.starts_with("GET /api/switch/caps") {
                    r#"{"success":true,"result":{"switches":[{"switch":1,"enabled":true},{"switch":2,"enabled":true},{"switch":3,"enabled":true},{"switch":4,"enabled":true}]}}"#
                } else {
                    r#"{"success":true}"#
                };
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    address
}

#[tokio::test]
async fn an_accepted_out_of_domain_value_is_shrunk_and_replayed_exactly() {
    let text = REFERENCE_PROFILE.replace("transport = \"https\"", "transport = \"http\"");
    let profile = Profile::parse(&text).expect("the profile");
    let address = credulous().await;
    let target = Target {
        http: Some(format!("http://{address}")),
        https: None,
        insecure: false,
        ca_pem: None,
    };
    let id = "switch_ctrl.get.property.invalid.switch";
    let options = Options {
        only: Some(id.into()),
        seed: Some(42),
        cases: Some(8),
        ..Options::default()
    };
    let result = run(&profile, &target, &options).await;
    let outcome = result
        .outcomes
        .iter()
        .find(|o| o.id == id)
        .expect("the property ran");
    let Verdict::Fail(why) = &outcome.verdict else {
        panic!(
            "a device that accepts any switch must fail: {:?}",
            outcome.verdict
        );
    };
    assert!(why.contains("smallest failing request"), "{why}");
    let replay = outcome
        .replay
        .clone()
        .expect("the smallest request is recorded");
    let smallest = replay["params"]
        .as_array()
        .and_then(|params| params.iter().find(|p| p[0] == "switch"))
        .and_then(|p| p[1].as_str())
        .expect("the switch drawn")
        .to_owned();
    // Shrinking ends next to the domain (5 or 0) or at the shortest word.
    assert!(["a", "5", "0"].contains(&smallest.as_str()), "{smallest}");
    let last = outcome.exchanges.last().expect("exchanges");
    assert!(
        last.to_curl().contains(&format!("switch={smallest}")),
        "the reproducing exchange is the smallest: {}",
        last.to_curl()
    );

    // The same seed draws the same requests.
    let again = run(&profile, &target, &options).await;
    let twin = again.outcomes.iter().find(|o| o.id == id).expect("again");
    assert_eq!(twin.replay, outcome.replay);

    // A replay sends exactly the recorded request, once.
    let replayed = run(
        &profile,
        &target,
        &Options {
            case: Some(id.into()),
            replay: Some(replay),
            ..Options::default()
        },
    )
    .await;
    let outcome = replayed
        .outcomes
        .iter()
        .find(|o| o.id == id)
        .expect("the replayed case");
    assert!(matches!(outcome.verdict, Verdict::Fail(_)));
    assert_eq!(outcome.exchanges.len(), 1);
    assert!(
        outcome.exchanges[0]
            .to_curl()
            .contains(&format!("switch={smallest}"))
    );
}
