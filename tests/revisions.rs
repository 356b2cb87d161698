//! Revisions end to end on the tiny fixture (SPEC section 8): a run cut on
//! 15 October compared with the whole month, an earlier run with other
//! suppression, the default earlier run beside `--out`, and a first run;
//! then the shipped demo, cut on the 15th then whole, and before and after
//! its late corrections arrive.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;

use common::*;
use polars::prelude::*;
use serde_json::Value;

fn run(args: &[&str], config: &Path, out: &Path) {
    let mut all = vec!["run", "--quiet", "--config", config.to_str().unwrap(), "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = jauge(&all, &root());
    assert!(o.status.success(), "{}", stderr(&o));
}

/// (key, column, status, previous, current) of one product's revisions.
type Revision = (String, String, String, Option<f64>, Option<f64>);

fn revisions(out: &Path, table: &str, project: &str) -> Vec<Revision> {
    let df = read_parquet(&out.join("revisions.parquet"));
    let text = |c: &str| df.column(c).unwrap().str().unwrap().clone();
    let float = |c: &str| df.column(c).unwrap().f64().unwrap().clone();
    let (tables, projects, keys, columns, statuses) =
        (text("table"), text("project_id"), text("key"), text("column"), text("status"));
    let (previous, current) = (float("previous"), float("current"));
    (0..df.height())
        .filter(|&i| tables.get(i) == Some(table) && projects.get(i) == Some(project))
        .map(|i| {
            let s = |c: &StringChunked| c.get(i).unwrap().to_owned();
            (s(&keys), s(&columns), s(&statuses), previous.get(i), current.get(i))
        })
        .collect()
}

fn manifest(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap()
}

/// By hand: cut on 15 October, alpha's October holds user 2's signup on
/// 5 October (1 event, 1 active and returning user, 1 user-day over 15
/// days); the whole month adds user 1's visit on 25 October (2 events, 2
/// active and returning users, 2 user-days over 31 days). New and
/// cumulative users do not change (both users arrived in September); the
/// cost per active user (120 000 € a year) halves.
#[test]
fn a_cut_month_then_the_whole_month() {
    let dir = scratch("revisions-cut");
    let (first, second) = (dir.join("first"), dir.join("second"));
    run(&["--as-of", "2026-10-15"], &tiny_config(), &first);
    run(&["--previous", first.to_str().unwrap()], &tiny_config(), &second);
    let october: Vec<(String, String, Option<f64>, Option<f64>)> = revisions(&second, "kpis", "alpha")
        .into_iter()
        .filter(|r| r.0.starts_with("month=2026-10-01;segment=all;"))
        .map(|(key, column, status, p, c)| {
            assert_eq!((column.as_str(), status.as_str()), ("value", "revised"));
            (key.trim_start_matches("month=2026-10-01;segment=all;kpi=").to_owned(), status, p, c)
        })
        .collect();
    let expected = [
        ("active_users", 1.0, 2.0),
        ("cost_per_active_user", 120_000.0 / 12.0, 120_000.0 / 12.0 / 2.0),
        ("dau_mean", 1.0 / 15.0, 2.0 / 31.0),
        ("events", 1.0, 2.0),
        ("returning_users", 1.0, 2.0),
        ("stickiness", 1.0 / 15.0, 1.0 / 31.0),
    ];
    assert_eq!(october.len(), expected.len(), "{october:?}");
    for ((kpi, _, previous, current), (name, p, c)) in october.iter().zip(expected) {
        assert_eq!(kpi, name);
        assert!((previous.unwrap() - p).abs() < 1e-15 && (current.unwrap() - c).abs() < 1e-15, "{kpi}");
    }
    let m = manifest(&second);
    assert_eq!(m["previous"]["as_of"], "2026-10-15");
    assert_eq!(m["previous"]["month"], "2026-10");
    let report = std::fs::read_to_string(second.join("report.md")).unwrap();
    assert!(report.contains("Compared with the run of Oct 2026 (data as of 15 Oct 2026)"), "the report says so");
}

/// An earlier run with `min_cell = 0` against one with `min_cell = 3`:
/// alpha's 2 active users of October are now hidden, and neither value is
/// shown.
#[test]
fn a_figure_hidden_since_shows_neither_value() {
    let dir = scratch("revisions-suppressed");
    let fixture = dir.join("fixture");
    copy_dir(&root().join("datasets/fixtures/tiny"), &fixture);
    let config = fixture.join("jauge.toml");
    let (first, second) = (dir.join("first"), dir.join("second"));
    run(&[], &config, &first);
    let text = std::fs::read_to_string(&config).unwrap().replace("min_cell = 0", "min_cell = 3");
    std::fs::write(&config, text).unwrap();
    run(&["--previous", first.to_str().unwrap()], &config, &second);
    let hidden = revisions(&second, "kpis", "alpha")
        .into_iter()
        .find(|r| r.0 == "month=2026-10-01;segment=all;kpi=active_users")
        .expect("a revision of alpha's October active users");
    assert_eq!((hidden.1.as_str(), hidden.2.as_str(), hidden.3, hidden.4), ("value", "now_suppressed", None, None));
}

#[test]
fn the_previous_month_beside_out_is_the_default() {
    let dir = scratch("revisions-default");
    run(&["--month", "2026-09"], &tiny_config(), &dir.join("2026-09"));
    run(&[], &tiny_config(), &dir.join("2026-10"));
    assert_eq!(manifest(&dir.join("2026-10"))["previous"]["month"], "2026-09");
}

#[test]
fn a_first_run_writes_an_empty_table_and_says_so() {
    let dir = scratch("revisions-first");
    let out = dir.join("out");
    run(&[], &tiny_config(), &out);
    let df = read_parquet(&out.join("revisions.parquet"));
    assert_eq!(df.height(), 0);
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names, ["table", "project_id", "key", "column", "previous", "current", "revision", "status"]);
    assert!(manifest(&out)["previous"].is_null());
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("No earlier run to compare with"));
}

