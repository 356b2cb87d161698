//! The report in a real browser: headless Chromium opens `report.html` from
//! the tiny fixture with no network, must log no console error and no failed
//! request, takes a screenshot (kept in target/test-scratch for a human to
//! look at) and prints to PDF, where every product starts its own page and
//! every page carries the month, `as_of` and the config hash.
//!
//! `.ci/run` installs Chromium and poppler-utils; elsewhere the test says
//! it was skipped when they are missing, and fails under CI.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn tool(name: &str) -> bool {
    Command::new("which").arg(name).output().is_ok_and(|o| o.status.success())
}

fn chromium(args: &[&str], page: &Path) -> String {
    let profile = scratch("report-browser-profile");
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--no-first-run", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", stderr(&out));
    stderr(&out)
}

fn pdf_page(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let out = Command::new("pdftotext").args(["-f", &p, "-l", &p, "-layout"]).arg(pdf).arg("-").output().unwrap();
    stdout(&out)
}

#[test]
fn the_report_opens_and_prints_one_page_per_product() {
    if !(tool("chromium") && tool("pdfinfo")) {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium and poppler-utils (see .ci/run)");
        eprintln!("skipped: chromium or poppler-utils is not installed");
        return;
    }
    let dir = scratch("report-browser");
    let out = dir.join("out");
    let o = jauge(&["run", "--config", tiny_config().to_str().unwrap(), "--out", out.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    let html = out.join("report.html");

    let log = chromium(
        &[&format!("--screenshot={}", dir.join("screenshot.png").display()), "--window-size=1240,1754"],
        &html,
    );
    let problems: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("net::ERR") || l.contains("Failed to load"))
        .collect();
    assert!(problems.is_empty(), "browser errors: {problems:#?}");
    assert!(dir.join("screenshot.png").metadata().unwrap().len() > 10_000, "an empty screenshot");

    let pdf = dir.join("report.pdf");
    chromium(&["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())], &html);
    let info = stdout(&Command::new("pdfinfo").arg(&pdf).output().unwrap());
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    let texts: Vec<String> = (1..=pages).map(|p| pdf_page(&pdf, p)).collect();
    // The fixture's two products, each heading its own page.
    for heading in ["3.1 Alpha", "3.2 Beta"] {
        let starts = texts
            .iter()
            .filter(|t| t.lines().filter(|l| !l.trim().is_empty()).nth(1).is_some_and(|l| l.trim() == heading));
        assert_eq!(starts.count(), 1, "{heading} does not start exactly one page");
    }
    assert!(pages >= 2 + 2 + 2, "summary, impact, two products, quality and method: {pages} pages");
    let config_hash = jauge::config::sha256_hex(&std::fs::read(tiny_config()).unwrap());
    for (i, text) in texts.iter().enumerate() {
        assert!(text.contains("Oct 2026") && text.contains("data as of 31 Oct 2026"), "page {} lacks the month", i + 1);
        assert!(text.contains(&config_hash[..12]), "page {} lacks the config hash", i + 1);
    }
}
