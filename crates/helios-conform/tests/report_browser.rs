//! `report.html` in a real browser: headless Chromium opens the page a run wrote for a device
//! with a fault, finds every case, the overall FAIL, and the failure with its curl line, and
//! its verdict filter shows exactly the failed cases. The traceability view shows every
//! requirement of the register, counts per chapter that add up, a failed requirement, a filter
//! by chapter, and links from a requirement to the cases citing it and back, and from a case
//! to its evidence. The page loads nothing from anywhere.
//!
//! Without Chromium this test fails, unless `HELIOS_NO_BROWSER=1` skips it.

#[path = "support/target.rs"]
mod target;
use std::time::Duration;

use anyhow::{Result, ensure};
use helios_conform::{Options, Profile, REFERENCE_PROFILE, Verdict, run};
use helios_test_support::browser::{self, Browser, Launch, Page, Window};
use helios_test_support::helios_device::faults::{Fault, Faults};
use helios_test_support::{Reference, helios_device};

const WAIT: Duration = Duration::from_secs(20);
const DESCRIBE: &str = "document.body?.innerText.slice(0, 300)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_shows_every_case_and_filters_the_failures() {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let mut device = helios_device::Profile::default_profile();
    device.faults = Faults::NONE.with(Fault::MonitoringControls);
    let reference = Reference::start(device).await;
    let target = target::target(&reference);
    let profile = Profile::parse(REFERENCE_PROFILE).expect("the reference profile");
    let options = Options {
        only: Some("switch_".into()),
        ..Options::default()
    };
    let result = run(&profile, &target, &options).await;
    reference.stop().await;
    let failed: Vec<&str> = result
        .outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Fail(_)))
        .map(|o| o.id.as_str())
        .collect();
    assert!(!failed.is_empty(), "the fault fails a case");

    let dir = std::env::temp_dir().join(format!("helios-report-{}", std::process::id()));
    let verdicts: Vec<Verdict> = result.outcomes.iter().map(|o| o.verdict.clone()).collect();
    let code = helios_conform::exit_code(&verdicts);
    helios_conform::report::write(&result, &dir, &target, REFERENCE_PROFILE, code)
        .expect("the reports");
    let url = format!("file://{}", dir.join("report.html").display());
    let outcome = drive(&chromium, &url, result.outcomes.len(), &failed).await;
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(error) = outcome {
        panic!("{error:#}");
    }
}

async fn drive(chromium: &std::path::Path, url: &str, cases: usize, failed: &[&str]) -> Result<()> {
    let browser = Browser::launch(Launch::new(chromium)).await?;
    let page = browser.open(url).await?;
    let checks = async {
        page.wait_for(
            "document.querySelectorAll('#cases tr.case').length > 0",
            WAIT,
            DESCRIBE,
        )
        .await?;
        let rows: usize = page
            .eval("document.querySelectorAll('#cases tr.case').length")
            .await?;
        ensure!(rows == cases, "{rows} rows for {cases} cases");
        let overall: String = page
            .eval("document.getElementById('overall').textContent")
            .await?;
        ensure!(overall.starts_with("FAIL"), "overall: {overall}");
        let loaded: usize = page
            .eval("performance.getEntriesByType('resource').length")
            .await?;
        ensure!(loaded == 0, "the page loaded {loaded} resources");

        traceability(&page).await?;
        page.click("#filters button[data-filter='fail']").await?;
        let shown: Vec<String> = page
            .eval("[...document.querySelectorAll('#cases tr.case:not(.hidden)')].map((r) => r.dataset.id)")
            .await?;
        ensure!(
            shown == failed,
            "the fail filter shows {shown:?}, not {failed:?}"
        );
        let detail: String = page
            .eval("document.querySelector('#cases tr.case:not(.hidden) details').innerText")
            .await?;
        ensure!(detail.contains("curl"), "the failure's detail: {detail}");

        page.click("#filters button[data-filter='all']").await?;
        page.fill("#search", "switch_status").await?;
        let searched: Vec<String> = page
            .eval("[...document.querySelectorAll('#cases tr.case:not(.hidden)')].map((r) => r.dataset.id)")
            .await?;
        ensure!(
            !searched.is_empty() && searched.iter().all(|id| id.contains("switch_status")),
            "the search shows {searched:?}"
        );
        // On a phone the case table may scroll sideways, but the header and summary fit.
        page.set_window(Window::PHONE).await?;
        let wide: Vec<String> = page
            .eval("[...document.querySelectorAll('header, #summary')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.id || e.tagName)")
            .await?;
        ensure!(wide.is_empty(), "wider than a phone: {wide:?}");
        Ok(())
    };
    let outcome = checks.await;
    browser.close().await?;
    outcome
}

