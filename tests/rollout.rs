//! Staggered roll-outs end to end on the tiny fixture: the `rollouts` input
//! validated like the others (a repeated unit, an unknown product, a bad
//! date, an opening after the cut-off), a unit that no `users` row carries
//! told as a warning and a line of the report's data quality, the settings
//! in the manifest, and `rollout.parquet` written with its columns.

mod common;

use common::*;
use polars::prelude::*;

const ROLLOUTS: &str = "project_id,unit,started_on\n\
alpha,Normandie,2026-10-01\n\
alpha,Normandie,2026-11-01\n\
omega,Bretagne,2026-10-01\n\
alpha,Bretagne,2026-02-30\n\
alpha,Corse,2026-09-01\n\
alpha,Bretagne,2026-12-15\n";

fn fixture(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    copy_dir(&root().join("datasets/fixtures/tiny"), &dir);
    std::fs::write(dir.join("rollouts.csv"), ROLLOUTS).unwrap();
    let config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap();
    let config = config.replace("users = \"users.csv\"", "users = \"users.csv\"\nrollouts = \"rollouts.csv\"").replace(
        "north_star = { kpi = \"active_users\", target = 2 }",
        "north_star = { kpi = \"active_users\", target = 2 }\nrollout = { by = \"region\", since = \"2026-08\" }",
    );
    std::fs::write(dir.join("jauge.toml"), config).unwrap();
    dir
}

#[test]
fn the_rollouts_input_is_validated_and_accounted_for() {
    let dir = fixture("rollout-validate");
    let o = jauge(&["run", "--config", "jauge.toml", "--out", "out"], &dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let warnings = stderr(&o);
    assert!(warnings.contains("unit \"Corse\" of product \"alpha\" is in no users row"), "{warnings}");
    // The fixture's first events are of September: an August start reads
    // its empty month as a change.
    assert!(warnings.contains("rollout.since = \"2026-08\" is before the data's first month (2026-09)"), "{warnings}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/manifest.json")).unwrap()).unwrap();
    let recorded = &manifest["methods"]["rollouts"];
    assert_eq!(recorded[0]["project_id"], "alpha");
    assert_eq!(recorded[0]["rollout"]["by"], "region");
    assert_eq!(recorded[0]["rollout"]["since"], "2026-08");
    let report = std::fs::read_to_string(dir.join("out/report.md")).unwrap();
    assert!(report.contains("unit “Corse” of the rollouts file is the “region” of no users row"), "{report}");
    let totals = &manifest["totals"]["rollouts"];
    // 6 rows: Normandie and Corse accepted, a repeated Normandie, an unknown
    // product and a 30 February rejected, a December opening after the
    // cut-off (31 October).
    assert_eq!(
        [&totals["rows_read"], &totals["accepted"], &totals["rejected"], &totals["after_cutoff"]],
        [6, 2, 3, 1].map(serde_json::Value::from).each_ref()
    );
    let rejects = read_parquet(&dir.join("out/restricted/rejects.parquet"));
    let reason = rejects.column("reason").unwrap().str().unwrap().clone();
    let reasons: Vec<&str> = (0..reason.len()).filter_map(|i| reason.get(i)).collect();
    for reason in ["duplicate_key", "unknown_project", "bad_date"] {
        assert!(reasons.contains(&reason), "{reason}: {reasons:?}");
    }
    let rollout = read_parquet(&dir.join("out/rollout.parquet"));
    let names: Vec<&str> = rollout.get_column_names().iter().map(|n| n.as_str()).collect();
    // SPEC section 5, in its order.
    let spec = "project_id, outcome, metric, aggregation, group, period, event_time, units_treated, units_control, \
                population_treated, population_control, att, se, ci_low, ci_high, p_value, pretrend_p, suppressed";
    assert_eq!(names, spec.split(", ").collect::<Vec<_>>());
    assert!(rollout.height() > 0, "Normandie opened in October, Bretagne never: one group, one comparison unit");
    // Sorted by project_id, outcome, metric, aggregation, group, period,
    // event_time, nulls first in every column.
    let text = |c: &str| -> Vec<Option<String>> {
        let column = rollout.column(c).unwrap().str().unwrap().clone();
        (0..column.len()).map(|i| column.get(i).map(str::to_owned)).collect()
    };
    let int = |c: &str| -> Vec<Option<i32>> {
        let column = rollout.column(c).unwrap().cast(&DataType::Int32).unwrap();
        let column = column.i32().unwrap().clone();
        (0..column.len()).map(|i| column.get(i)).collect()
    };
    let (project, outcome, metric, aggregation) =
        (text("project_id"), text("outcome"), text("metric"), text("aggregation"));
    let (group, period, event_time) = (int("group"), int("period"), int("event_time"));
    let keys: Vec<_> = (0..rollout.height())
        .map(|i| (&project[i], &outcome[i], &metric[i], &aggregation[i], group[i], period[i], event_time[i]))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "rows in SPEC order, each key once");
}

/// Without `since`, the periods start with the first month of the events,
/// and the manifest records that month, not null (SPEC section 5: the
/// roll-out settings of the methods); the units opened in that month or
/// before are named as left out (SPEC section 6).
#[test]
fn a_default_since_is_recorded_and_what_it_leaves_out_is_named() {
    let dir = fixture("rollout-since");
    let config = std::fs::read_to_string(dir.join("jauge.toml")).unwrap();
    std::fs::write(dir.join("jauge.toml"), config.replace(", since = \"2026-08\"", "")).unwrap();
    // `(missing)` is the empty value's name, no unit of anyone.
    let rollouts = format!("{ROLLOUTS}alpha,Bretagne,2020-01-01\nalpha,(missing),2026-10-01\n")
        .replace("alpha,Bretagne,2026-12-15\n", "");
    std::fs::write(dir.join("rollouts.csv"), rollouts).unwrap();
    let o = jauge(&["run", "--config", "jauge.toml", "--out", "out"], &dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/manifest.json")).unwrap()).unwrap();
    let since = manifest["methods"]["rollouts"][0]["rollout"]["since"].as_str().expect("a month, not null").to_owned();
    // The fixture's earliest accepted usage row is on 3 September 2026
    // (the one of 29 March, 02:30, falls in the spring-forward gap).
    assert_eq!(since, "2026-09");
    assert!(stderr(&o).contains("\"Bretagne\" opened in"), "{}", stderr(&o));
    assert!(stderr(&o).contains("unit \"(missing)\" of product \"alpha\" is in no users row"), "{}", stderr(&o));
    let report = std::fs::read_to_string(dir.join("out/report.md")).unwrap();
    assert!(report.contains("“Bretagne”, opened in"), "the report names the unit it left out");
}

/// A product with `rollout` but no accepted `rollouts` row: no roll-out
/// figure, a warning, and a line of the report, not a crash.
#[test]
fn a_rollout_without_openings_is_told_not_computed() {
    let dir = fixture("rollout-none");
    std::fs::write(dir.join("rollouts.csv"), "project_id,unit,started_on\nalpha,Bretagne,2026-02-30\n").unwrap();
    let o = jauge(&["run", "--config", "jauge.toml", "--out", "out"], &dir);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("has a rollout but no accepted rollouts row"), "{}", stderr(&o));
    assert_eq!(read_parquet(&dir.join("out/rollout.parquet")).height(), 0);
    let report = std::fs::read_to_string(dir.join("out/report.md")).unwrap();
    assert!(report.contains("a roll-out is configured, but the rollouts file gives no accepted opening for it"));
}