#[test]
fn a_previous_folder_without_a_report_is_a_usage_error() {
    let dir = scratch("revisions-bad");
    let o = jauge(
        &[
            "run",
            "--config",
            tiny_config().to_str().unwrap(),
            "--out",
            dir.join("out").to_str().unwrap(),
            "--previous",
            dir.to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("holds no jauge report") && stderr(&o).contains("hint:"), "{}", stderr(&o));
}

// The shipped demo, run twice as an analyst would (SPEC section 8).

const STATUSES: [&str; 4] = ["revised", "now_suppressed", "no_longer_suppressed", "withdrawn"];
const PORTFOLIO: &str = "_portfolio";
/// The compared columns of each table, as SPEC section 8 lists them.
const COMPARED: [(&str, &[&str]); 6] = [
    ("kpis", &["value"]),
    ("retention", &["retained", "retention_rate"]),
    ("funnel", &["users"]),
    ("outcomes", &["with_outcome", "rate"]),
    ("impact", &["difference", "ci_low", "ci_high", "p_value"]),
    ("rollout", &["att", "se"]),
];

/// One row of `revisions.parquet`.
struct Row {
    table: String,
    project_id: String,
    key: String,
    column: String,
    status: String,
    previous: Option<f64>,
    current: Option<f64>,
    revision: Option<f64>,
}

fn rows(out: &Path) -> Vec<Row> {
    let df = read_parquet(&out.join("revisions.parquet"));
    let text = |c: &str| df.column(c).unwrap().str().unwrap().clone();
    let float = |c: &str| df.column(c).unwrap().f64().unwrap().clone();
    let (table, project, key, column, status) =
        (text("table"), text("project_id"), text("key"), text("column"), text("status"));
    let (previous, current, revision) = (float("previous"), float("current"), float("revision"));
    let s = |c: &StringChunked, i| c.get(i).unwrap().to_owned();
    (0..df.height())
        .map(|i| Row {
            table: s(&table, i),
            project_id: s(&project, i),
            key: s(&key, i),
            column: s(&column, i),
            status: s(&status, i),
            previous: previous.get(i),
            current: current.get(i),
            revision: revision.get(i),
        })
        .collect()
}

/// What holds for any pair of runs: SPEC tables, columns and statuses, both values null when
/// one side is hidden, `revision = current − previous`, and every key of a
/// table present in the earlier run (and in this one unless withdrawn).
fn check_rows(rows: &[Row], first: &Path, second: &Path) {
    let mut keys = BTreeMap::new();
    for r in rows {
        assert!(STATUSES.contains(&r.status.as_str()), "{}", r.status);
        let columns = COMPARED.iter().find(|(t, _)| *t == r.table).expect("a compared table").1;
        assert!(columns.contains(&r.column.as_str()), "{}: {}", r.table, r.column);
        match r.status.as_str() {
            "revised" => {
                let (p, c) = (r.previous.unwrap(), r.current.unwrap());
                assert!((c - p - r.revision.unwrap()).abs() <= 1e-9 * p.abs().max(c.abs()));
                assert!((c - p).abs() > 1e-12 * p.abs().max(c.abs()), "{} {}: equal", r.table, r.key);
            }
            "withdrawn" => assert!(r.current.is_none()),
            _ => assert_eq!((r.previous, r.current, r.revision), (None, None, None), "{} {}", r.table, r.key),
        }
        let table = keys.entry(r.table.clone()).or_insert_with(|| (key_set(first, r), key_set(second, r)));
        let key = format!("{}|{}", r.project_id, r.key);
        assert!(table.0.contains(&key), "{key} is not in the earlier run's {}", r.table);
        assert_eq!(table.1.contains(&key), r.status != "withdrawn", "{key} in this run's {}", r.table);
    }
}

/// Every `project_id|name=value;…` of a run's table, with the key columns
/// that the revision row `r` names, in its order.
fn key_set(out: &Path, r: &Row) -> BTreeSet<String> {
    let df = read_parquet(&out.join(format!("{}.parquet", r.table)));
    let names: Vec<&str> = r.key.split(';').map(|part| part.split_once('=').unwrap().0).collect();
    let text = |name: &str| df.column(name).unwrap().cast(&DataType::String).unwrap().str().unwrap().clone();
    let project = text("project_id");
    let columns: Vec<StringChunked> = names.iter().map(|n| text(n)).collect();
    (0..df.height())
        .map(|i| {
            let parts: Vec<String> =
                names.iter().zip(&columns).map(|(n, c)| format!("{n}={}", c.get(i).unwrap_or(""))).collect();
            format!("{}|{}", project.get(i).unwrap(), parts.join(";"))
        })
        .collect()
}

fn report_section(out: &Path) -> String {
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    let start = report.find("## 5. Révisions").expect("a Revisions section");
    let rest = &report[start + 3..];
    rest[..rest.find("\n## ").unwrap_or(rest.len())].to_owned()
}

/// The report's count of revised figures for each table holds what
/// `revisions.parquet` holds.
fn check_counts(section: &str, rows: &[Row]) {
    let mut revised: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.status == "revised") {
        *revised.entry(&r.table).or_default() += 1;
    }
    assert!(!revised.is_empty(), "some figure is revised");
    for (table, n) in revised {
        let line = section.lines().find(|l| l.starts_with(&format!("| {table} |"))).expect(table);
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(cells[2].replace(['\u{202f}', '\u{a0}', ' '], ""), n.to_string(), "{line}");
    }
}

