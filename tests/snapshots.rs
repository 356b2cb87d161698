//! Snapshots (insta) of what a reader sees, on the tiny fixture: the
//! command-line listings, the report's outline in both languages, its
//! tables as text, every chart's SVG, and `alpha`'s public page and
//! `stats.json`. A change to any of them shows up as a reviewed diff
//! (`cargo insta review`, or `INSTA_UPDATE=always`).

mod common;

use common::*;

fn run_tiny(name: &str, lang: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    copy_dir(&root().join("datasets/fixtures/tiny"), &dir);
    let config = std::fs::read_to_string(dir.join("jauge.toml"))
        .unwrap()
        .replace("lang = \"en\"", &format!("lang = \"{lang}\""));
    std::fs::write(dir.join("jauge.toml"), config).unwrap();
    let o = jauge(&["run", "--config", "jauge.toml", "--out", "out"], &dir);
    assert!(o.status.success(), "{}", stderr(&o));
    dir.join("out")
}

/// The headings and table captions of the HTML, in order.
fn outline(html: &str) -> String {
    let mut out = String::new();
    for part in html.split('<').skip(1) {
        let (tag, rest) = part.split_once('>').unwrap_or((part, ""));
        let name = tag.split_whitespace().next().unwrap_or("");
        if matches!(name, "h1" | "h2" | "h3" | "caption" | "th") {
            out.push_str(&format!("{name}: {}\n", rest.trim()));
        }
    }
    out
}

#[test]
fn kpis_listing() {
    let o = jauge(&["kpis"], &root());
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn validate_listing() {
    let o = jauge(&["validate", "--config", "datasets/fixtures/tiny/jauge.toml"], &root());
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn report_outline_in_english_and_french() {
    for lang in ["en", "fr"] {
        let out = run_tiny(&format!("snapshot-outline-{lang}"), lang);
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        insta::assert_snapshot!(format!("outline_{lang}"), outline(&html));
    }
}

#[test]
fn report_markdown() {
    let out = run_tiny("snapshot-markdown", "en");
    insta::assert_snapshot!(std::fs::read_to_string(out.join("report.md")).unwrap());
}

#[test]
fn every_chart_svg() {
    let out = run_tiny("snapshot-charts", "en");
    let mut names: Vec<_> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    names.sort();
    assert!(names.len() >= 7, "{names:?}");
    for name in names {
        let svg = std::fs::read_to_string(out.join("charts").join(&name)).unwrap();
        insta::assert_snapshot!(name.trim_end_matches(".svg").to_owned(), svg);
    }
}

#[test]
fn public_pages() {
    let out = run_tiny("snapshot-public", "en");
    let read = |file: &str| std::fs::read_to_string(out.join("public").join(file)).unwrap();
    insta::assert_snapshot!("public_alpha_stats", read("alpha/stats.json"));
    insta::assert_snapshot!("public_alpha_outline", outline(&read("alpha/index.html")));
    insta::assert_snapshot!("public_index_outline", outline(&read("index.html")));
}
