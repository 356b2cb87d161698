//! Statistical disclosure control (SPEC section 6), applied once, after all
//! computation, to every published table and to the report's data-quality
//! shares. With `k = min_cell`:
//! - primary: a count between 1 and `k − 1`, every figure of a segment
//!   value with fewer than `k` users, and what is computed from them;
//! - secondary: the counts of `kpis`, `retention` and `outcomes` are cells
//!   of one ledger (`counts`, `book`), the same count in two tables being
//!   one cell, settled jointly over the groups whose sums are published,
//!   then audited until no hidden count can be worked out (`audit`);
//! - survival curves from counts rounded down to multiples of `k`
//!   (`survival`); impact rows and funnels row by row.
//!
//! Not responsible for computing figures, nor for how a hidden cell looks
//! in the report.

mod audit;
mod book;
mod counts;
mod survival;

use std::collections::BTreeMap;

pub use book::Rule;
pub use survival::round_down;

use crate::kpi::quality::IdCounts;
use crate::stats::Aggregation;
use crate::tables::{
    FunnelRow, IdCoverage, ImpactRow, RolloutRow, Share, SurvivalRow, SurvivalSummaryRow, Table, Tables,
};

/// What disclosure control needs besides the tables.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// `k`; 0 disables disclosure control.
    pub min_cell: u64,
    /// The reporting month (day number of its 1st).
    pub month: i32,
    /// Each segment label (`region=Bretagne`) with its number of users in
    /// the `users` input; for `(missing)`, users of `E` without a value.
    pub segment_users: BTreeMap<String, u64>,
}

impl Scope {
    /// A segment value too small to publish anything of, zeros included.
    fn small_segment(&self, segment: &str) -> bool {
        self.segment_users.get(segment).is_some_and(|n| *n < self.min_cell)
    }
}

/// Rows with `suppressed = true` in one output, by the rule that set it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Suppressed {
    pub primary: u64,
    pub secondary: u64,
    pub derived: u64,
}

impl Suppressed {
    fn add(&mut self, rule: Option<Rule>) {
        match rule {
            Some(Rule::Primary) => self.primary += 1,
            Some(Rule::Secondary) => self.secondary += 1,
            Some(Rule::Derived) => self.derived += 1,
            None => {}
        }
    }
}

/// Per output file name.
pub type Report = BTreeMap<&'static str, Suppressed>;

/// True when a count would identify fewer than `k` people.
fn small(count: u64, k: u64) -> bool {
    count >= 1 && count < k
}

/// Applies disclosure control to every table (nothing when `k = 0`).
pub fn protect(t: &mut Tables, scope: &Scope) -> Report {
    let k = scope.min_cell;
    let mut report = Report::new();
    if k == 0 {
        return report;
    }
    let decided = counts::decide(t, scope);
    report.extend(decided.apply(t, scope));
    let (curves, summaries) = survival::protect(&mut t.survival, &mut t.survival_summary, k, |project, arm| {
        if arm == crate::tables::ALL { decided.cumulative_hidden(project) } else { None }
    });
    report.insert(SurvivalRow::FILE, curves);
    report.insert(SurvivalSummaryRow::FILE, summaries);
    report.insert(FunnelRow::FILE, funnel(&mut t.funnel, k));
    report.insert(ImpactRow::FILE, impact(&mut t.impact, k));
    report.insert(RolloutRow::FILE, rollout(&mut t.rollout, k));
    report
}