/// Local day (days since 1970-01-01 in Europe/Paris) of a UTC instant in
/// µs, for September to November 2026: summer time (UTC+2) ends on 25
/// October 2026 at 01:00 UTC (EU Directive 2000/84/EC: the last Sunday of
/// October), then UTC+1.
fn paris_day(utc_us: i64) -> i64 {
    let end_of_summer = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap().and_hms_opt(1, 0, 0).unwrap();
    let offset = if utc_us < end_of_summer.and_utc().timestamp_micros() { 2 } else { 1 };
    (utc_us / 1_000_000 + offset * 3600).div_euclid(86_400)
}

fn epoch_day(y: i32, m: u32, d: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().signed_duration_since(NaiveDate::default()).num_days()
}

/// Per product, the users with an event on 1–15 October and on 1–31
/// October (Paris dates), counted from the demo's parquet usage files of
/// September and October (a UTC time late on 30 September is 1 October).
fn october_users() -> BTreeMap<String, (BTreeSet<i64>, BTreeSet<i64>)> {
    let (first, half, last) = (epoch_day(2026, 10, 1), epoch_day(2026, 10, 15), epoch_day(2026, 10, 31));
    let mut users: BTreeMap<String, (BTreeSet<i64>, BTreeSet<i64>)> = BTreeMap::new();
    for month in ["2026-09", "2026-10"] {
        let df = read_parquet(&root().join(format!("datasets/demo/usage/{month}.parquet")));
        let projects = df.column("project_id").unwrap().cast(&DataType::String).unwrap();
        let user = df.column("user_id").unwrap().i64().unwrap().clone();
        let at = df.column("occurred_at").unwrap().cast(&DataType::Int64).unwrap();
        let (projects, at) = (projects.str().unwrap(), at.i64().unwrap());
        for i in 0..df.height() {
            let day = paris_day(at.get(i).unwrap());
            if (first..=last).contains(&day) {
                let entry = users.entry(projects.get(i).unwrap().to_owned()).or_default();
                if day <= half {
                    entry.0.insert(user.get(i).unwrap());
                }
                entry.1.insert(user.get(i).unwrap());
            }
        }
    }
    users
}

