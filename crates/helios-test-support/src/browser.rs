//! A real browser for tests: Debian's Chromium, headless, driven over the DevTools protocol.
//!
//! The crate is chromiumoxide: it speaks the DevTools protocol to the browser directly, on the
//! workspace's tokio, with no driver process in between (fantoccini needs chromedriver and
//! WebDriver, which has no way to emulate a phone's viewport for a screenshot; headless_chrome
//! runs its own threads and a synchronous API). It builds on Rust 1.95 and brings no second
//! async runtime.
//!
//! A test calls [`chromium`] first: it finds the browser, or fails the test with a message that
//! says how to install it, unless `HELIOS_NO_BROWSER=1` asks to skip (and says so).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use chromiumoxide::browser::{Browser as Cdp, BrowserConfig};
use futures_util::StreamExt;
use tokio::task::JoinHandle;

mod page;
pub use page::Page;

/// The environment variable that skips browser tests where Chromium is not installed.
pub const SKIP_VARIABLE: &str = "HELIOS_NO_BROWSER";
/// The environment variable that names a browser other than the `chromium` on the `PATH`.
pub const EXECUTABLE_VARIABLE: &str = "HELIOS_CHROMIUM";

/// The Chromium to drive. Without one the test fails, naming the package to install; with
/// `HELIOS_NO_BROWSER=1` it is `None` and a line on stderr says the test was skipped.
pub fn chromium() -> Option<PathBuf> {
    if std::env::var(SKIP_VARIABLE).is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: {SKIP_VARIABLE}=1, so this browser test did not run");
        return None;
    }
    if let Some(path) = std::env::var_os(EXECUTABLE_VARIABLE).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
            .find(|path| path.is_file())
    });
    match found {
        Some(path) => Some(path),
        None => panic!(
            "Chromium is not installed, and this test drives it: `apt-get install chromium` \
             (CI's .ci/run does), point {EXECUTABLE_VARIABLE} at a Chromium, or set \
             {SKIP_VARIABLE}=1 to skip browser tests"
        ),
    }
}

/// How to start the browser.
#[derive(Clone, Debug)]
pub struct Launch {
    pub executable: PathBuf,
    /// Accept any certificate: for a device's self-signed one.
    pub ignore_certificate_errors: bool,
    /// The window, until a screenshot asks for another.
    pub window: Window,
}

impl Launch {
    pub fn new(executable: &Path) -> Self {
        Self {
            executable: executable.to_owned(),
            ignore_certificate_errors: false,
            window: Window::DESKTOP,
        }
    }

    pub fn ignore_certificate_errors(mut self) -> Self {
        self.ignore_certificate_errors = true;
        self
    }
}

/// A viewport: its size in CSS pixels, and whether it is a phone's (touch, the page's viewport
/// meta tag honoured).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub width: u32,
    pub height: u32,
    pub mobile: bool,
}

impl Window {
    pub const DESKTOP: Self = Self {
        width: 1280,
        height: 900,
        mobile: false,
    };
    pub const PHONE: Self = Self {
        width: 390,
        height: 844,
        mobile: true,
    };
}

/// A running headless Chromium with a fresh profile of its own.
#[derive(Debug)]
pub struct Browser {
    cdp: Cdp,
    events: JoinHandle<()>,
    window: Window,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts the browser. The flags keep it off the network beyond what the test opens: on a
    /// closed network its background services would only see refused connections.
    pub async fn launch(launch: Launch) -> Result<Self> {
        let profile = tempfile::tempdir().context("a profile directory for Chromium")?;
        let window = launch.window;
        // chromiumoxide writes each as `--name` (and adds --headless, --no-sandbox and the
        // user data directory from the configuration below).
        let mut args = vec![
            "disable-gpu",
            "disable-quic",
            "no-first-run",
            "disable-background-networking",
            "disable-component-update",
            "disable-sync",
            "disable-default-apps",
        ];
        let mut config = BrowserConfig::builder()
            .chrome_executable(&launch.executable)
            .no_sandbox()
            .user_data_dir(profile.path())
            .window_size(window.width, window.height)
            .viewport(None)
            .launch_timeout(Duration::from_secs(30))
            .request_timeout(Duration::from_secs(30));
        if launch.ignore_certificate_errors {
            args.push("ignore-certificate-errors");
        } else {
            config = config.respect_https_errors();
        }
        let config = config
            .args(args)
            .build()
            .map_err(|e| anyhow!("Chromium's configuration: {e}"))?;
        let (cdp, mut handler) = Cdp::launch(config)
            .await
            .with_context(|| format!("launching {}", launch.executable.display()))?;
        // The protocol's messages are read by this task for as long as the browser runs.
        let events = tokio::spawn(async move { while handler.next().await.is_some() {} });
        Ok(Self {
            cdp,
            events,
            window,
            _profile: profile,
        })
    }

    /// Opens `url` in a new tab and waits for it to load.
    pub async fn open(&self, url: &str) -> Result<Page> {
        let page = self
            .cdp
            .new_page(url)
            .await
            .with_context(|| format!("opening {url}"))?;
        let page = Page::new(page);
        page.set_window(self.window).await?;
        Ok(page)
    }

    /// Closes the browser and waits for its process to end.
    pub async fn close(mut self) -> Result<()> {
        let closed = self.cdp.close().await;
        let _ = self.cdp.wait().await;
        self.events.abort();
        closed.context("closing Chromium")?;
        Ok(())
    }
}