/// Roll-outs (SPEC section 6): an ATT(g,t) whose comparison units hold
/// fewer than `k` people is hidden, every figure but the counts, and so is
/// every aggregate that rests on it; the pre-trend test goes with any
/// hidden placebo cell. Groups of fewer than `k` people never got here:
/// the panel leaves them out before estimating.
fn rollout(rows: &mut [RolloutRow], k: u64) -> Suppressed {
    let mut counts = Suppressed::default();
    let small_cell = |r: &RolloutRow| r.aggregation == "att_gt" && small(r.population_control, k);
    // Sorted by (project, outcome, metric, …): one question per run.
    for question in
        rows.chunk_by_mut(|a, b| (&a.project_id, &a.outcome, &a.metric) == (&b.project_id, &b.outcome, &b.metric))
    {
        let hidden: Vec<(i32, i32)> =
            question.iter().filter(|r| small_cell(r)).filter_map(|r| Some((r.group?, r.event_time?))).collect();
        for r in question.iter_mut() {
            let Some(aggregation) = Aggregation::of_code(&r.aggregation) else { continue };
            let own = small_cell(r);
            let rests = |&(group, e): &(i32, i32)| {
                aggregation != Aggregation::AttGt && aggregation.rests_on(r.group, r.event_time, group, e)
            };
            if own || hidden.iter().any(rests) {
                r.clear_figures();
                r.suppressed = true;
                counts.add(Some(if own { Rule::Primary } else { Rule::Derived }));
            } else if aggregation == Aggregation::Simple && hidden.iter().any(|&(_, e)| e < 0) {
                r.pretrend_p = None;
            }
        }
    }
    counts
}

/// A step's count and the conversions computed from it and its
/// neighbours: a conversion is hidden when either of its counts is.
fn funnel(rows: &mut [FunnelRow], k: u64) -> Suppressed {
    let mut tally = Suppressed::default();
    for cohort in rows.chunk_by_mut(|a, b| (&a.project_id, a.cohort_month) == (&b.project_id, b.cohort_month)) {
        let users: Vec<u64> = cohort.iter().map(|r| r.users.unwrap_or(0)).collect();
        for (i, r) in cohort.iter_mut().enumerate() {
            let (own, first, previous) = (small(users[i], k), small(users[0], k), small(users[i.saturating_sub(1)], k));
            if own {
                r.users = None;
            }
            if own || first {
                r.conversion_from_start = None;
            }
            if own || previous {
                r.conversion_from_previous = None;
            }
            let rule = if own {
                Some(Rule::Primary)
            } else if first || previous {
                Some(Rule::Derived)
            } else {
                None
            };
            r.suppressed = rule.is_some();
            tally.add(rule);
        }
    }
    tally
}

/// A row is suppressed when an arm is below `k` or another of its counts
/// (with the outcome, took it up…) is between 1 and `k − 1`; then every
/// figure is null, the log-rank included, and only arms of `k` or more
/// keep their size.
fn impact(rows: &mut [ImpactRow], k: u64) -> Suppressed {
    const ARMS: [&str; 2] = ["n_treatment", "n_control"];
    let mut tally = Suppressed::default();
    for r in rows.iter_mut() {
        let took_up = [r.took_up_treatment, r.took_up_control].iter().any(|c| small(c.unwrap_or(0), k));
        let hidden = took_up
            || r.counts_mut().into_iter().any(|(column, count)| {
                let count = count.unwrap_or(0);
                if ARMS.contains(&column) { count < k } else { small(count, k) }
            });
        if !hidden {
            continue;
        }
        for (column, count) in r.counts_mut() {
            if !ARMS.contains(&column) || count.is_some_and(|c| c < k) {
                *count = None;
            }
        }
        (r.took_up_treatment, r.took_up_control) = (None, None);
        r.clear_figures();
        r.suppressed = true;
        tally.add(Some(Rule::Primary));
    }
    tally
}

/// The data-quality shares of ids found elsewhere (SPEC section 6,
/// "Everything else the report prints"): never a count; a share is hidden
/// when the ids behind it, those found or those not found number between
/// 1 and `k − 1`.
pub fn coverage(counts: &[IdCounts], k: u64) -> Vec<IdCoverage> {
    let share = |ids: u64, found: Option<u64>| match found {
        None => Share::NotApplicable,
        Some(_) if ids == 0 => Share::NotApplicable,
        Some(f) if [ids, f, ids - f].iter().any(|c| small(*c, k)) => Share::Hidden,
        Some(f) => Share::Of(f as f64 / ids as f64),
    };
    counts
        .iter()
        .map(|c| IdCoverage {
            input: c.input.clone(),
            in_users: share(c.ids, c.in_users),
            in_outcomes: share(c.ids, c.in_outcomes),
        })
        .collect()
}

#[cfg(test)]
mod tests;
