//! `jauge run` end to end on the tiny fixture: figures computed by hand from
//! the fixture files (see the comments), the rejects table, byte-identical
//! reruns and the atomic output folder.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use polars::prelude::*;

fn run_tiny(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    let out = dir.join("out");
    let o = jauge(&["run", "--config", tiny_config().to_str().unwrap(), "--out", out.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

/// (project, month 1st as YYYY-MM-DD, segment, kpi) → value.
fn kpi(df: &DataFrame, project: &str, month: &str, segment: &str, kpi: &str) -> Option<f64> {
    let month = chrono::NaiveDate::parse_from_str(month, "%Y-%m-%d").unwrap();
    let days = (month - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32;
    let p = df.column("project_id").unwrap().str().unwrap();
    let m = df.column("month").unwrap().date().unwrap().physical().clone();
    let s = df.column("segment").unwrap().str().unwrap();
    let k = df.column("kpi").unwrap().str().unwrap();
    let v = df.column("value").unwrap().f64().unwrap();
    (0..df.height())
        .find(|&i| {
            p.get(i) == Some(project) && m.get(i) == Some(days) && s.get(i) == Some(segment) && k.get(i) == Some(kpi)
        })
        .and_then(|i| v.get(i))
}

/// Accepted events (Europe/Paris): alpha: user 1 on 3 Sept and 25 Oct,
/// user 2 on 3 Sept and 5 Oct; beta: user "003" on 10 Oct, user 2 on 20 Oct.
/// Cut-off 31 Oct.
#[test]
fn reach_kpis_by_hand() {
    let out = run_tiny("run-reach");
    let df = read_parquet(&out.join("kpis.parquet"));
    let sept = "2026-09-01";
    let oct = "2026-10-01";
    assert_eq!(kpi(&df, "alpha", sept, "all", "events"), Some(2.0));
    assert_eq!(kpi(&df, "alpha", sept, "all", "new_users"), Some(2.0));
    assert_eq!(kpi(&df, "alpha", oct, "all", "active_users"), Some(2.0));
    assert_eq!(kpi(&df, "alpha", oct, "all", "new_users"), Some(0.0));
    assert_eq!(kpi(&df, "alpha", oct, "all", "returning_users"), Some(2.0));
    assert_eq!(kpi(&df, "alpha", oct, "all", "cumulative_users"), Some(2.0));
    assert_eq!(kpi(&df, "alpha", sept, "all", "dau_mean"), Some(2.0 / 30.0));
    assert_eq!(kpi(&df, "alpha", oct, "all", "dau_mean"), Some(2.0 / 31.0));
    assert_eq!(kpi(&df, "alpha", oct, "all", "stickiness"), Some(1.0 / 31.0));
    assert_eq!(kpi(&df, "alpha", oct, "all", "cost_per_active_user"), Some(5000.0));
    assert_eq!(kpi(&df, "alpha", oct, "region=Bretagne", "active_users"), Some(2.0));
    // beta starts in October: no September row.
    assert_eq!(kpi(&df, "beta", sept, "all", "events"), None);
    assert_eq!(kpi(&df, "beta", oct, "all", "new_users"), Some(2.0));
    assert_eq!(kpi(&df, "beta", oct, "region=Normandie", "new_users"), Some(1.0));
    assert_eq!(kpi(&df, "beta", oct, "region=Bretagne", "new_users"), Some(1.0));
    // The portfolio counts user 2, active in both products, once; its
    // portfolio cohort is September, so October has one new user ("003").
    assert_eq!(kpi(&df, "_portfolio", oct, "all", "active_users"), Some(3.0));
    assert_eq!(kpi(&df, "_portfolio", oct, "all", "new_users"), Some(1.0));
    assert_eq!(kpi(&df, "_portfolio", oct, "all", "returning_users"), Some(2.0));
    assert_eq!(kpi(&df, "_portfolio", oct, "all", "events"), Some(4.0));
    // User-days in October: 5 (user 2), 10 ("003"), 20 (user 2), 25 (user 1).
    assert_eq!(kpi(&df, "_portfolio", oct, "all", "dau_mean"), Some(4.0 / 31.0));
}

#[test]
fn retention_outcomes_and_impact_by_hand() {
    let out = run_tiny("run-cohorts");
    let retention = read_parquet(&out.join("retention.parquet"));
    let alpha_all = retention
        .lazy()
        .filter(col("project_id").eq(lit("alpha")).and(col("segment").eq(lit("all"))))
        .collect()
        .unwrap();
    let rates: Vec<Option<f64>> = alpha_all.column("retention_rate").unwrap().f64().unwrap().iter().collect();
    assert_eq!(rates, vec![Some(1.0), Some(1.0)], "both September users came back in October");
    let truncated = alpha_all.column("left_truncated").unwrap().bool().unwrap().get(0);
    assert_eq!(truncated, Some(true), "alpha launched in August, before its first data month");

    // Employment within 30 days of first use: user 1 (3 → 20 Sept) yes,
    // user 2 no: 1/2, Wilson 95% [0.0945, 0.9055] (Newcombe 1998, eq. 3).
    let outcomes = read_parquet(&out.join("outcomes.parquet"));
    let row = outcomes
        .lazy()
        .filter(
            col("project_id").eq(lit("alpha")).and(col("segment").eq(lit("all"))).and(col("window_days").eq(lit(30))),
        )
        .collect()
        .unwrap();
    assert_eq!(row.height(), 1);
    assert_eq!(row.column("rate").unwrap().f64().unwrap().get(0), Some(0.5));
    let low = row.column("ci_low").unwrap().f64().unwrap().get(0).unwrap();
    assert!((low - 0.0945).abs() < 5e-5, "{low}");
    assert_eq!(row.column("complete").unwrap().bool().unwrap().get(0), Some(true));

    // Assigned 1 Sept: user 1 (treatment) employed 20 Sept, user 2 (control)
    // not: 1/1 − 0/1 on the 30-day window, the primary endpoint.
    let impact = read_parquet(&out.join("impact.parquet"));
    let rate =
        impact.lazy().filter(col("window_days").eq(lit(30)).and(col("metric").eq(lit("rate")))).collect().unwrap();
    assert_eq!(rate.column("difference").unwrap().f64().unwrap().get(0), Some(1.0));
    assert_eq!(rate.column("primary").unwrap().bool().unwrap().get(0), Some(true));
    assert_eq!(rate.column("n_treatment").unwrap().u64().unwrap().get(0), Some(1));
    let float = |name: &str| rate.column(name).unwrap().f64().unwrap().get(0);
    // Both used alpha on 3 Sept, two days after assignment: take-up 1 in
    // each arm, so no effect on users (u_t − u_c = 0).
    assert_eq!((float("takeup_treatment"), float("takeup_control")), (Some(1.0), Some(1.0)));
    assert_eq!(float("cace"), None);
    // 1/1 against 0/1: V = 0, so no always-valid interval; arms of one, no CUPED.
    assert_eq!((float("seq_ci_low"), float("seq_p_value")), (None, None));
    assert_eq!((float("cuped_theta"), float("cuped_difference")), (None, None));
    // The only p-value of the run (the 90-day windows are not over, the
    // mean's arms of one have none): m = 1, so q = p = 2Φ(−√2) = 0.1573.
    let p = float("p_value").unwrap();
    assert!((p - 0.157_299_207).abs() < 1e-8, "{p}");
    assert_eq!(float("q_value"), Some(p));
}

#[test]
fn survival_by_hand() {
    // Arm all, employment: user 1 event at day 17 (3 → 20 Sept); user 2
    // censored at as_of, day 58 (3 Sept → 31 Oct). S(17) = 1/2.
    let out = run_tiny("run-survival");
    let df = read_parquet(&out.join("survival.parquet"))
        .lazy()
        .filter(col("project_id").eq(lit("alpha")).and(col("arm").eq(lit("all"))))
        .collect()
        .unwrap();
    let days: Vec<Option<i32>> = df.column("day").unwrap().i32().unwrap().iter().collect();
    assert_eq!(days, vec![Some(17), Some(58)]);
    let s: Vec<Option<f64>> = df.column("survival").unwrap().f64().unwrap().iter().collect();
    assert_eq!(s, vec![Some(0.5), Some(0.5)]);
    let summary = read_parquet(&out.join("survival_summary.parquet"))
        .lazy()
        .filter(col("project_id").eq(lit("alpha")).and(col("arm").eq(lit("all"))))
        .collect()
        .unwrap();
    assert_eq!(summary.column("median").unwrap().i32().unwrap().get(0), Some(17));
}

#[test]
fn every_reject_reason_is_kept_with_its_row() {
    let out = run_tiny("run-rejects");
    let df = read_parquet(&out.join("restricted/rejects.parquet"));
    let reasons: Vec<&str> = df.column("reason").unwrap().str().unwrap().iter().flatten().collect();
    for code in [
        "empty_field",
        "bad_timestamp",
        "nonexistent_local_time",
        "bad_date",
        "bad_number",
        "bad_id",
        "unknown_project",
        "bad_arm",
        "duplicate_key",
        "double_assignment",
    ] {
        assert!(reasons.contains(&code), "{code} missing from {reasons:?}");
    }
    let files = df.column("file").unwrap().str().unwrap();
    let rows = df.column("row").unwrap().u64().unwrap();
    let records = df.column("record").unwrap().str().unwrap();
    let i = (0..df.height())
        .find(|&i| df.column("reason").unwrap().str().unwrap().get(i) == Some("nonexistent_local_time"))
        .unwrap();
    assert_eq!(files.get(i), Some("usage/a.csv"));
    assert_eq!(rows.get(i), Some(6), "the 6th record after the header");
    assert_eq!(
        records.get(i),
        Some(r#"{"project_id":"alpha","user_id":"3","occurred_at":"2026-03-29T02:30:00","event":"visit"}"#)
    );
}

#[test]
fn a_second_run_gives_the_same_bytes() {
    let a = run_tiny("run-determinism-a");
    let b = run_tiny("run-determinism-b");
    for file in [
        "kpis.parquet",
        "retention.parquet",
        "funnel.parquet",
        "outcomes.parquet",
        "survival.parquet",
        "survival_summary.parquet",
        "impact.parquet",
        "restricted/rejects.parquet",
    ] {
        assert_eq!(std::fs::read(a.join(file)).unwrap(), std::fs::read(b.join(file)).unwrap(), "{file}");
    }
    let strip = |p: &std::path::Path| {
        let text = std::fs::read_to_string(p.join("manifest.json")).unwrap();
        text.split("\"timings\"").next().unwrap().to_owned()
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn a_foreign_out_folder_is_refused_with_exit_2() {
    let dir = scratch("run-foreign");
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let o = jauge(&["run", "--config", tiny_config().to_str().unwrap(), "--out", dir.to_str().unwrap()], &root());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(dir.join("notes.txt").is_file());
}

#[test]
fn a_rerun_replaces_the_previous_report() {
    let out = run_tiny("run-replace");
    std::fs::write(out.join("kpis.parquet"), b"stale").unwrap();
    let o = jauge(&["run", "--config", tiny_config().to_str().unwrap(), "--out", out.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(std::fs::read(out.join("kpis.parquet")).unwrap(), b"stale");
    assert_eq!(siblings(&out), [".out.jauge-lock", "out"], "no temporary or old folder left beside --out");
}

/// The names beside `out` (and `out` itself), sorted.
fn siblings(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `jauge run` on the demo (a few seconds) into `out`, in the background.
fn spawn_demo(out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_jauge"))
        .args(["run", "--quiet", "--out", out.to_str().unwrap()])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the run `child` has opened its temporary folder beside `out`.
fn wait_for_temp(child: &mut Child, out: &Path) -> PathBuf {
    let temp = out.with_file_name(format!(".out.jauge-tmp-{}", child.id()));
    let start = Instant::now();
    while !temp.exists() {
        assert!(child.try_wait().unwrap().is_none(), "the run ended before it opened {}", temp.display());
        assert!(start.elapsed() < Duration::from_secs(120), "no {} after two minutes", temp.display());
        std::thread::sleep(Duration::from_millis(5));
    }
    temp
}

#[test]
fn a_second_run_on_the_same_out_fails_at_once() {
    let out = scratch("run-lock").join("out");
    let mut first = spawn_demo(&out);
    wait_for_temp(&mut first, &out);
    let second = jauge(&["run", "--config", tiny_config().to_str().unwrap(), "--out", out.to_str().unwrap()], &root());
    let done = first.wait_with_output().unwrap();
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    assert!(
        stderr(&second).contains(&format!("error: another run is writing {}", out.display())),
        "{}",
        stderr(&second)
    );
    assert!(out.join("manifest.json").is_file(), "the first run's report is whole");
}

#[test]
fn the_leftovers_of_a_killed_run_go_with_the_next_run() {
    let out = scratch("run-killed").join("out");
    let mut killed = spawn_demo(&out);
    let temp = wait_for_temp(&mut killed, &out);
    killed.kill().unwrap(); // SIGKILL: the run cannot clean up.
    killed.wait().unwrap();
    assert!(temp.exists(), "kill -9 leaves the temporary folder");
    let next = jauge(&["run", "--config", tiny_config().to_str().unwrap(), "--out", out.to_str().unwrap()], &root());
    assert!(next.status.success(), "the lock died with its process: {}", stderr(&next));
    assert_eq!(siblings(&out), [".out.jauge-lock", "out"]);
}

#[cfg(unix)]
#[test]
fn restricted_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let out = run_tiny("run-restricted");
    let mode = |p: &str| std::fs::metadata(out.join(p)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("restricted"), 0o700);
    assert_eq!(mode("restricted/rejects.parquet"), 0o600);
}

#[test]
fn a_month_after_the_data_writes_nothing() {
    let out = scratch("run-month-past").join("out");
    let config = tiny_config();
    let o = jauge(
        &["run", "--config", config.to_str().unwrap(), "--month", "2026-12", "--out", out.to_str().unwrap()],
        &root(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("hint: the latest accepted usage timestamp is on 2026-11-02"), "{}", stderr(&o));
    assert_eq!(siblings(&out), [".out.jauge-lock"], "no report of zeros, no temporary folder");
}

/// SPEC section 5: the manifest names the methods used, with `z` and each
/// trial's `planned_n` (5000 when the config does not declare it).
#[test]
fn the_manifest_names_the_methods_z_and_planned_n() {
    let out = run_tiny("run-methods");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let methods = &manifest["methods"];
    // Φ⁻¹(0.975), SPEC section 4.
    assert_eq!(methods["z"].as_f64(), Some(1.959963984540054));
    for key in ["rate_interval", "difference_interval", "mean_interval", "survival", "always_valid_interval"] {
        assert!(methods[key].as_str().is_some_and(|m| !m.is_empty()), "{key}: {methods}");
    }
    let trials = methods["planned_n"].as_array().expect("one entry per trial");
    assert_eq!(trials.len(), 1, "{trials:?}");
    assert_eq!(trials[0]["project_id"], "alpha");
    assert_eq!((trials[0]["planned_n"].as_u64(), trials[0]["declared"].as_bool()), (Some(5000), Some(false)));
}
