//! Randomized impact, intention to treat (SPEC section 4): every accepted
//! assignment whose window `[assigned_on, assigned_on + W]` is complete by
//! `as_of` counts, whether or not the user used the product. Rates get the
//! Newcombe interval, the Katz risk-ratio interval and the pooled z-test;
//! values get Welch. Every row carries the ratio check, the MDE and the
//! log-rank test of the full arms.
//!
//! Not responsible for the estimators: `stats` holds them.

use super::lookup::{OutcomeIndex, first_on_or_after, value_sum};
use super::reach::ratio;
use crate::ingest::Assignment;
use crate::stats;
use crate::tables::ImpactRow;

/// What one (product, outcome, window) needs besides the assignments.
pub struct Question<'a> {
    pub project_id: &'a str,
    pub outcome: &'a str,
    pub code: Option<u32>,
    pub window: i32,
    pub primary: bool,
    pub allocation: f64,
    pub has_values: bool,
    pub logrank: Option<stats::LogRank>,
}

#[derive(Default)]
struct Arm {
    n: u64,
    with: u64,
    values: Vec<f64>,
}

/// The rate row and, when the outcome has values, the mean_value row.
pub fn rows(q: &Question<'_>, assignments: &[Assignment], index: &OutcomeIndex<'_>, as_of: i32) -> Vec<ImpactRow> {
    let (mut t, mut c) = (Arm::default(), Arm::default());
    for a in assignments.iter().filter(|a| a.day + q.window <= as_of) {
        let arm = if a.treatment { &mut t } else { &mut c };
        let rows = index.rows(a.user, q.code);
        arm.n += 1;
        arm.with += u64::from(first_on_or_after(rows, a.day).is_some_and(|d| d <= a.day + q.window));
        if q.has_values {
            arm.values.push(value_sum(rows, a.day, a.day + q.window));
        }
    }
    let mut out = vec![rate_row(q, &t, &c)];
    if q.has_values {
        out.push(mean_row(q, &t, &c));
    }
    out
}

fn base(q: &Question<'_>, metric: &str, t: &Arm, c: &Arm) -> ImpactRow {
    ImpactRow {
        project_id: q.project_id.to_owned(),
        outcome: q.outcome.to_owned(),
        window_days: q.window,
        metric: metric.to_owned(),
        primary: false,
        n_treatment: Some(t.n),
        n_control: Some(c.n),
        with_outcome_treatment: Some(t.with),
        with_outcome_control: Some(c.with),
        treatment: None,
        control: None,
        difference: None,
        ci_low: None,
        ci_high: None,
        relative_uplift: None,
        rel_ci_low: None,
        rel_ci_high: None,
        p_value: None,
        srm_p: stats::srm_p_value(t.n, c.n, q.allocation),
        mde: None,
        logrank_chi2: q.logrank.map(|l| l.chi2),
        logrank_p: q.logrank.map(|l| l.p_value),
        cost_per_additional_outcome: None,
        cost_low: None,
        cost_high: None,
        suppressed: false,
    }
}

fn rate_row(q: &Question<'_>, t: &Arm, c: &Arm) -> ImpactRow {
    let mut row = base(q, "rate", t, c);
    row.primary = q.primary;
    let (Some(pt), Some(pc)) = (ratio(t.with as f64, t.n), ratio(c.with as f64, c.n)) else {
        return row;
    };
    let interval = stats::newcombe_difference(t.with, t.n, c.with, c.n);
    let rr = stats::katz_risk_ratio(t.with, t.n, c.with, c.n);
    row.treatment = Some(pt);
    row.control = Some(pc);
    row.difference = Some(pt - pc);
    row.ci_low = interval.map(|i| i.low);
    row.ci_high = interval.map(|i| i.high);
    row.relative_uplift = (pc > 0.0).then(|| (pt - pc) / pc);
    row.rel_ci_low = rr.map(|i| i.low - 1.0);
    row.rel_ci_high = rr.map(|i| i.high - 1.0);
    row.p_value = stats::two_proportion_p_value(t.with, t.n, c.with, c.n);
    row.mde = stats::mde_rate(pc, t.n, c.n);
    row
}

fn mean_row(q: &Question<'_>, t: &Arm, c: &Arm) -> ImpactRow {
    let mut row = base(q, "mean_value", t, c);
    if t.n == 0 || c.n == 0 {
        return row;
    }
    let (st, sc) = (stats::Summary::from_values(&t.values), stats::Summary::from_values(&c.values));
    row.treatment = Some(st.mean);
    row.control = Some(sc.mean);
    row.difference = Some(st.mean - sc.mean);
    row.relative_uplift = (sc.mean != 0.0).then(|| (st.mean - sc.mean) / sc.mean);
    if let Some(w) = stats::welch(st, sc) {
        row.ci_low = Some(w.interval.low);
        row.ci_high = Some(w.interval.high);
        row.p_value = Some(w.p_value);
    }
    row.mde = stats::pooled_sd(st, sc).and_then(|sd| stats::mde_mean(sd, t.n, c.n));
    row
}

