//! Opens the door of a real intercom: switches switch 1 on and prints its state, then every
//! exchange as a `curl` line.
//!
//! ```text
//! cargo run -p helios-client --example open_door -- https://192.0.2.10 admin 2n
//! ```
//!
//! The device's factory certificate is self-signed, so this example accepts any certificate;
//! pin the device's own with `ClientBuilder::ca_pem` instead where you can.

use helios_client::{Call, Client};
use helios_spec::functions::switch;
use helios_wire::envelope::Envelope;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(user), Some(password)) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: open_door <device-url> <user> <password>");
        std::process::exit(3);
    };
    let client = Client::builder(&url)
        .credentials(&user, &password)
        .accept_invalid_certs(true)
        .build()?;
    let on = client
        .send(
            Call::new(&switch::ctrl::FUNCTION)
                .param("switch", 1)
                .param("action", "on"),
        )
        .await?;
    match on.envelope()?.0 {
        Envelope::Success { .. } => println!("switch 1 is on"),
        Envelope::Failure { code, param, .. } => {
            println!(
                "the device refused: error {code} {}",
                param.unwrap_or_default()
            );
        }
    }
    let status = client
        .send(Call::new(&switch::status::FUNCTION).param("switch", 1))
        .await?;
    println!("{}", String::from_utf8_lossy(&status.response.body));
    for exchange in client.exchanges() {
        println!("{}", exchange.to_curl());
    }
    Ok(())
}
