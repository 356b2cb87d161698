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

    /// Adds the counts of other users (another group of partitions).
    pub fn merge(&mut self, other: &Counts) {
        self.with.iter_mut().zip(&other.with).for_each(|(m, t)| *m += t);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::OutcomeRow as Row;
    use crate::tz::day_of;

    /// Hand-computed: cohort September 2026 (3 users seen on Sept 10),
    /// windows 30 and 90, as_of 2026-12-31. User 0's outcome falls on
    /// Oct 10 (day 30: inside both windows, the end is inclusive), user 1's
    /// on Oct 11 (day 31: inside 90 only), user 2 has another outcome only.
    #[test]
    fn rates_by_cohort_and_window() {
        let sept = day_of(2026, 9, 1).unwrap();
        let index_day = day_of(2026, 9, 10).unwrap();
        let cal = Calendar::new(sept, sept, day_of(2026, 12, 31).unwrap());
        let outcomes = vec![
            Row { user: 0, outcome: 0, day: index_day + 30, seq: 0, value: None },
            Row { user: 1, outcome: 0, day: index_day + 31, seq: 1, value: None },
            Row { user: 2, outcome: 1, day: index_day + 1, seq: 2, value: None },
        ];
        let index = OutcomeIndex::of_rows(&outcomes, 3);
        let plan = Plan { outcomes: vec![("employment".into(), Some(0))], windows: vec![30, 90] };
        let mut counts = Counts::new(&cal, &plan);
        let mut hits = Vec::new();
        for user in 0..3 {
            plan.hits(&index, user, index_day, &mut hits);
            counts.add(0, &hits);
        }
        let cohorts = Cohorts { sizes: &[3], left_truncated: &|_| false };
        let rows = rows("p", "all", &counts, &cohorts, &plan, &cal);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].window_days, rows[0].with_outcome, rows[0].users), (30, Some(1), Some(3)));
        assert_eq!((rows[1].window_days, rows[1].with_outcome), (90, Some(2)));
        // Wilson (1927) 95% score interval for 1/3, computed by hand from the
        // formula with z = 1.959964: [0.0614919, 0.7923404].
        assert!((rows[0].ci_low.unwrap() - 0.061_492).abs() < 1e-6, "{:?}", rows[0].ci_low);
        assert!((rows[0].ci_high.unwrap() - 0.792_340).abs() < 1e-6, "{:?}", rows[0].ci_high);
        // Sept 30 + 30 = Oct 30 ≤ as_of; Sept 30 + 90 = Dec 29 ≤ as_of.
        assert!(rows[0].complete && rows[1].complete);
    }

    #[test]
    fn incomplete_window_and_empty_cohorts() {
        let sept = day_of(2026, 9, 1).unwrap();
        let oct = day_of(2026, 10, 1).unwrap();
        let cal = Calendar::new(sept, oct, day_of(2026, 11, 15).unwrap());
        let plan = Plan { outcomes: vec![("employment".into(), None)], windows: vec![30, 90] };
        let counts = Counts::new(&cal, &plan);
        let cohorts = Cohorts { sizes: &[0, 2], left_truncated: &|c| c == 1 };
        let rows = rows("p", "all", &counts, &cohorts, &plan, &cal);
        assert_eq!(rows.len(), 2, "no row for the empty September cohort");
        assert!(rows.iter().all(|r| r.cohort_month == oct && r.left_truncated && r.with_outcome == Some(0)));
        // Oct 31 + 30 = Nov 30 is after as_of (Nov 15).
        assert!(!rows[0].complete && !rows[1].complete);
        assert_eq!(rows[0].rate, Some(0.0));
    }
}