/// The traceability view: a row per requirement, chapter counts that add up to the rows, a
/// failed requirement (the fault fails cases), the filter by chapter, and a link from a
/// requirement to a case that cites it back.
async fn traceability(page: &Page) -> Result<()> {
    let register = helios_spec::requirements::requirements().len();
    let rows: usize = page
        .eval("document.querySelectorAll('#requirements tr.req').length")
        .await?;
    ensure!(rows == register, "{rows} requirement rows for {register}");
    let counted: usize = page
        .eval("[...document.querySelectorAll('#chapters tbody td.n')].filter((td) => !td.textContent.includes('%') && td.textContent !== '-').reduce((sum, td) => sum + Number(td.textContent), 0)")
        .await?;
    ensure!(
        counted == register,
        "the chapters count {counted} of {register}"
    );
    let failed: usize = page
        .eval("document.querySelectorAll('#requirements tr.req[data-status=failed]').length")
        .await?;
    ensure!(failed > 0, "no requirement failed");
    let coverage: String = page
        .eval("document.getElementById('coverage').innerText")
        .await?;
    ensure!(coverage.contains('%'), "the coverage: {coverage}");

    page.click("#chapter-filters button[data-chapter='3']")
        .await?;
    let chapters: Vec<String> = page
        .eval("[...document.querySelectorAll('#requirements tr.req:not(.hidden)')].map((r) => r.dataset.chapter)")
        .await?;
    let in_three: usize = page
        .eval("[...document.querySelectorAll('#chapters tr[data-chapter=\"3\"] td.n')].slice(0, -1).reduce((sum, td) => sum + Number(td.textContent), 0)")
        .await?;
    ensure!(
        chapters.len() == in_three && chapters.iter().all(|c| c == "3"),
        "the filter by chapter 3 shows {chapters:?}, the chapter counts {in_three}"
    );
    page.click("#chapter-filters button[data-chapter='all']")
        .await?;

    // A failed requirement whose cases are listed openly links to each of them.
    let requirement: String = page
        .eval("[...document.querySelectorAll('#requirements tr.req[data-status=failed]')].find((r) => r.querySelector('td.cited > a')).id")
        .await?;
    page.click(&format!("tr.req[id='{requirement}'] td.cited > a"))
        .await?;
    let hash: String = page.eval("decodeURIComponent(location.hash)").await?;
    ensure!(hash.starts_with("#case-"), "the link went to {hash}");
    let back: Vec<String> = page
        .eval(&format!(
            "[...document.getElementById({:?}).querySelectorAll('td.cites a')].map((a) => decodeURIComponent(a.hash))",
            &hash[1..]
        ))
        .await?;
    ensure!(
        back.contains(&format!("#{requirement}")),
        "the case {hash} cites {back:?}, not {requirement}"
    );
    // The case, which sent a request, links to its exchanges in the evidence folder.
    let evidence: String = page
        .eval(&format!(
            "document.getElementById({:?}).querySelector('a.evidence').getAttribute('href')",
            &hash[1..]
        ))
        .await?;
    ensure!(
        evidence.starts_with("evidence/exchanges/"),
        "the case's evidence: {evidence}"
    );
    Ok(())
}
