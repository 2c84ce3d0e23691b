//! One tab of the test browser: JavaScript evaluated in it, waits on conditions, clicks and
//! typing as a user does, viewport sizes and screenshots.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::cdp::browser_protocol::page::CaptureScreenshotFormat;
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use chromiumoxide::page::ScreenshotParams;
use serde::de::DeserializeOwned;

use super::Window;

/// One tab.
#[derive(Debug)]
pub struct Page {
    page: chromiumoxide::Page,
}

impl Page {
    pub(super) fn new(page: chromiumoxide::Page) -> Self {
        Self { page }
    }

    /// Navigates to `url` and waits for it to load.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.page
            .goto(url)
            .await
            .with_context(|| format!("navigating to {url}"))?;
        Ok(())
    }

    /// The value of a JavaScript expression, promises awaited, as `T`.
    pub async fn eval<T: DeserializeOwned>(&self, expression: &str) -> Result<T> {
        let params = EvaluateParams::builder()
            .expression(expression)
            .await_promise(true)
            .return_by_value(true)
            .build()
            .map_err(|e| anyhow!("evaluating {expression}: {e}"))?;
        // A thrown exception comes back as an error of its own.
        let result = self
            .page
            .evaluate_expression(params)
            .await
            .with_context(|| format!("evaluating {expression}"))?;
        result
            .into_value()
            .with_context(|| format!("the value of {expression}"))
    }

    /// Waits until `expression` is truthy, for at most `timeout`; then fails with what
    /// `describe` (another expression) says of the page, to tell why.
    pub async fn wait_for(
        &self,
        expression: &str,
        timeout: Duration,
        describe: &str,
    ) -> Result<()> {
        let deadline = Instant::now() + timeout;
        let truthy = format!("Boolean({expression})");
        loop {
            if self.eval::<bool>(&truthy).await.unwrap_or(false) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let state: serde_json::Value = self
                    .eval(describe)
                    .await
                    .unwrap_or_else(|e| serde_json::Value::String(format!("{e:#}")));
                bail!("waited {timeout:?} for `{expression}`; the page shows: {state}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element `selector` names, as a mouse does (scrolled into view first).
    pub async fn click(&self, selector: &str) -> Result<()> {
        let element = self
            .page
            .find_element(selector)
            .await
            .with_context(|| format!("finding {selector}"))?;
        element
            .scroll_into_view()
            .await
            .with_context(|| format!("scrolling to {selector}"))?;
        element
            .click()
            .await
            .with_context(|| format!("clicking {selector}"))?;
        Ok(())
    }

    /// Replaces the text of the input `selector` names by typing `text` as a keyboard does.
    pub async fn fill(&self, selector: &str, text: &str) -> Result<()> {
        let clear = format!(
            "(() => {{ const e = document.querySelector({0}); e.value = ''; return true; }})()",
            serde_json::Value::String(selector.to_owned())
        );
        self.eval::<bool>(&clear)
            .await
            .with_context(|| format!("clearing {selector}"))?;
        let element = self
            .page
            .find_element(selector)
            .await
            .with_context(|| format!("finding {selector}"))?;
        element
            .click()
            .await
            .with_context(|| format!("focusing {selector}"))?;
        element
            .type_str(text)
            .await
            .with_context(|| format!("typing into {selector}"))?;
        // Typing fires `input`; a control's `change` comes when it loses focus.
        let change = format!(
            "document.querySelector({0}).dispatchEvent(new Event('change', {{ bubbles: true }}))",
            serde_json::Value::String(selector.to_owned())
        );
        self.eval::<bool>(&change).await?;
        Ok(())
    }

    /// Chooses `value` in the select `selector` names, with the `change` event a user's choice
    /// fires.
    pub async fn select(&self, selector: &str, value: &str) -> Result<()> {
        let js = format!(
            "(() => {{ const e = document.querySelector({0}); e.value = {1}; \
             e.dispatchEvent(new Event('change', {{ bubbles: true }})); return e.value === {1}; }})()",
            serde_json::Value::String(selector.to_owned()),
            serde_json::Value::String(value.to_owned()),
        );
        if !self.eval::<bool>(&js).await? {
            bail!("{selector} has no option {value}");
        }
        Ok(())
    }

    /// Resizes the viewport.
    pub async fn set_window(&self, window: Window) -> Result<()> {
        let metrics = SetDeviceMetricsOverrideParams::builder()
            .width(window.width)
            .height(window.height)
            .device_scale_factor(1.0)
            .mobile(window.mobile)
            .build()
            .map_err(|e| anyhow!("device metrics: {e}"))?;
        self.page
            .execute(metrics)
            .await
            .context("setting the viewport")?;
        Ok(())
    }

    /// A PNG of the viewport at `window`'s size (the page laid out for it first).
    pub async fn screenshot(&self, window: Window) -> Result<Vec<u8>> {
        self.set_window(window).await?;
        // Two animation frames: the new layout is painted before the capture.
        self.eval::<bool>(
            "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))",
        )
        .await?;
        self.page
            .screenshot(
                ScreenshotParams::builder()
                    .format(CaptureScreenshotFormat::Png)
                    .build(),
            )
            .await
            .context("taking a screenshot")
    }

    /// The tab itself, for what this harness does not cover.
    pub fn inner(&self) -> &chromiumoxide::Page {
        &self.page
    }
}