/// Cost per additional outcome (SPEC "Efficiency"), on rate rows with a
/// positive difference; `new_users_12` is N12.
pub fn add_cost(row: &mut ImpactRow, annual_cost_eur: f64, new_users_12: u64) {
    let n12 = new_users_12 as f64;
    let Some(difference) = row.difference.filter(|d| *d > 0.0 && n12 > 0.0) else {
        return;
    };
    row.cost_per_additional_outcome = Some(annual_cost_eur / (difference * n12));
    row.cost_low = row.ci_high.filter(|h| *h > 0.0).map(|h| annual_cost_eur / (h * n12));
    row.cost_high = row.ci_low.filter(|l| *l > 0.0).map(|l| annual_cost_eur / (l * n12));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::OutcomeRow;

    const OUTCOME: u32 = 0;

    fn question(has_values: bool) -> Question<'static> {
        Question {
            project_id: "p",
            outcome: "employment",
            code: Some(OUTCOME),
            window: 90,
            primary: true,
            allocation: 0.5,
            has_values,
            logrank: None,
        }
    }

    /// `with` of `n` users of one arm have the outcome `offset` days after
    /// their assignment on day 0; users are numbered from `first`.
    fn arm(first: u32, n: u32, with: u32, treatment: bool, offset: i32) -> (Vec<Assignment>, Vec<OutcomeRow>) {
        let assignments = (first..first + n).map(|u| Assignment::accepted(0, u, treatment, 0)).collect();
        let outcomes = (first..first + with)
            .map(|u| OutcomeRow { user: u, outcome: OUTCOME, day: offset, seq: u, value: Some(f64::from(u % 7)) })
            .collect();
        (assignments, outcomes)
    }

    /// Newcombe (1998), Table II example (a): 56/70 − 48/80 = 0.2000 with the
    /// method 10 interval [0.0524, 0.3339], through the whole impact row.
    #[test]
    fn newcombe_example_through_the_rate_row() {
        let (mut assignments, mut outcomes) = arm(0, 70, 56, true, 30);
        let (control, control_outcomes) = arm(70, 80, 48, false, 90);
        assignments.extend(control);
        outcomes.extend(control_outcomes);
        let index = OutcomeIndex::of_rows(&outcomes, 150);
        let rows = rows(&question(false), &assignments, &index, 90);
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert!(r.primary);
        assert_eq!((r.n_treatment, r.n_control), (Some(70), Some(80)));
        assert_eq!((r.with_outcome_treatment, r.with_outcome_control), (Some(56), Some(48)));
        assert!((r.difference.unwrap() - 0.2).abs() < 1e-12);
        assert!((r.ci_low.unwrap() - 0.0524).abs() < 5e-5, "{:?}", r.ci_low);
        assert!((r.ci_high.unwrap() - 0.3339).abs() < 5e-5, "{:?}", r.ci_high);
        // Relative uplift 0.8 / 0.6 − 1 = 1/3.
        assert!((r.relative_uplift.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    }

    /// The window is `[assigned_on, assigned_on + W]`, both ends included;
    /// an assignment whose window is not over by `as_of` does not count.
    #[test]
    fn window_ends_and_incomplete_assignments() {
        let assignments = vec![
            Assignment::accepted(0, 0, true, 0),
            Assignment::accepted(0, 1, true, 0),
            Assignment::accepted(0, 2, false, 0),
            Assignment::accepted(0, 3, false, 5),
        ];
        let outcomes = vec![
            OutcomeRow { user: 0, outcome: OUTCOME, day: 90, seq: 0, value: Some(100.0) },
            OutcomeRow { user: 1, outcome: OUTCOME, day: 91, seq: 1, value: Some(50.0) },
            OutcomeRow { user: 2, outcome: OUTCOME, day: 0, seq: 2, value: None },
        ];
        let index = OutcomeIndex::of_rows(&outcomes, 4);
        let rows = rows(&question(true), &assignments, &index, 94);
        let (rate, mean) = (&rows[0], &rows[1]);
        assert_eq!((rate.n_treatment, rate.n_control), (Some(2), Some(1)), "user 3's window ends on day 95");
        assert_eq!((rate.with_outcome_treatment, rate.with_outcome_control), (Some(1), Some(1)));
        assert_eq!(rate.difference, Some(-0.5));
        assert_eq!(mean.metric, "mean_value");
        assert!(!mean.primary);
        // Treatment values inside the window: 100 and 0; control: a null value counts 0.
        assert_eq!((mean.treatment, mean.control), (Some(50.0), Some(0.0)));
        assert_eq!(mean.relative_uplift, None, "control mean 0");
        assert_eq!(mean.ci_low, None, "an arm of one has no Welch interval");
    }

    #[test]
    fn cost_only_for_a_positive_difference() {
        let (assignments, outcomes) = arm(0, 10, 5, true, 1);
        let index = OutcomeIndex::of_rows(&outcomes, 10);
        let mut row = rows(&question(false), &assignments, &index, 90).remove(0);
        assert_eq!(row.difference, None, "no control arm");
        add_cost(&mut row, 120_000.0, 1000);
        assert_eq!(row.cost_per_additional_outcome, None);
        row.difference = Some(0.1);
        row.ci_low = Some(-0.02);
        row.ci_high = Some(0.2);
        add_cost(&mut row, 120_000.0, 1000);
        assert_eq!(row.cost_per_additional_outcome, Some(1200.0));
        assert_eq!(row.cost_low, Some(600.0));
        assert_eq!(row.cost_high, None, "not demonstrated when ci_low ≤ 0");
    }
}
