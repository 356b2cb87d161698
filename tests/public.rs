//! The public statistics pages of the demo end to end: every figure of
//! every `stats.json` is the protected tables' own (segment `all`) and no
//! count lies between 1 and `k − 1`; every number printed on a page is one
//! of those figures (or a date, or a digit of the fixed wording); the pages
//! open in headless Chromium without a network request or a console
//! message and fit a 390 px phone and a 1280 px desktop without horizontal
//! scrolling (screenshots kept in target/test-scratch/public-browser for a
//! human to look at); two runs give the same bytes.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::browser::{chromium, problems, tools_or_skip};
use common::*;
use jauge::format::{self, Lang};
use jauge::report::i18n;
use polars::prelude::*;
use serde_json::Value;

fn run_demo(name: &str) -> PathBuf {
    let out = scratch(name).join("2026-10");
    let config = root().join("jauge.toml");
    let o = jauge(&["run", "--quiet", "--config", config.to_str().unwrap(), "--out", out.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

/// One demo run shared by the tests of this file.
fn demo() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| run_demo("public-demo"))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every product folder of `public/`, sorted.
fn product_folders(out: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(out.join("public")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs
}

/// A parquet cell as JSON: dates as `YYYY-MM-DD`, floats parsed back from
/// their own JSON text (serde_json's default parser is not correctly
/// rounded, so a figure is compared with the value its text parses to).
fn cell(v: AnyValue) -> Value {
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(b),
        AnyValue::String(s) => Value::String(s.to_owned()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Date(d) => Value::String(jauge::tz::format_day(d)),
        AnyValue::Int32(n) => Value::from(n),
        AnyValue::UInt64(n) => Value::from(n),
        AnyValue::Float64(x) => serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap(),
        other => panic!("unexpected cell {other:?}"),
    }
}

type Row = BTreeMap<String, Value>;

/// The rows of a table with segment `all` (tables without a segment: all rows).
fn rows_of_all(out: &Path, file: &str) -> Vec<Row> {
    let df = read_parquet(&out.join(file));
    (0..df.height())
        .map(|i| df.columns().iter().map(|c| (c.name().to_string(), cell(c.get(i).unwrap()))).collect::<Row>())
        .filter(|r| r.get("segment").is_none_or(|s| s == "all"))
        .collect()
}

/// The same number, or both null (a count written as an integer matches
/// the table's float).
fn same(json: &Value, table: &Value) -> bool {
    json.as_f64() == table.as_f64()
}

/// Whether an object's keys are exactly `expected` (serde_json's map sorts
/// them; the unit tests check their order in the file).
fn has_keys(v: &Value, expected: &[&str]) -> bool {
    let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys == expected.iter().copied().collect()
}

struct Tables {
    k: u64,
    kpis: BTreeMap<(String, String, String), Row>,
    outcomes: Vec<Row>,
    impact: Vec<Row>,
}

impl Tables {
    fn read(out: &Path) -> Tables {
        let manifest = read_json(&out.join("manifest.json"));
        let kpis = rows_of_all(out, "kpis.parquet")
            .into_iter()
            .map(|r| {
                let text = |c: &str| r[c].as_str().unwrap().to_owned();
                ((text("project_id"), text("month")[..7].to_owned(), text("kpi")), r)
            })
            .collect();
        Tables {
            k: manifest["settings"]["min_cell"].as_u64().unwrap(),
            kpis,
            outcomes: rows_of_all(out, "outcomes.parquet"),
            impact: rows_of_all(out, "impact.parquet"),
        }
    }

    fn kpi(&self, project: &str, month: &str, kpi: &str) -> &Row {
        self.kpis.get(&(project.into(), month.into(), kpi.into())).unwrap_or_else(|| panic!("{project} {month} {kpi}"))
    }

    /// The latest complete cohort of `all` for an outcome and window.
    fn latest_outcome(&self, project: &str, outcome: &str, window: i64) -> Option<&Row> {
        self.outcomes
            .iter()
            .filter(|r| r["project_id"] == project && r["outcome"] == outcome && r["window_days"] == window)
            .filter(|r| r["complete"] == true)
            .max_by_key(|r| r["cohort_month"].as_str().unwrap().to_owned())
    }

    fn count_ok(&self, v: &Value) -> bool {
        v.as_u64().is_none_or(|n| n == 0 || n >= self.k)
    }
}

/// Checks one `stats.json` against the tables, figure by figure; its keys
/// are exactly these, so no figure goes unchecked.
fn check_stats(t: &Tables, s: &Value) {
    let project = s["project_id"].as_str().unwrap();
    assert!(
        has_keys(s, &["project_id", "name", "month", "as_of", "north_star", "monthly", "outcome", "impact"]),
        "{project}: {s}"
    );
    let ns = &s["north_star"];
    assert!(has_keys(ns, &["kpi", "value", "target", "direction", "status"]), "{project}: {ns}");
    if let Some(code) = ns["kpi"].as_str() {
        let published = match code.strip_prefix("outcome_rate:").and_then(|r| r.rsplit_once(':')) {
            Some((outcome, window)) => {
                t.latest_outcome(project, outcome, window.parse().unwrap()).map_or(Value::Null, |r| r["rate"].clone())
            }
            None => t.kpi(project, s["month"].as_str().unwrap(), code)["value"].clone(),
        };
        assert!(same(&ns["value"], &published), "{project} north star {} vs {published}", ns["value"]);
        assert!(ns["target"].is_number(), "{project}: a target from the config");
    } else {
        assert!(ns["value"].is_null() && ns["target"].is_null(), "{project}");
        assert_eq!(ns["status"], "not_set");
    }
    for m in s["monthly"].as_array().unwrap() {
        assert!(has_keys(m, &["month", "active_users", "new_users"]), "{project}: {m}");
        let month = m["month"].as_str().unwrap();
        for kpi in ["active_users", "new_users"] {
            let row = t.kpi(project, month, kpi);
            assert!(same(&m[kpi], &row["value"]), "{project} {month} {kpi}: {} vs {}", m[kpi], row["value"]);
            assert!(m[kpi].is_null() == (row["suppressed"] == true), "{project} {month} {kpi}: null iff suppressed");
            assert!(t.count_ok(&m[kpi]), "{project} {month} {kpi}: {} is below k", m[kpi]);
        }
    }
    if !s["outcome"].is_null() {
        let o = &s["outcome"];
        let keys_o = ["outcome", "window_days", "cohort_month", "users", "rate", "ci_low", "ci_high", "evidence_level"];
        assert!(has_keys(o, &keys_o), "{project}: {o}");
        let row = t.latest_outcome(project, o["outcome"].as_str().unwrap(), o["window_days"].as_i64().unwrap());
        let row = row.unwrap_or_else(|| panic!("{project}: no complete cohort"));
        assert_eq!(row["cohort_month"].as_str().unwrap()[..7], *o["cohort_month"].as_str().unwrap(), "{project}");
        for (key, column) in [("users", "users"), ("rate", "rate"), ("ci_low", "ci_low"), ("ci_high", "ci_high")] {
            assert!(same(&o[key], &row[column]), "{project} outcome {key}: {} vs {}", o[key], row[column]);
        }
        assert!(t.count_ok(&o["users"]), "{project}: cohort size below k");
        assert_eq!(o["evidence_level"], 1);
    }
    let primary = t.impact.iter().find(|r| r["project_id"] == project && r["primary"] == true);
    assert_eq!(s["impact"].is_null(), primary.is_none(), "{project}: an impact block iff a primary row");
    if let Some(row) = primary {
        let i = &s["impact"];
        let keys_i = ["outcome", "window_days", "difference", "seq_ci_low", "seq_ci_high", "verdict", "evidence_level"];
        assert!(has_keys(i, &keys_i), "{project}: {i}");
        assert_eq!((&i["outcome"], &i["window_days"]), (&row["outcome"], &row["window_days"]));
        for key in ["difference", "seq_ci_low", "seq_ci_high"] {
            assert!(same(&i[key], &row[key]), "{project} impact {key}: {} vs {}", i[key], row[key]);
        }
        assert_eq!(i["verdict"].is_null(), row["suppressed"] == true, "{project}: a hidden row has no verdict");
        assert_eq!(i["evidence_level"], 5);
    }
}

#[test]
fn every_figure_of_stats_json_is_a_protected_one() {
    let out = demo();
    let t = Tables::read(out);
    let folders = product_folders(out);
    let manifest = read_json(&out.join("manifest.json"));
    let catalog = manifest["totals"]["projects"]["accepted"].as_u64().unwrap();
    assert_eq!(folders.len() as u64, catalog, "one folder per product of the catalog");
    let mut hidden = 0;
    for folder in &folders {
        let s = read_json(&folder.join("stats.json"));
        // The demo's ids are already safe: each folder is named by its id.
        assert_eq!(s["project_id"], folder.file_name().unwrap().to_str().unwrap());
        check_stats(&t, &s);
        hidden += s["monthly"].as_array().unwrap().iter().filter(|m| m["new_users"].is_null()).count();
    }
    assert!(hidden > 10, "the demo hides small monthly counts ({hidden})");
    let public = manifest["outputs"].as_array().unwrap().iter().find(|o| o["file"] == "public/").expect("listed");
    assert_eq!(public["rows"], 1 + 2 * folders.len(), "the manifest counts the files of public/");
}

/// The text a reader sees: no CSS, no tag, entities decoded.
fn visible_text(html: &str) -> String {
    let without_style = match (html.find("<style>"), html.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &html[..a], &html[b..]),
        _ => html.to_owned(),
    };
    let mut text = String::new();
    let mut in_tag = false;
    for c in without_style.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")]
        .iter()
        .fold(text, |acc, (entity, c)| acc.replace(entity, c))
}

/// Runs of digits, with the grouping and decimal marks inside them.
fn numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || ([',', '.', '\u{202F}'].contains(&chars[i]) && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            i += 1;
        }
        out.push(chars[start..i].iter().collect());
    }
    out
}

