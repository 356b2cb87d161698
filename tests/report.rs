//! The report in a real browser, on the demo in both languages: headless
//! Chromium opens `report.html` with no network and must log no console
//! error and no failed request; printed to PDF it holds at most 20 A4
//! pages and weighs under 3 MB (SPEC section 7), every page carries the
//! month, `as_of` and the config hash, every product page starts a page
//! and fits on it, and nothing is wider than the page (Chromium would
//! shrink every page to fit it, and type would fall under 8 pt).
//!
//! The heights are measured in the browser itself: a copy of the report
//! with its print rules applied on screen, at the printed width, and a
//! script that writes each product page's height into the page, read back
//! with `--dump-dom`. The page count, the PDF's weight and the print time
//! are printed (`--nocapture`) for the record; the screenshot and the PDF
//! stay in target/test-scratch for a human to look at.
//!
//! `.ci/run` installs Chromium and poppler-utils; elsewhere the test says
//! it was skipped when they are missing, and fails under CI.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::browser::{chromium, problems, tools_or_skip};
use common::*;

/// A4's printable area under the report's `@page` margins, in mm.
const PAGE_WIDTH_MM: f64 = 190.0;
const PAGE_HEIGHT_MM: f64 = 274.0;

fn pdf_page(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let out = Command::new("pdftotext").args(["-f", &p, "-l", &p, "-layout"]).arg(pdf).arg("-").output().unwrap();
    stdout(&out)
}

/// The demo config in `lang`, its paths pointing at the shipped demo.
fn demo_config(dir: &Path, lang: &str) -> std::path::PathBuf {
    let demo = root().join("datasets/demo");
    let text = std::fs::read_to_string(demo.join("jauge.toml"))
        .unwrap()
        .replace("lang = \"fr\"", &format!("lang = \"{lang}\""));
    let text = ["projects", "usage", "outcomes", "assignments", "users", "rollouts"]
        .iter()
        .fold(text, |t, input| t.replacen(&format!("{input} = \""), &format!("{input} = \"{}/", demo.display()), 1));
    let path = dir.join("jauge.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The report with its print rules on screen at the printed width, and a
/// script that writes, per section, `id height-mm` and every element wider
/// than the page.
fn measuring_copy(html: &str) -> String {
    let html = html.replace("@media print {", "@media all {");
    let script = format!(
        "<style>body {{ width: {PAGE_WIDTH_MM}mm !important; max-width: none !important; padding: 0 !important; }}</style>\
         <script>addEventListener('load', () => {{ const mm = px => px * 25.4 / 96; const out = [];\
         for (const s of document.querySelectorAll('section')) out.push('section ' + s.id + ' ' + s.className.replace(' ', '.') + ' ' + mm(s.getBoundingClientRect().height).toFixed(1));\
         for (const e of document.querySelectorAll('main *')) if (mm(e.getBoundingClientRect().width) > {PAGE_WIDTH_MM} + 0.5) out.push('wide ' + e.tagName + ' in ' + e.closest('section').id);\
         const pre = document.createElement('pre'); pre.id = 'measures'; pre.textContent = out.join('\\n'); document.body.appendChild(pre); }});</script>"
    );
    html.replace("</body>", &format!("{script}</body>"))
}

fn measures(dom: &str) -> Vec<String> {
    let start = dom.find("<pre id=\"measures\">").expect("the measuring script ran") + "<pre id=\"measures\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    dom[start..end].lines().map(str::to_owned).collect()
}

fn check_language(lang: &str) {
    let name = format!("report-browser-{lang}");
    let dir = scratch(&name);
    let out = dir.join("out");
    let config = demo_config(&dir, lang);
    let o = jauge(&["run", "--config", config.to_str().unwrap(), "--out", out.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    let html = out.join("report.html");

    let shot = dir.join("screenshot.png");
    let (_, log) = chromium(&name, &[&format!("--screenshot={}", shot.display()), "--window-size=1240,1754"], &html);
    assert!(problems(&log).is_empty(), "{lang}: browser errors: {:#?}", problems(&log));
    assert!(shot.metadata().unwrap().len() > 10_000, "an empty screenshot");

    let pdf = dir.join("report.pdf");
    let start = Instant::now();
    chromium(&name, &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())], &html);
    let seconds = start.elapsed().as_secs_f64();
    let info = stdout(&Command::new("pdfinfo").arg(&pdf).output().unwrap());
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    let bytes = pdf.metadata().unwrap().len();
    println!("{lang}: {pages} pages, {bytes} bytes of PDF, printed in {seconds:.1} s");
    assert!(pages <= 20, "{lang}: {pages} pages");
    assert!(bytes < 3_000_000, "{lang}: the PDF weighs {bytes} bytes");

    let config_hash = jauge::config::sha256_hex(&std::fs::read(&config).unwrap());
    let (month, as_of) = if lang == "fr" { ("oct. 2026", "31 oct. 2026") } else { ("Oct 2026", "31 Oct 2026") };
    let texts: Vec<String> = (1..=pages).map(|p| pdf_page(&pdf, p)).collect();
    for (i, text) in texts.iter().enumerate() {
        assert!(text.contains(month) && text.contains(as_of), "{lang}: page {} lacks the month", i + 1);
        assert!(text.contains(&config_hash[..12]), "{lang}: page {} lacks the config hash", i + 1);
    }
    let summary = if lang == "fr" { "1. Synthèse" } else { "1. Summary" };
    assert!(texts[0].contains(summary), "{lang}: the summary is the first page");

    let copy = dir.join("measuring.html");
    std::fs::write(&copy, measuring_copy(&std::fs::read_to_string(&html).unwrap())).unwrap();
    let (dom, _) = chromium(&name, &["--dump-dom"], &copy);
    let measures = measures(&dom);
    let wide: Vec<&String> = measures.iter().filter(|m| m.starts_with("wide")).collect();
    assert!(wide.is_empty(), "{lang}: wider than the page: {wide:?}");
    let products: Vec<(&str, f64)> = measures
        .iter()
        .filter_map(|m| {
            let parts: Vec<&str> = m.split(' ').collect();
            (parts.first() == Some(&"section") && parts[2] == "product.page")
                .then(|| (parts[1], parts[3].parse().unwrap()))
        })
        .collect();
    assert!(products.len() >= 5, "{lang}: {products:?}");
    for (id, height) in &products {
        assert!(*height <= PAGE_HEIGHT_MM, "{lang}: product page {id} is {height} mm, its page {PAGE_HEIGHT_MM} mm");
    }
    // Each product page, and its continuation if any, starts a printed page
    // under its heading (the line after the running head).
    let tops: Vec<&str> =
        texts.iter().filter_map(|t| t.lines().map(str::trim).filter(|l| !l.is_empty()).nth(1)).collect();
    for title in product_titles(&std::fs::read_to_string(&html).unwrap()) {
        assert!(tops.contains(&title.as_str()), "{lang}: {title} does not start a page");
    }
}

/// The headings of the product pages, unescaped.
fn product_titles(html: &str) -> Vec<String> {
    html.split("class=\"product page\">")
        .skip(1)
        .filter_map(|s| s.split("<h2>").nth(1)?.split("</h2>").next())
        .map(|t| t.replace("&#39;", "'").replace("&amp;", "&"))
        .collect()
}

#[test]
fn the_demo_report_prints_in_twenty_pages_and_three_megabytes() {
    if !tools_or_skip(&["chromium", "pdfinfo"]) {
        return;
    }
    for lang in ["fr", "en"] {
        check_language(lang);
    }
}
