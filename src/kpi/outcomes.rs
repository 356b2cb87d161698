//! Observed outcome rates by cohort (SPEC section 4): a user of cohort `c`
//! has outcome `o` within `W` days when an `o` row falls in
//! `[first_seen, first_seen + W]`, both ends inclusive; the rate carries a
//! Wilson 95% interval. Observed, not causal.
//!
//! Not responsible for finding the rows: `lookup` does.

use super::calendar::Calendar;
use super::lookup::{OutcomeIndex, first_on_or_after};
use super::reach::ratio;
use crate::stats;
use crate::tables::OutcomeRow;
use crate::tz;

/// The outcomes and windows measured for one product (or the portfolio).
#[derive(Debug, Clone)]
pub struct Plan {
    /// Name and code (None when no row of that outcome exists).
    pub outcomes: Vec<(String, Option<u32>)>,
    pub windows: Vec<i32>,
}

impl Plan {
    fn cells(&self) -> usize {
        self.outcomes.len() * self.windows.len()
    }

    /// For one user with index date `index`: whether each (outcome, window)
    /// is reached, outcome-major.
    pub fn hits(&self, index: &OutcomeIndex<'_>, user: u32, day: i32, out: &mut Vec<bool>) {
        out.clear();
        for (_, code) in &self.outcomes {
            let first = first_on_or_after(index.rows(user, *code), day);
            out.extend(self.windows.iter().map(|w| first.is_some_and(|d| d <= day + w)));
        }
    }
}

/// `with[c * cells + o * windows + w]`: users of cohort `c` with the outcome.
#[derive(Debug, Clone)]
pub struct Counts {
    with: Vec<u64>,
    cells: usize,
}

impl Counts {
    pub fn new(cal: &Calendar, plan: &Plan) -> Counts {
        Counts { with: vec![0; cal.months * plan.cells()], cells: plan.cells() }
    }

    pub fn add(&mut self, cohort: usize, hits: &[bool]) {
        let base = cohort * self.cells;
        for (i, hit) in hits.iter().enumerate() {
            self.with[base + i] += u64::from(*hit);
        }
    }
}

pub struct Cohorts<'a> {
    pub sizes: &'a [u64],
    pub left_truncated: &'a dyn Fn(usize) -> bool,
}

pub fn rows(
    project_id: &str,
    segment: &str,
    counts: &Counts,
    cohorts: &Cohorts<'_>,
    plan: &Plan,
    cal: &Calendar,
) -> Vec<OutcomeRow> {
    let mut rows = Vec::new();
    for c in (0..cal.months).filter(|c| cohorts.sizes[*c] > 0) {
        let users = cohorts.sizes[c];
        let cohort_end = tz::month_end(cal.month_start(c));
        for (o, (outcome, _)) in plan.outcomes.iter().enumerate() {
            for (w, window) in plan.windows.iter().enumerate() {
                let with = counts.with[c * counts.cells + o * plan.windows.len() + w];
                let interval = stats::wilson(with, users);
                rows.push(OutcomeRow {
                    project_id: project_id.to_owned(),
                    segment: segment.to_owned(),
                    cohort_month: cal.month_start(c),
                    outcome: outcome.clone(),
                    window_days: *window,
                    users: Some(users),
                    with_outcome: Some(with),
                    rate: ratio(with as f64, users),
                    ci_low: interval.map(|i| i.low),
                    ci_high: interval.map(|i| i.high),
                    complete: cohort_end + window <= cal.as_of,
                    left_truncated: (cohorts.left_truncated)(c),
                    suppressed: false,
                });
            }
        }
    }
    rows
}