/// The products named in `late-corrections.csv` (any row, trimmed).
fn late_products(csv: &str) -> BTreeSet<String> {
    csv.lines().skip(1).filter_map(|l| l.split(';').next()).map(|p| p.trim().to_owned()).collect()
}

/// The demo cut on 15 October, then the whole month: October's active users
/// of segment `all` grow wherever users came only after the 15th, by the
/// counts found in the usage files.
#[test]
fn the_demo_cut_on_the_15th_then_the_whole_month() {
    let dir = scratch("revisions-demo-cut");
    let (first, second) = (dir.join("first"), dir.join("second"));
    let config = root().join("jauge.toml");
    run(&["--as-of", "2026-10-15"], &config, &first);
    run(&["--previous", first.to_str().unwrap()], &config, &second);
    let rows = rows(&second);
    check_rows(&rows, &first, &second);

    // Products fed by the late file too are left out: its text timestamps
    // would need the engine's own parser to count.
    let late = std::fs::read_to_string(root().join("datasets/demo/usage/late-corrections.csv")).unwrap();
    let late = late_products(&late);
    let active: BTreeMap<&str, &Row> = rows
        .iter()
        .filter(|r| r.table == "kpis" && r.key == "month=2026-10-01;segment=all;kpi=active_users")
        .map(|r| (r.project_id.as_str(), r))
        .collect();
    let mut grown = 0;
    for (project, (half, whole)) in october_users().iter().filter(|(p, _)| !late.contains(*p)) {
        let (p, c) = (half.len() as f64, whole.len() as f64);
        match active.get(project.as_str()) {
            Some(r) if r.status == "revised" => {
                assert_eq!((r.previous, r.current), (Some(p), Some(c)), "{project}");
                grown += 1;
            }
            Some(r) => assert!(r.status.ends_with("suppressed") && p < c, "{project}: {}", r.status),
            // Unchanged, or hidden in both runs (min_cell = 10).
            None => assert!(p == c || c < 10.0 || p < 10.0, "{project}: {p} → {c} is not listed"),
        }
    }
    assert!(grown >= 10, "{grown} products with October's active users revised");

    let (m1, m2) = (manifest(&first), manifest(&second));
    for key in ["month", "as_of", "config_sha256", "version"] {
        assert_eq!(m2["previous"][key], m1[key], "{key}");
    }
    assert_eq!(m2["previous"]["as_of"], "2026-10-15");
    let section = report_section(&second);
    assert!(section.contains("(données au 15 oct. 2026)"), "{section}");
    check_counts(&section, &rows);
    assert!(section.contains("Les fichiers d’entrée sont les mêmes"), "the same files: {section}");
}

