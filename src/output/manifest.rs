//! `manifest.json`: what a run read, how every input row was accounted for,
//! the methods, what it wrote and how long each stage took. Byte-identical
//! across runs on the same inputs apart from `timings`.

use serde_json::{Value, json};

use crate::config::{PlannedN, Settings};
use crate::ingest::postgres::QueryRead;
use crate::privacy::Suppressed;
use crate::stats::Z95;
use crate::tables::Reconciliation;
use crate::tz;

/// One written output: its file, rows and suppressed cells.
pub struct Written {
    pub file: String,
    pub rows: usize,
    pub suppressed: Suppressed,
}

pub struct Manifest<'a> {
    pub settings: &'a Settings,
    pub month: i32,
    pub as_of: i32,
    pub reconciliation: &'a [Reconciliation],
    /// The inputs read from PostgreSQL: what stands for their file.
    pub queries: &'a [QueryRead],
    /// Each trial's `planned_n`, recorded with the methods.
    pub trials: &'a [PlannedN],
    pub outputs: &'a [Written],
    /// The earlier run's manifest, when this run was compared with one.
    pub previous: Option<&'a Value>,
    pub timings: &'a [(String, f64)],
}

/// What the manifest records of the earlier run.
fn previous_run(manifest: &Value) -> Value {
    json!({
        "month": manifest.get("month"),
        "as_of": manifest.get("as_of"),
        "config_sha256": manifest.get("config_sha256"),
        "version": manifest.get("version"),
    })
}

fn counts(r: &Reconciliation) -> Value {
    json!({
        "rows_read": r.rows_read,
        "accepted": r.accepted,
        "rejected": r.rejected,
        "duplicate": r.duplicate,
        "after_cutoff": r.after_cutoff,
    })
}

/// The five counts summed per input.
pub fn totals(reconciliation: &[Reconciliation]) -> Vec<Reconciliation> {
    let mut totals: Vec<Reconciliation> = Vec::new();
    for r in reconciliation {
        let t = match totals.iter_mut().find(|t| t.input == r.input) {
            Some(t) => t,
            None => {
                totals.push(Reconciliation { input: r.input.clone(), ..Reconciliation::default() });
                totals.last_mut().expect("just pushed")
            }
        };
        t.rows_read += r.rows_read;
        t.accepted += r.accepted;
        t.rejected += r.rejected;
        t.duplicate += r.duplicate;
        t.after_cutoff += r.after_cutoff;
    }
    totals
}

impl Manifest<'_> {
    pub fn to_json(&self) -> String {
        let inputs: Vec<Value> = self
            .reconciliation
            .iter()
            .map(|r| {
                let mut v = counts(r);
                v["input"] = json!(r.input);
                v["file"] = json!(r.file);
                v["sha256"] = json!(r.sha256);
                if let Some(q) = self.queries.iter().find(|q| q.input == r.input) {
                    v["query"] = json!(q.query);
                    v["server_version"] = json!(q.server_version);
                }
                v
            })
            .collect();
        let totals: serde_json::Map<String, Value> =
            totals(self.reconciliation).iter().map(|t| (t.input.clone(), counts(t))).collect();
        let outputs: Vec<Value> =
            self.outputs.iter().map(|w| json!({"file": w.file, "rows": w.rows, "suppressed": w.suppressed})).collect();
        let timings: serde_json::Map<String, Value> =
            self.timings.iter().map(|(stage, secs)| (stage.clone(), json!(secs))).collect();
        let manifest = json!({
            "engine": "jauge",
            "version": env!("CARGO_PKG_VERSION"),
            "config_sha256": self.settings.config_sha256,
            "settings": self.settings,
            "month": tz::format_month(self.month),
            "as_of": tz::format_day(self.as_of),
            "inputs": inputs,
            "totals": totals,
            "methods": methods(self.trials, self.settings),
            "outputs": outputs,
            "previous": self.previous.map(previous_run),
            "timings": timings,
        });
        let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn methods(trials: &[PlannedN], settings: &Settings) -> Value {
    let rollouts: Vec<Value> = settings
        .projects
        .iter()
        .filter_map(|p| p.rollout.as_ref().map(|r| json!({ "project_id": p.id, "rollout": r })))
        .collect();
    json!({
        "z": Z95,
        "rate_interval": "Wilson score 95%",
        "difference_interval": "Newcombe hybrid score 95% (method 10, no continuity correction)",
        "relative_uplift_interval": "log risk ratio (Katz 1978), minus 1",
        "rate_test": "pooled two-proportion z-test, two-sided",
        "mean_interval": "Welch t 95%, Welch–Satterthwaite degrees of freedom",
        "survival": "Kaplan–Meier, Greenwood variance, log-log 95% interval",
        "cumulative_hazard": "Nelson–Aalen",
        "median_interval": "Brookmeyer–Crowley (first t where the band is at or below 0.5)",
        "arms_test": "log-rank, 1 df",
        "ratio_check": "Pearson chi-square, 1 df, no continuity correction",
        "mde": "80% power, 5% two-sided",
        "always_valid_interval": "asymptotic confidence sequence 95% (Waudby-Smith et al. 2024, eq. 9), tuned by planned_n",
        "planned_n": trials,
        "multiplicity": "Benjamini–Hochberg q-value over the published impact p-values",
        "regression_adjustment": "CUPED, pooled theta, covariate = the metric over the pre-window of the same length, Welch t 95%",
        "effect_on_users": "complier average causal effect (Wald), delta-method 95% interval",
        "staggered_rollout": "Callaway & Sant'Anna (2021) ATT(g,t), outcome regression without covariates, influence-function standard errors with the estimated group shares' term, normal 95% interval; pre-trend Wald test over the placebo cells",
        "rollouts": rollouts,
        "disclosure_control": "primary (counts 1..min_cell-1, segment values of fewer than min_cell users), secondary (groups with published totals, one cell per count across tables, audited until no hidden count can be worked out); survival from cumulative counts rounded down to multiples of min_cell",
    })
}