fn numeric_leaves(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Number(n) => out.push(n.as_f64().unwrap()),
        Value::Array(items) => items.iter().for_each(|x| numeric_leaves(x, out)),
        Value::Object(map) => map.values().for_each(|x| numeric_leaves(x, out)),
        _ => {}
    }
}

/// Every way a page writes a figure of these `stats.json` (counts, units,
/// percents and points, without their sign), plus `k`.
fn allowed(lang: Lang, stats: &[&Value], k: u64) -> BTreeSet<String> {
    let mut figures = vec![k as f64];
    for s in stats {
        numeric_leaves(s, &mut figures);
        // The window of an `outcome_rate:<outcome>:<window>` north star.
        if let Some((_, w)) = s["north_star"]["kpi"].as_str().and_then(|c| c.rsplit_once(':')) {
            figures.push(w.parse().unwrap());
        }
    }
    let mut out = BTreeSet::new();
    for x in figures.into_iter().map(f64::abs) {
        if x.fract() == 0.0 {
            out.insert(format::count(lang, x as u64));
        }
        for (value, decimals) in [(x, 0), (x, 1), (x * 100.0, 1)] {
            out.insert(format::number(lang, value, decimals));
        }
    }
    out
}

/// The day number of `YYYY-MM` (its 1st) or `YYYY-MM-DD`.
fn day_of(iso: &str) -> i32 {
    let parts: Vec<u32> = iso.split('-').map(|p| p.parse().unwrap()).collect();
    jauge::tz::days_from_civil(parts[0] as i32, parts[1], parts.get(2).copied().unwrap_or(1))
}