/// The same month before and after `late-corrections.csv` arrives: the
/// report lists it as added, and only products its accepted rows name (and
/// the portfolio, their sum) are revised.
#[test]
fn the_demo_before_and_after_its_late_corrections() {
    let dir = scratch("revisions-demo-late");
    let demo = dir.join("demo");
    copy_dir(&root().join("datasets/demo"), &demo);
    let late_file = demo.join("usage/late-corrections.csv");
    let late = std::fs::read_to_string(&late_file).unwrap();
    std::fs::remove_file(&late_file).unwrap();
    let (first, second) = (dir.join("first"), dir.join("second"));
    let config = demo.join("jauge.toml");
    run(&[], &config, &first);
    std::fs::write(&late_file, &late).unwrap();
    run(&["--previous", first.to_str().unwrap()], &config, &second);
    let rows = rows(&second);
    check_rows(&rows, &first, &second);

    let accepted = accepted_products(&demo, &late);
    assert!(!accepted.is_empty() && accepted.len() < late_products(&late).len(), "{accepted:?}");
    for r in &rows {
        assert!(
            accepted.contains(&r.project_id) || r.project_id == PORTFOLIO,
            "{} {} {}: {} is not in late-corrections.csv",
            r.table,
            r.key,
            r.status,
            r.project_id
        );
    }
    let section = report_section(&second);
    check_counts(&section, &rows);
    let added = section.lines().find(|l| l.contains("usage/late-corrections.csv")).expect("the added file");
    assert!(added.contains("ajouté"), "{added}");
}

/// The products of `late-corrections.csv`'s rows that are neither rejected
/// (lines from `jauge validate --rejects`, their number checked against the
/// generator's truth.json) nor dated in November (after the cut-off).
fn accepted_products(demo: &Path, late: &str) -> BTreeSet<String> {
    let csv = demo.join("rejects.csv");
    let config = demo.join("jauge.toml");
    let o = jauge(&["validate", "--config", config.to_str().unwrap(), "--rejects", csv.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(&csv).unwrap();
    let rejected: BTreeSet<usize> = rejects
        .lines()
        .filter(|l| l.contains(";usage/late-corrections.csv;"))
        .map(|l| l.split(';').nth(3).unwrap().parse().unwrap())
        .collect();
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(demo.join("truth.json")).unwrap()).unwrap();
    let file = truth["validation"]["files"].as_array().unwrap().iter();
    let expected = file.clone().find(|f| f["file"] == "usage/late-corrections.csv").unwrap()["rejected"].clone();
    assert_eq!(Some(rejected.len() as u64), expected.as_u64(), "rejected rows of late-corrections.csv");
    late.lines()
        .enumerate()
        .skip(1)
        .filter(|(i, line)| !rejected.contains(&(i + 1)) && !line.contains("2026-11-") && !line.contains("/11/2026"))
        .filter_map(|(_, line)| line.split(';').next())
        .map(|p| p.trim().to_owned())
        .collect()
}

/// An earlier run's table of another layout (another version of jauge)
/// is not compared, and the run says so on stderr and in the report,
/// rather than showing no revision for it.
#[test]
fn a_table_of_another_layout_is_said_not_compared() {
    let dir = scratch("revisions-layout");
    let (first, second) = (dir.join("first"), dir.join("second"));
    run(&["--as-of", "2026-10-15"], &tiny_config(), &first);
    let path = first.join("kpis.parquet");
    let mut kpis = read_parquet(&path);
    let value = kpis.column("value").unwrap().cast(&DataType::Float32).unwrap();
    kpis.with_column(value).unwrap();
    ParquetWriter::new(std::fs::File::create(&path).unwrap()).finish(&mut kpis).unwrap();
    let o = jauge(
        &[
            "run",
            "--config",
            tiny_config().to_str().unwrap(),
            "--out",
            second.to_str().unwrap(),
            "--previous",
            first.to_str().unwrap(),
        ],
        &root(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("kpis.parquet: the earlier run wrote this table with other columns"), "{}", stderr(&o));
    let report = std::fs::read_to_string(second.join("report.md")).unwrap();
    assert!(report.contains("Not compared, written by another version of jauge (other columns): kpis."));
    assert!(revisions(&second, "kpis", "alpha").is_empty(), "no kpis compared");
}
