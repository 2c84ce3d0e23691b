//! `apitest.html` in a real browser: headless Chromium loads the page from the reference
//! intercom, finds every function of the spec, turns switch 1 on from the form (checked over
//! HTTP by the test), shows a snapshot and a live MJPEG stream, and lists the
//! `SwitchStateChanged` its event panel subscribed to. Over HTTPS with the default profile
//! (Digest-only services, a self-signed certificate) and over plain HTTP with Digest on every
//! service, the camera's too. The HTTPS run takes the screenshots of `docs/`
//! (`HELIOS_UPDATE_SCREENSHOTS=1` writes them there).
//!
//! Without Chromium these tests fail, unless `HELIOS_NO_BROWSER=1` skips them.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use common::{ADMIN, Served, admin_get_over};
use helios_device::Profile;
use helios_device::apitest::PAGE;
use helios_device::profile::{AuthName, ServiceName, ServiceSecurity, TransportName};
use helios_spec::functions::{camera, config, pcap, switch};
use helios_spec::{FUNCTIONS, Service};
use helios_test_support::browser::{self, Browser, Launch, Page, Window};
use serde_json::Value;

/// How long the page may take for any one step.
const WAIT: Duration = Duration::from_secs(20);

/// What the page shows when a wait fails: its reply and event panels.
const DESCRIBE: &str = "({ url: document.URL, text: document.body?.innerText.slice(0, 300), reply: document.getElementById('reply')?.innerText.slice(0, 400), \
                        events: document.getElementById('events')?.innerText.slice(0, 400), \
                        function: document.getElementById('function')?.innerText.slice(0, 200) })";

#[test]
fn over_https_with_the_default_profile() {
    run(Profile::default_profile(), true);
}

#[test]
fn over_plain_http_with_digest_on_every_service() {
    let mut profile = Profile::default_profile();
    for service in Service::ALL {
        profile.services.insert(
            ServiceName(service),
            ServiceSecurity {
                enabled: true,
                transport: TransportName::Http,
                auth: AuthName::Digest,
            },
        );
    }
    run(profile, false);
}

fn run(mut profile: Profile, https: bool) {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    // Switch 1 is monostable: long enough for the test to see it on however slow the machine.
    let first = profile.switches.0.first_mut().expect("a switch 1");
    first.duration = 120;
    let served = Served::start(profile, https);
    let base = if https {
        served.https("")
    } else {
        served.http("")
    };
    let started = Instant::now();
    let outcome =
        served
            .runtime
            .block_on(drive(&chromium, &base, served.cert_pem.as_deref(), https));
    eprintln!(
        "apitest in Chromium over {}: {:?}",
        if https { "HTTPS" } else { "HTTP" },
        started.elapsed()
    );
    served.stop();
    if let Err(error) = outcome {
        panic!("{error:#}");
    }
}

async fn drive(chromium: &Path, base: &str, cert: Option<&str>, https: bool) -> Result<()> {
    let mut launch = Launch::new(chromium);
    if https {
        launch = launch.ignore_certificate_errors();
    }
    let browser = Browser::launch(launch).await?;
    let page = browser.open(&format!("{base}{PAGE}")).await?;
    let outcome = exercise(&page, base, cert, https).await;
    browser.close().await?;
    outcome
}

async fn exercise(page: &Page, base: &str, cert: Option<&str>, https: bool) -> Result<()> {
    page.wait_for("document.body.dataset.ready === 'true'", WAIT, DESCRIBE)
        .await?;
    every_function_is_listed(page).await?;
    let foreign: Vec<String> = page
        .eval("performance.getEntriesByType('resource').map((e) => e.name).filter((n) => !n.startsWith(location.origin + '/'))")
        .await?;
    ensure!(foreign.is_empty(), "loaded from elsewhere: {foreign:?}");

    page.fill("#user", ADMIN.0).await?;
    page.fill("#password", ADMIN.1).await?;

    page.click("#ev-subscribe").await?;
    page.wait_for(
        "document.getElementById('events').dataset.channel",
        WAIT,
        DESCRIBE,
    )
    .await?;

    choose(page, switch::ctrl::FUNCTION.path).await?;
    let facts: String = page
        .eval("document.getElementById('function-facts').textContent")
        .await?;
    for fact in ["Switch Control", "Enhanced Integration", "5.10", "Digest"] {
        ensure!(
            facts.contains(fact),
            "switch/ctrl's facts lack {fact}: {facts}"
        );
    }
    page.fill("[data-param='switch']", "1").await?;
    page.select("[data-param='action']", "on").await?;
    let reply: Value = serde_json::from_str(&send(page).await?)?;
    ensure!(reply["success"] == true, "switch/ctrl answered {reply}");
    let status = admin_get_over(
        base,
        cert,
        &format!("{}?switch=1", switch::status::FUNCTION.path),
    )
    .await?;
    ensure!(
        status["result"]["switches"][0]["active"] == true,
        "switch/status after the form's switch/ctrl: {status}"
    );
    page.wait_for(
        "document.querySelector('#ev-list li[data-event=\"SwitchStateChanged\"]')",
        WAIT,
        DESCRIBE,
    )
    .await?;
    let event: String = page
        .eval(
            "document.querySelector('#ev-list li[data-event=\"SwitchStateChanged\"]').textContent",
        )
        .await?;
    ensure!(
        event.contains("switch=1") && event.contains("state=true"),
        "{event}"
    );
    // A text reply: switch 2 with the `response` parameter.
    page.fill("[data-param='switch']", "2").await?;
    page.fill("[data-param='response']", "done").await?;
    ensure!(send(page).await? == "done", "the response text");

    // XML as text, a capture as a download.
    choose(page, config::FUNCTION.path).await?;
    let xml = send(page).await?;
    ensure!(xml.contains(config::ROOT_ELEMENT), "config: {xml:.200}");
    choose(page, pcap::FUNCTION.path).await?;
    send(page).await?;
    let download: String = page
        .eval("document.querySelector('#reply-body a[download]').download")
        .await?;
    ensure!(download.ends_with(".pcap"), "{download}");

    choose(page, camera::snapshot::FUNCTION.path).await?;
    page.fill("[data-param='width']", "640").await?;
    page.fill("[data-param='height']", "480").await?;
    page.fill("[data-param='fps']", "2").await?;
    page.click("#send").await?;
    page.wait_for(
        "document.getElementById('reply-stream')?.naturalWidth > 0",
        WAIT,
        DESCRIBE,
    )
    .await
    .context("the MJPEG stream")?;
    ensure!(image_size(page, "reply-stream").await? == (640, 480));
    page.click("#reply-body button").await?;

    page.fill("[data-param='fps']", "").await?;
    page.click("#send").await?;
    page.wait_for(
        "document.getElementById('reply-image')?.complete && document.getElementById('reply-image').naturalWidth > 0",
        WAIT,
        DESCRIBE,
    )
    .await
    .context("the snapshot")?;
    ensure!(image_size(page, "reply-image").await? == (640, 480));

    if https {
        screenshots(page).await?;
    }
    Ok(())
}