/// The page's text less its dates, the names and ids of the data, and the
/// fragments of the fixed wording that hold a digit ("13 mois", "95 %").
fn figures_text(lang: Lang, html: &str, stats: &[&Value]) -> String {
    let mut text = visible_text(html);
    let mut remove: Vec<String> = Vec::new();
    for s in stats {
        remove.push(format::date(lang, day_of(s["as_of"].as_str().unwrap())));
        let months = s["monthly"].as_array().unwrap().iter().map(|m| m["month"].as_str().unwrap().to_owned());
        let cohort = s["outcome"]["cohort_month"].as_str().map(str::to_owned);
        for m in months.chain(cohort) {
            remove.push(format::month(lang, day_of(&m)));
        }
        // The charts' axis: the 13 months up to the reporting month.
        let month = day_of(s["month"].as_str().unwrap());
        remove.extend((0..13).map(|i| format::month(lang, jauge::tz::add_months(month, -i))));
        for key in ["project_id", "name"] {
            remove.push(s[key].as_str().unwrap().to_owned());
        }
    }
    let wording = serde_json::to_value(i18n::public_labels(lang)).unwrap();
    for label in wording.as_object().unwrap().values().filter_map(Value::as_str) {
        let fragments = label.split(['{', '}']).enumerate().filter(|(i, _)| i % 2 == 0).map(|(_, f)| f);
        remove.extend(fragments.filter(|f| f.chars().any(|c| c.is_ascii_digit())).map(str::to_owned));
    }
    remove.sort_by_key(|r| std::cmp::Reverse(r.len()));
    for r in remove.iter().filter(|r| !r.is_empty()) {
        text = text.replace(r.as_str(), " ");
    }
    text
}

