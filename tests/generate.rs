//! `jauge generate` end to end: deterministic, identical to the shipped demo,
//! and the engine recovers what it planted — every row count and reject
//! reason it wrote, the randomized effects inside their 95% intervals, and
//! the effect on the users who took a product up.

mod common;

use std::path::Path;

use common::*;
use polars::prelude::*;
use serde_json::Value;

fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path.to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[test]
fn the_demo_dataset_is_what_generate_writes() {
    let dir = scratch("generate-demo");
    let out = dir.join("demo");
    let o = jauge(&["generate", "--out", out.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    let demo = root().join("datasets/demo");
    let relative = |d: &Path| -> Vec<String> {
        files(d).iter().map(|f| f.strip_prefix(d.to_str().unwrap()).unwrap().to_owned()).collect()
    };
    assert_eq!(relative(&out), relative(&demo));
    for file in relative(&demo) {
        let a = std::fs::read(out.join(file.trim_start_matches('/'))).unwrap();
        let b = std::fs::read(demo.join(file.trim_start_matches('/'))).unwrap();
        assert!(a == b, "{file} differs: regenerate datasets/demo with `jauge generate --out datasets/demo`");
    }
}

#[test]
fn another_seed_gives_another_dataset() {
    let dir = scratch("generate-seed");
    let out = dir.join("seed7");
    let o = jauge(&["generate", "--out", out.to_str().unwrap(), "--seed", "7", "--users", "2000"], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    let demo = std::fs::read(root().join("datasets/demo/users.csv")).unwrap();
    assert_ne!(std::fs::read(out.join("users.csv")).unwrap(), demo);
}

fn demo_run(name: &str) -> std::path::PathBuf {
    let out = scratch(name).join("out");
    let o = jauge(&["run", "--out", out.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

fn truth() -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("datasets/demo/truth.json")).unwrap()).unwrap()
}

/// The generator counts, file by file, what it planted: every count and
/// reject reason must come back from validation.
#[test]
fn validation_recovers_every_planted_count() {
    let out = demo_run("generate-validation");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let rejects = read_parquet(&out.join("restricted/rejects.parquet"));
    let files = rejects.column("file").unwrap().str().unwrap();
    let reasons = rejects.column("reason").unwrap().str().unwrap();
    let truth = truth();
    for expected in truth["validation"]["files"].as_array().unwrap() {
        let file = format!("datasets/demo/{}", expected["file"].as_str().unwrap());
        let got = manifest["inputs"].as_array().unwrap().iter().find(|i| i["file"] == file.as_str());
        let got = got.unwrap_or_else(|| panic!("{file} not in the manifest"));
        for count in ["rows_read", "accepted", "rejected", "duplicate", "after_cutoff"] {
            assert_eq!(got[count], expected[count], "{file}: {count}");
        }
        for (reason, n) in expected["rejects"].as_object().unwrap() {
            let found = (0..rejects.height())
                .filter(|&i| files.get(i) == Some(file.as_str()) && reasons.get(i) == Some(reason.as_str()))
                .count();
            assert_eq!(found as u64, n.as_u64().unwrap(), "{file}: {reason}");
        }
    }
    for reason in jauge::ingest::reject::Reason::ALL {
        assert!((0..rejects.height()).any(|i| reasons.get(i) == Some(reason.code())), "no {} planted", reason.code());
    }
}

/// Each trial's primary endpoint: the planted difference lies in the
/// Newcombe 95% interval, and the product planted with no effect is not
/// called significant.
#[test]
fn impact_intervals_cover_the_planted_effects() {
    let out = demo_run("generate-truth");
    let impact = read_parquet(&out.join("impact.parquet"))
        .lazy()
        .filter(col("primary").and(col("metric").eq(lit("rate"))))
        .collect()
        .unwrap();
    let projects = impact.column("project_id").unwrap().str().unwrap();
    let low = impact.column("ci_low").unwrap().f64().unwrap();
    let high = impact.column("ci_high").unwrap().f64().unwrap();
    let p = impact.column("p_value").unwrap().f64().unwrap();
    let windows = impact.column("window_days").unwrap().i32().unwrap();
    let truth = truth();
    let trials = truth["randomized"].as_array().unwrap();
    assert_eq!(impact.height(), trials.len(), "one primary row per trial");
    for i in 0..impact.height() {
        let project = projects.get(i).unwrap();
        let trial = trials.iter().find(|t| t["project_id"] == project).unwrap();
        let employment = trial["outcomes"].as_array().unwrap().iter().find(|o| o["outcome"] == "employment").unwrap();
        let window = employment["windows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["window_days"] == windows.get(i).unwrap())
            .unwrap();
        let planted = window["difference"].as_f64().unwrap();
        let (lo, hi) = (low.get(i).unwrap(), high.get(i).unwrap());
        assert!(lo <= planted && planted <= hi, "{project}: {planted} outside [{lo}, {hi}]");
        if trial["zero_effect"] == true {
            assert!(
                lo <= 0.0 && 0.0 <= hi && p.get(i).unwrap() >= 0.05,
                "{project}: the zero effect is called significant"
            );
        }
    }
}

#[test]
fn options_out_of_range_are_a_usage_error_not_a_panic() {
    let dir = scratch("generate-range");
    let out = dir.join("out");
    for (flag, value, message) in [
        ("--months", "100000", "--months must be between 1 and 120"),
        ("--users", "0", "--users must be between 1"),
        ("--products", "5000", "--products must be between 1 and 1000"),
    ] {
        let o = jauge(&["generate", "--out", out.to_str().unwrap(), flag, value], &root());
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{}", stderr(&o));
        assert!(stderr(&o).contains("hint:"), "{}", stderr(&o));
        assert!(!out.exists(), "nothing is written");
    }
}

/// The effect on users, on a generated dataset five times the demo (about
/// 900 to 2 000 assigned per trial at 90 days). The generator plants an
/// exact intention-to-treat difference and a compliance (the treatment arm
/// uses the product from its assignment day with that probability, the
/// control arm never does), so the true effect on those who took it up is
/// `difference / compliance`: each primary endpoint's `cace` interval must
/// hold it, take-up must match the compliance (within 4 binomial standard
/// errors) and be 0 in control, and every always-valid interval of the
/// zero-effect trial must hold 0.
#[test]
fn effect_on_users_and_the_zero_effect_trial() {
    let dir = scratch("generate-cace");
    let data = dir.join("data");
    let o = jauge(&["generate", "--out", data.to_str().unwrap(), "--users", "100000"], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.join("out");
    let config = data.join("jauge.toml");
    let o = jauge(&["run", "--config", config.to_str().unwrap(), "--out", out.to_str().unwrap()], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(data.join("truth.json")).unwrap()).unwrap();
    let impact = read_parquet(&out.join("impact.parquet"));
    let text = |name: &str, i: usize| impact.column(name).unwrap().str().unwrap().get(i).unwrap().to_owned();
    let float = |name: &str, i: usize| impact.column(name).unwrap().f64().unwrap().get(i);
    let primary = impact.column("primary").unwrap().bool().unwrap();
    let windows = impact.column("window_days").unwrap().i32().unwrap();
    let n_treatment = impact.column("n_treatment").unwrap().u64().unwrap();
    let trials = truth["randomized"].as_array().unwrap();
    let mut checked = 0;
    for i in 0..impact.height() {
        let project = text("project_id", i);
        let trial = trials.iter().find(|t| t["project_id"] == project.as_str()).unwrap();
        if trial["zero_effect"] == true {
            let (lo, hi) = (float("seq_ci_low", i).unwrap(), float("seq_ci_high", i).unwrap());
            assert!(lo <= 0.0 && 0.0 <= hi, "{project} row {i}: always-valid [{lo}, {hi}] excludes the zero effect");
        }
        if primary.get(i) != Some(true) {
            continue;
        }
        let compliance = trial["compliance"].as_f64().unwrap();
        let outcome =
            trial["outcomes"].as_array().unwrap().iter().find(|o| o["outcome"] == text("outcome", i).as_str());
        let window = outcome.unwrap()["windows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["window_days"] == windows.get(i).unwrap())
            .unwrap();
        let planted = window["cace"].as_f64().unwrap();
        let (lo, hi) = (float("cace_ci_low", i).unwrap(), float("cace_ci_high", i).unwrap());
        assert!(lo <= planted && planted <= hi, "{project}: effect on users {planted} outside [{lo}, {hi}]");
        let takeup = float("takeup_treatment", i).unwrap();
        let se = (compliance * (1.0 - compliance) / n_treatment.get(i).unwrap() as f64).sqrt();
        assert!((takeup - compliance).abs() <= 4.0 * se, "{project}: take-up {takeup} against {compliance}");
        assert_eq!(float("takeup_control", i), Some(0.0), "{project}: the control arm has no access");
        checked += 1;
    }
    assert_eq!(checked, trials.len(), "one primary row per trial");
}

#[test]
fn an_end_month_out_of_range_is_a_usage_error() {
    let dir = scratch("generate-end-range");
    for (flag, value, range) in
        [("--months", "100000", "between 1 and 120"), ("--end", "9999-12", "2005-01 and 2100-12")]
    {
        let out = jauge(&["generate", "--out", "data", flag, value], &dir);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(range) && err.contains("hint:"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!dir.join("data").exists());
    }
}

/// Each roll-out of the demo (SPEC section 4, staggered roll-outs): the
/// generator states, from its model, both the true effect on the monthly
/// employment rate (`att`) and what the estimator must give on this very
/// dataset (`expected`, the estimator's expectation on the panel it
/// defines). The run's `simple` rate interval must hold both, and the
/// roll-out planted with no effect must hold 0.
#[test]
fn rollouts_recover_their_planted_effects() {
    let out = demo_run("generate-rollouts");
    let rollout = read_parquet(&out.join("rollout.parquet"));
    let text = |c: &str| rollout.column(c).unwrap().str().unwrap().clone();
    let float = |c: &str| rollout.column(c).unwrap().f64().unwrap().clone();
    let (projects, metrics, aggregations) = (text("project_id"), text("metric"), text("aggregation"));
    let (att, low, high) = (float("att"), float("ci_low"), float("ci_high"));
    let truth = truth();
    let rollouts = truth["rollouts"].as_array().unwrap();
    assert!(rollouts.len() >= 3, "the demo has roll-outs");
    for r in rollouts {
        let project = r["project_id"].as_str().unwrap();
        let i = (0..rollout.height())
            .find(|&i| {
                projects.get(i) == Some(project)
                    && metrics.get(i) == Some("rate")
                    && aggregations.get(i) == Some("simple")
            })
            .unwrap_or_else(|| panic!("{project}: no simple rate row"));
        let simple = &r["outcomes"].as_array().unwrap().iter().find(|o| o["metric"] == "rate").unwrap()["simple"];
        let (expected, planted) = (simple["expected"].as_f64().unwrap(), simple["att"].as_f64().unwrap());
        let (lo, hi) = (low.get(i).unwrap(), high.get(i).unwrap());
        assert!(att.get(i).is_some());
        assert!(lo <= expected && expected <= hi, "{project}: the expected {expected} outside [{lo}, {hi}]");
        assert!(lo <= planted && planted <= hi, "{project}: the true effect {planted} outside [{lo}, {hi}]");
        if r["zero_effect"].as_bool().unwrap() {
            assert!(lo <= 0.0 && 0.0 <= hi, "{project}: no effect planted, yet [{lo}, {hi}]");
        }
    }
}
