//! Revisions end to end on the tiny fixture (SPEC section 8): a run cut on
//! 15 October compared with the whole month, an earlier run with other
//! suppression, the default earlier run beside `--out`, and a first run.

mod common;

use std::path::Path;

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
