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

use common::browser::{chromium, problems, tools_or_skip};
use common::*;

fn pdf_page(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let out = Command::new("pdftotext").args(["-f", &p, "-l", &p, "-layout"]).arg(pdf).arg("-").output().unwrap();
    stdout(&out)
}

#[test]
fn the_report_opens_and_prints_one_page_per_product() {
    if !tools_or_skip(&["chromium", "pdfinfo"]) {
        return;
    }
    let dir = scratch("report-browser");
    let out = dir.join("out");
    let o = jauge(&["run", "--config", tiny_config().to_str().unwrap(), "--out", out.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    let html = out.join("report.html");

    let (_, log) = chromium(
        "report-browser",
        &[&format!("--screenshot={}", dir.join("screenshot.png").display()), "--window-size=1240,1754"],
        &html,
    );
    assert!(problems(&log).is_empty(), "browser errors: {:#?}", problems(&log));
    assert!(dir.join("screenshot.png").metadata().unwrap().len() > 10_000, "an empty screenshot");

    let pdf = dir.join("report.pdf");
    chromium("report-browser", &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())], &html);
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