#[test]
fn every_number_on_a_page_is_a_figure_of_its_stats_json() {
    let out = demo();
    let t = Tables::read(out);
    let manifest = read_json(&out.join("manifest.json"));
    let lang = if manifest["settings"]["lang"] == "en" { Lang::En } else { Lang::Fr };
    let folders = product_folders(out);
    let all: Vec<Value> = folders.iter().map(|f| read_json(&f.join("stats.json"))).collect();
    let mut pages: Vec<(PathBuf, Vec<&Value>)> =
        folders.iter().zip(&all).map(|(f, s)| (f.join("index.html"), vec![s])).collect();
    pages.push((out.join("public/index.html"), all.iter().collect()));
    let mut seen = 0;
    for (page, stats) in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        let allowed = allowed(lang, stats, t.k);
        let text = figures_text(lang, &html, stats);
        for n in numbers(&text) {
            assert!(allowed.contains(&n), "{}: {n:?} is not a figure of its stats.json", page.display());
            seen += 1;
        }
    }
    assert!(seen > 1000, "the scan read the figures ({seen})");
}

/// Which URLs a page asked the network for, from Chromium's net log: the
/// requests whose top frame is a `file://` page (the browser's own traffic
/// has another isolation key).
fn page_requests(netlog: &Path) -> Vec<String> {
    let log = read_json(netlog);
    let start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == start)
        .filter(|e| e["params"]["network_isolation_key"].as_str().is_some_and(|k| k.starts_with("file://")))
        .map(|e| e["params"]["url"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A page holding every public page side by side in frames `width` px
/// wide; once loaded it lists, per page, its `scrollWidth` and
/// `innerWidth` in `<pre id="widths">`.
fn probe(dir: &Path, width: u32, pages: &[PathBuf]) -> PathBuf {
    let frames: String = pages
        .iter()
        .map(|p| {
            format!(
                "<iframe src=\"file://{}\" style=\"display:block;border:0;width:{width}px;height:12000px\"></iframe>\n",
                p.display()
            )
        })
        .collect();
    let script = "addEventListener('load', () => { document.getElementById('widths').textContent = \
                  [...document.querySelectorAll('iframe')].map(f => f.getAttribute('src') + ' ' + \
                  f.contentDocument.documentElement.scrollWidth + ' ' + f.contentWindow.innerWidth).join('\\n'); });";
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0\">\n{frames}<pre id=\"widths\"></pre><script>{script}</script></body></html>\n"
    );
    let path = dir.join(format!("probe-{width}.html"));
    std::fs::write(&path, html).unwrap();
    path
}

/// A screenshot of `page` at `width`: through a frame of that width, since
/// headless Chromium lays out no window narrower than 500 px.
fn screenshot(dir: &Path, page: &Path, width: u32, name: &str) -> PathBuf {
    let frame = dir.join(format!("shot-{name}-{width}.html"));
    let html = format!(
        "<!DOCTYPE html><html><body style=\"margin:0\"><iframe src=\"file://{}\" style=\"display:block;border:0;width:{width}px;height:1600px\"></iframe></body></html>\n",
        page.display()
    );
    std::fs::write(&frame, html).unwrap();
    let png = dir.join(format!("{name}-{width}.png"));
    let size = format!("--window-size={width},1600");
    chromium(
        "public-shot",
        &["--allow-file-access-from-files", &size, &format!("--screenshot={}", png.display())],
        &frame,
    );
    assert!(png.metadata().unwrap().len() > 10_000, "{}: an empty screenshot", png.display());
    png
}

#[test]
fn the_pages_open_without_request_or_message_and_fit_a_phone_and_a_desktop() {
    if !tools_or_skip(&["chromium"]) {
        return;
    }
    let out = demo();
    let dir = scratch("public-browser");
    // The detector finds a request when there is one.
    let bad = dir.join("bad.html");
    std::fs::write(&bad, "<!DOCTYPE html><p><img src=\"http://example.invalid/x.png\" alt=\"\"></p>").unwrap();
    let netlog = dir.join("net-bad.json");
    chromium("public-bad", &[&format!("--log-net-log={}", netlog.display()), "--dump-dom"], &bad);
    assert_eq!(page_requests(&netlog), ["http://example.invalid/x.png"]);

    let mut pages = vec![out.join("public/index.html")];
    pages.extend(product_folders(out).iter().map(|f| f.join("index.html")));
    for width in [390, 1280] {
        let netlog = dir.join(format!("net-{width}.json"));
        let args = [
            "--allow-file-access-from-files",
            &format!("--log-net-log={}", netlog.display()),
            "--window-size=1280,1600",
            "--dump-dom",
        ];
        let (dom, log) = chromium("public-probe", &args, &probe(&dir, width, &pages));
        assert!(problems(&log).is_empty(), "browser messages at {width} px: {:#?}", problems(&log));
        assert!(page_requests(&netlog).is_empty(), "network requests: {:?}", page_requests(&netlog));
        let widths =
            dom.split_once("<pre id=\"widths\">").and_then(|(_, w)| w.split_once("</pre>")).expect("the probe ran").0;
        let lines: Vec<&str> = widths.lines().collect();
        assert_eq!(lines.len(), pages.len(), "one line per page: {widths}");
        for line in lines {
            let fields: Vec<&str> = line.rsplitn(3, ' ').collect();
            let (scroll, inner): (u32, u32) = (fields[1].parse().unwrap(), fields[0].parse().unwrap());
            assert_eq!(inner, width, "{line}");
            assert!(scroll <= inner, "{}: {scroll} px wide in a {inner} px window", fields[2]);
        }
    }
    for (page, name) in
        [("index.html", "index"), ("competences-validees/index.html", "trial"), ("agenda-conseil/index.html", "masked")]
    {
        for width in [390, 1280] {
            screenshot(&dir, &out.join("public").join(page), width, name);
        }
    }
}

/// Every file under `dir`, relative, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir).into_iter().map(|f| (f.clone(), std::fs::read(dir.join(f)).unwrap())).collect()
}

#[test]
fn a_second_run_writes_the_same_public_bytes() {
    let a = tree(&demo().join("public"));
    let b = tree(&run_demo("public-demo-again").join("public"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (file, bytes) in &a {
        assert!(bytes == &b[file], "{} differs", file.display());
    }
}