async fn every_function_is_listed(page: &Page) -> Result<()> {
    let mut expected: Vec<String> = FUNCTIONS.iter().map(|f| f.path.to_owned()).collect();
    expected.sort();
    for list in ["#function-list a", "#function-select option"] {
        let mut shown: Vec<String> = page
            .eval(&format!(
                "[...document.querySelectorAll('{list}')].map((e) => e.dataset.path)"
            ))
            .await?;
        shown.sort();
        ensure!(shown == expected, "{list} lists {shown:?}");
    }
    Ok(())
}

/// Chooses a function in the side list, as a user on a wide screen does.
async fn choose(page: &Page, path: &str) -> Result<()> {
    page.click(&format!("#function-list a[data-path='{path}']"))
        .await?;
    page.wait_for(
        &format!("document.getElementById('function-path').textContent === '{path}'"),
        WAIT,
        DESCRIBE,
    )
    .await
}

/// Clicks Send and reads the reply the page shows, which must be a success.
async fn send(page: &Page) -> Result<String> {
    page.eval::<bool>("document.getElementById('reply').hidden = true")
        .await?;
    page.click("#send").await?;
    page.wait_for(
        "!document.getElementById('reply').hidden && document.getElementById('reply-body')",
        WAIT,
        DESCRIBE,
    )
    .await?;
    let status: String = page
        .eval("document.getElementById('reply-status').textContent")
        .await?;
    ensure!(status.starts_with("HTTP 200"), "{status}");
    page.eval("document.getElementById('reply-body').textContent")
        .await
}

async fn image_size(page: &Page, id: &str) -> Result<(u32, u32)> {
    page.eval(&format!(
        "[document.getElementById('{id}').naturalWidth, document.getElementById('{id}').naturalHeight]"
    ))
    .await
}

/// The page at desktop and phone width; on a phone the function list gives way to a select and
/// nothing is wider than the screen. The screenshots go to the test's scratch directory, and to
/// `docs/` for the README only when `HELIOS_UPDATE_SCREENSHOTS=1` asks (a test run leaves the
/// tree as it was).
async fn screenshots(page: &Page) -> Result<()> {
    let docs = if std::env::var_os("HELIOS_UPDATE_SCREENSHOTS").is_some_and(|v| v == "1") {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs")
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
    };
    page.eval::<bool>("(window.scrollTo(0, 0), true)").await?;
    let desktop = page.screenshot(Window::DESKTOP).await?;
    check_png(&desktop, Window::DESKTOP)?;
    std::fs::write(docs.join("apitest-desktop.png"), &desktop)?;

    page.eval::<bool>("(window.scrollTo(0, 0), true)").await?;
    let phone = page.screenshot(Window::PHONE).await?;
    check_png(&phone, Window::PHONE)?;
    let layout: Value = page
        .eval(
            "({ overflow: document.documentElement.scrollWidth - window.innerWidth, \
               nav: getComputedStyle(document.getElementById('nav')).display, \
               select: document.getElementById('function-select').getBoundingClientRect().width })",
        )
        .await?;
    ensure!(
        layout["overflow"] == 0
            && layout["nav"] == "none"
            && layout["select"].as_f64() > Some(150.0),
        "the phone layout: {layout}"
    );
    std::fs::write(docs.join("apitest-phone.png"), &phone)?;
    page.set_window(Window::DESKTOP).await
}

fn check_png(png: &[u8], window: Window) -> Result<()> {
    let image = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .context("the screenshot is a PNG")?;
    ensure!(
        (image.width(), image.height()) == (window.width, window.height),
        "a {}x{} screenshot for {window:?}",
        image.width(),
        image.height()
    );
    Ok(())
}
