//! Randomized impact, intention to treat (SPEC section 4): every accepted
//! assignment whose window `[assigned_on, assigned_on + W]` is complete by
//! `as_of` counts, whether or not the user used the product. Rates get the
//! Newcombe interval, the Katz risk-ratio interval and the pooled z-test;
//! values get Welch. Every row carries the ratio check, the MDE, the
//! log-rank test of the full arms, the always-valid interval tuned by
//! `planned_n`, the CUPED estimate on the same metric over the pre-window
//! `[assigned_on − W, assigned_on − 1]`, and the take-up shares with the
//! effect on the users who took the product up (CACE). The q-value is set
//! here too, but only once disclosure control is done ([`add_q_values`]).
//!
//! Not responsible for the estimators (`stats` holds them) nor for finding
//! each assignment's first use of the product: the pass over the events
//! does that (`kpi::record_first_use`).

use super::lookup::{OutcomeIndex, first_on_or_after, value_sum};
use super::reach::ratio;
use crate::ingest::Assignment;
use crate::stats::{self, Moments, TakeUpSums};
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
    /// `N*` of the confidence sequence.
    pub planned_n: u64,
}

/// One product's assignments and, beside each, the first local day on or
/// after `assigned_on` with an event of that product (`None`: no use since).
pub struct Arms<'a> {
    pub assignments: &'a [Assignment],
    pub first_use: &'a [Option<i32>],
}

/// One arm's sums. `rate` and `value` hold the pairs (pre-window, window)
/// of the 0/1 outcome and of the value sum, for CUPED; the take-up sums are
/// over the same outcome `y`, for the CACE.
#[derive(Default)]
struct Arm {
    n: u64,
    with: u64,
    took_up: u64,
    values: Vec<f64>,
    rate: Moments,
    value: Moments,
    rate_takeup: TakeUpSums,
    value_takeup: TakeUpSums,
}

impl Arm {
    /// One assigned user: whether they had the outcome in the window and
    /// before it, their value sums there, and whether they took it up.
    fn add(&mut self, had: bool, had_before: bool, value: Option<(f64, f64)>, took_up: bool) {
        self.n += 1;
        self.with += u64::from(had);
        self.took_up += u64::from(took_up);
        let y = f64::from(u8::from(had));
        self.rate.push(f64::from(u8::from(had_before)), y);
        add_takeup(&mut self.rate_takeup, y, took_up);
        if let Some((value, before)) = value {
            self.values.push(value);
            self.value.push(before, value);
            add_takeup(&mut self.value_takeup, value, took_up);
        }
    }
}

fn add_takeup(sums: &mut TakeUpSums, y: f64, took_up: bool) {
    sums.n += 1;
    sums.sum_y += y;
    sums.sum_y2 += y * y;
    if took_up {
        sums.took_up += 1;
        sums.sum_y_took_up += y;
    }
}

/// The rate row and, when the outcome has values, the mean_value row.
pub fn rows(q: &Question<'_>, arms: &Arms<'_>, index: &OutcomeIndex<'_>, as_of: i32) -> Vec<ImpactRow> {
    let (mut t, mut c) = (Arm::default(), Arm::default());
    let (w, code) = (q.window, q.code);
    let complete = arms.assignments.iter().zip(arms.first_use).filter(|(a, _)| a.day + w <= as_of);
    for (a, first_use) in complete {
        let rows = index.rows(a.user, code);
        let had = first_on_or_after(rows, a.day).is_some_and(|d| d <= a.day + w);
        let had_before = first_on_or_after(rows, a.day - w).is_some_and(|d| d < a.day);
        let value = q.has_values.then(|| (value_sum(rows, a.day, a.day + w), value_sum(rows, a.day - w, a.day - 1)));
        let took_up = first_use.is_some_and(|d| d <= a.day + w);
        let arm = if a.treatment { &mut t } else { &mut c };
        arm.add(had, had_before, value, took_up);
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
        n_treatment: Some(t.n),
        n_control: Some(c.n),
        with_outcome_treatment: Some(t.with),
        with_outcome_control: Some(c.with),
        srm_p: stats::srm_p_value(t.n, c.n, q.allocation),
        logrank_chi2: q.logrank.map(|l| l.chi2),
        logrank_p: q.logrank.map(|l| l.p_value),
        takeup_treatment: t.rate_takeup.share(),
        takeup_control: c.rate_takeup.share(),
        took_up_treatment: Some(t.took_up),
        took_up_control: Some(c.took_up),
        ..ImpactRow::default()
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
    add_sequential(&mut row, stats::rate_difference(t.with, t.n, c.with, c.n), q.planned_n);
    add_cuped(&mut row, t.rate, c.rate);
    add_cace(&mut row, t.rate_takeup, c.rate_takeup);
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
    add_sequential(&mut row, stats::mean_difference(st, sc), q.planned_n);
    add_cuped(&mut row, t.value, c.value);
    add_cace(&mut row, t.value_takeup, c.value_takeup);
    row
}

/// `seq_ci_low`, `seq_ci_high`, `seq_p_value`: null where the difference
/// or its variance is.
fn add_sequential(row: &mut ImpactRow, difference: Option<stats::Difference>, planned_n: u64) {
    let Some(s) = difference.and_then(|d| stats::confidence_sequence(d, planned_n)) else { return };
    row.seq_ci_low = Some(s.interval.low);
    row.seq_ci_high = Some(s.interval.high);
    row.seq_p_value = Some(s.p_value);
}

/// The CUPED columns: all null when an arm has fewer than two users, all
/// but `cuped_theta` when the adjusted standard error is 0.
fn add_cuped(row: &mut ImpactRow, t: Moments, c: Moments) {
    let Some(adjusted) = stats::cuped(t, c) else { return };
    row.cuped_theta = Some(adjusted.theta);
    let Some(e) = adjusted.estimate else { return };
    row.cuped_difference = Some(e.welch.difference);
    row.cuped_ci_low = Some(e.welch.interval.low);
    row.cuped_ci_high = Some(e.welch.interval.high);
    row.cuped_p_value = Some(e.welch.p_value);
    row.variance_reduction = e.variance_reduction;
}

/// `cace` and its interval: null unless assignment raised take-up.
fn add_cace(row: &mut ImpactRow, t: TakeUpSums, c: TakeUpSums) {
    let Some(effect) = stats::cace(t, c) else { return };
    row.cace = Some(effect.estimate);
    row.cace_ci_low = Some(effect.interval.low);
    row.cace_ci_high = Some(effect.interval.high);
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

/// `q_value` (SPEC "multiplicity"): Benjamini–Hochberg over every non-null
/// `p_value` of the published rows, both metrics, ties in table order.
/// It must run after disclosure control: a suppressed row takes no part
/// and gets none, so that no q-value gives a hidden p-value back.
pub fn add_q_values(rows: &mut [ImpactRow]) {
    let published: Vec<Option<f64>> = rows.iter().map(|r| r.p_value.filter(|_| !r.suppressed)).collect();
    for (row, q) in rows.iter_mut().zip(stats::benjamini_hochberg(&published)) {
        row.q_value = q;
    }
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
            planned_n: 5000,
        }
    }

    /// The rows of assignments none of whom used the product.
    fn read(q: &Question<'_>, assignments: &[Assignment], index: &OutcomeIndex<'_>, as_of: i32) -> Vec<ImpactRow> {
        let first_use = vec![None; assignments.len()];
        rows(q, &Arms { assignments, first_use: &first_use }, index, as_of)
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

    #[track_caller]
    fn assert_close(actual: Option<f64>, expected: f64, tolerance: f64) {
        let actual = actual.expect("a value");
        assert!((actual - expected).abs() <= tolerance * expected.abs().max(1e-300), "{actual} vs {expected}");
    }

    /// Newcombe (1998), Table II example (a): 56/70 − 48/80 = 0.2000 with the
    /// method 10 interval [0.0524, 0.3339], through the whole impact row.
    /// The always-valid interval of the same arms is gbstats 0.8.0's
    /// `SequentialTwoSidedTTest` (the script in `stats::sequential`'s
    /// tests): [-0.21298403973361085, 0.612984039733611], p
    /// 0.5374917903977718 with tuning 5000; [-0.03262381650135826,
    /// 0.4326238165013584], p 0.12802389724205984 with tuning 500.
    #[test]
    fn newcombe_example_through_the_rate_row() {
        let (mut assignments, mut outcomes) = arm(0, 70, 56, true, 30);
        let (control, control_outcomes) = arm(70, 80, 48, false, 90);
        assignments.extend(control);
        outcomes.extend(control_outcomes);
        let index = OutcomeIndex::of_rows(&outcomes, 150);
        let rows = read(&question(false), &assignments, &index, 90);
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
        assert_close(r.seq_ci_low, -0.212_984_039_733_610_85, 1e-13);
        assert_close(r.seq_ci_high, 0.612_984_039_733_611, 1e-13);
        assert_close(r.seq_p_value, 0.537_491_790_397_771_8, 1e-13);
        let tuned = Question { planned_n: 500, ..question(false) };
        let r = &read(&tuned, &assignments, &index, 90)[0];
        assert_close(r.seq_ci_low, -0.032_623_816_501_358_26, 1e-13);
        assert_close(r.seq_ci_high, 0.432_623_816_501_358_4, 1e-13);
        assert_close(r.seq_p_value, 0.128_023_897_242_059_84, 1e-13);
        // Nobody used the product: no take-up, so no effect on users.
        assert_eq!((r.takeup_treatment, r.takeup_control), (Some(0.0), Some(0.0)));
        assert_eq!(r.cace, None, "u_t − u_c = 0");
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
        let rows = read(&question(true), &assignments, &index, 94);
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
        // An arm of one: no sample variance, so no always-valid interval
        // on the mean and no CUPED on either metric.
        assert_eq!((mean.seq_ci_low, mean.seq_ci_high, mean.seq_p_value), (None, None, None));
        assert_eq!((rate.cuped_theta, rate.cuped_difference, mean.cuped_theta), (None, None, None));
    }

    /// Four users per arm, assigned on day 100, W = 30, each line below one
    /// user: `x` the pre-window [70, 99], `y` the window [100, 130], take-up
    /// from the first use on or after day 100.
    ///
    /// | user | outcome days | x | y | first use | took up |
    /// | t0 | 70, 110  | 1 (day − W counts) | 1 | 100 (the day) | yes |
    /// | t1 | 99, 130  | 1 (day − 1)        | 1 (day + W) | 130 (day + W) | yes |
    /// | t2 | 69       | 0 (day − W − 1)    | 0 | 131 | no |
    /// | t3 | 100      | 0 (the day is not before) | 1 | none | no |
    /// | c0 | 80       | 1 | 0 | 105 | yes |
    /// | c1 | —        | 0 | 0 | none | no |
    /// | c2 | 131      | 0 | 0 (day + W + 1) | none | no |
    /// | c3 | 90, 120  | 1 | 1 | none | no |
    fn hand_arms() -> (Vec<Assignment>, Vec<OutcomeRow>, Vec<Option<i32>>) {
        let days: [&[i32]; 8] = [&[70, 110], &[99, 130], &[69], &[100], &[80], &[], &[131], &[90, 120]];
        let assignments = (0..8).map(|u| Assignment::accepted(0, u, u < 4, 100)).collect();
        let mut outcomes = Vec::new();
        for (user, days) in (0u32..).zip(days) {
            for &day in days {
                outcomes.push(OutcomeRow { user, outcome: OUTCOME, day, seq: 0, value: None });
            }
        }
        let first_use = vec![Some(100), Some(130), Some(131), None, Some(105), None, None, None];
        (assignments, outcomes, first_use)
    }

    /// The CUPED and CACE columns of [`hand_arms`], computed by hand.
    ///
    /// CUPED: pooled x̄ = ȳ = 0.5, Σ(x − x̄)² = 2, Σ(x − x̄)(y − ȳ) = 1, so
    /// θ = 0.5. Treatment: ȳ = 0.75, x̄ = 0.5, var(y) = 0.25, var(x) = 1/3,
    /// cov = 1/6, V_t = 0.25 + 0.25/3 − 2·0.5/6 = 1/6; control alike
    /// (ȳ = 0.25), V_c = 1/6. Difference (0.75 − 0.25) − 0.5·(0.5 − 0.5) =
    /// 0.5; se² = 1/24 + 1/24 = 1/12 against 0.25/4 + 0.25/4 = 1/8
    /// unadjusted: variance reduction 1/3. Welch–Satterthwaite df = 6; with
    /// mpmath 1.3.0 (`findroot` on the regularized incomplete beta
    /// `betainc(3, 1/2, 0, 6/(6 + t²))`) t(0.975, 6) = 2.446911851144970,
    /// interval 0.5 ∓ t·sqrt(1/12) = [−0.2063626079709170,
    /// 1.206362607970917], p = betainc at t² = 3 = 0.1339745962155614.
    ///
    /// CACE: u_t = 2/4, u_c = 1/4, cace = 0.5 / 0.25 = 2. Plug-in moments
    /// (divisor n): var_t(y) = var_c(y) = 0.1875, V_y = 2·0.1875/4 = 0.09375;
    /// V_d = 0.25/4 + 0.1875/4 = 0.109375; cov_t(y, t) = 2/4 − 0.75·0.5 =
    /// 0.125, cov_c(y, t) = 0 − 0.25·0.25 = −0.0625, C = 0.015625;
    /// W = (0.09375 − 4·0.015625 + 4·0.109375)/0.0625 = 7.5, interval
    /// 2 ∓ 1.959963984540054·sqrt(7.5) = [−3.367582431151471, 7.367582431151471].
    #[test]
    fn pre_window_take_up_cuped_and_cace_by_hand() {
        let (assignments, outcomes, first_use) = hand_arms();
        let index = OutcomeIndex::of_rows(&outcomes, 8);
        let q = Question { window: 30, ..question(false) };
        let r = &rows(&q, &Arms { assignments: &assignments, first_use: &first_use }, &index, 130)[0];
        assert_eq!((r.with_outcome_treatment, r.with_outcome_control), (Some(3), Some(1)));
        assert_eq!((r.took_up_treatment, r.took_up_control), (Some(2), Some(1)));
        assert_eq!((r.takeup_treatment, r.takeup_control), (Some(0.5), Some(0.25)));
        assert_close(r.cuped_theta, 0.5, 1e-15);
        assert_close(r.cuped_difference, 0.5, 1e-15);
        assert_close(r.variance_reduction, 1.0 / 3.0, 1e-14);
        assert_close(r.cuped_ci_low, -0.206_362_607_970_917, 1e-9);
        assert_close(r.cuped_ci_high, 1.206_362_607_970_917, 1e-9);
        assert_close(r.cuped_p_value, 0.133_974_596_215_561_4, 1e-9);
        assert_close(r.cace, 2.0, 1e-15);
        assert_close(r.cace_ci_low, -3.367_582_431_151_471, 1e-14);
        assert_close(r.cace_ci_high, 7.367_582_431_151_471, 1e-14);
    }

    /// The pre-window of a value is the sum of its values over
    /// `[assigned_on − W, assigned_on − 1]`: numbering the outcome rows'
    /// values 1, 2, … the pairs are those listed below, which the row must
    /// hand to CUPED (t2's value on day 69 falls before the pre-window).
    #[test]
    fn pre_window_of_a_value_is_its_sum_there() {
        let (assignments, mut outcomes, first_use) = hand_arms();
        for (i, o) in outcomes.iter_mut().enumerate() {
            o.value = Some(f64::from(u8::try_from(i).unwrap() + 1));
        }
        // Rows: t0 70→1, 110→2; t1 99→3, 130→4; t2 69→5; t3 100→6; c0 80→7;
        // c2 131→8; c3 90→9, 120→10. Pairs (x, y): t (1, 2), (3, 4), (0, 0),
        // (0, 6); c (7, 0), (0, 0), (0, 0), (9, 10).
        let pairs = [(1.0, 2.0), (3.0, 4.0), (0.0, 0.0), (0.0, 6.0), (7.0, 0.0), (0.0, 0.0), (0.0, 0.0), (9.0, 10.0)];
        let (mut t, mut c) = (Moments::default(), Moments::default());
        for (i, (x, y)) in pairs.into_iter().enumerate() {
            if i < 4 { t.push(x, y) } else { c.push(x, y) }
        }
        let expected = stats::cuped(t, c).unwrap();
        let index = OutcomeIndex::of_rows(&outcomes, 8);
        let q = Question { window: 30, ..question(true) };
        let mean = &rows(&q, &Arms { assignments: &assignments, first_use: &first_use }, &index, 130)[1];
        assert_eq!((mean.treatment, mean.control), (Some(3.0), Some(2.5)));
        assert_eq!(mean.cuped_theta, Some(expected.theta));
        assert_eq!(mean.cuped_difference, expected.estimate.map(|e| e.welch.difference));
        assert!(mean.cuped_theta.unwrap() > 0.0);
        // CACE of the means: (3 − 2.5) / (0.5 − 0.25) = 2.
        assert_close(mean.cace, 2.0, 1e-15);
    }

    /// SPEC's null rules: the always-valid interval is null where V = 0;
    /// CUPED keeps only θ where the adjusted standard error is 0; the CACE
    /// is null where take-up is not higher under treatment; take-up shares
    /// are null for an empty arm.
    #[test]
    fn null_rules() {
        // Nobody has the outcome, before or after: V = 0, se = 0.
        let (mut assignments, _) = arm(0, 5, 0, true, 0);
        assignments.extend(arm(5, 5, 0, false, 0).0);
        let index = OutcomeIndex::of_rows(&[], 10);
        let first_use: Vec<Option<i32>> = (0..10).map(|u| (u >= 5).then_some(0)).collect();
        let r = &rows(&question(false), &Arms { assignments: &assignments, first_use: &first_use }, &index, 90)[0];
        assert_eq!(r.difference, Some(0.0));
        assert_eq!((r.seq_ci_low, r.seq_ci_high, r.seq_p_value), (None, None, None));
        assert_eq!(r.cuped_theta, Some(0.0), "var(x) = 0 gives θ = 0");
        assert_eq!(
            (r.cuped_difference, r.cuped_ci_low, r.cuped_p_value, r.variance_reduction),
            (None, None, None, None)
        );
        assert_eq!((r.takeup_treatment, r.takeup_control), (Some(0.0), Some(1.0)));
        assert_eq!((r.cace, r.cace_ci_low, r.cace_ci_high), (None, None, None), "u_t − u_c = −1");
        // Only a treatment arm: no control share, no estimate at all.
        let (alone, _) = arm(0, 5, 0, true, 0);
        let r = &read(&question(false), &alone, &index, 90)[0];
        assert_eq!((r.takeup_treatment, r.takeup_control), (Some(0.0), None));
        assert_eq!((r.seq_ci_low, r.cuped_theta, r.cace), (None, None, None));
    }

    /// Only published p-values take part: m = 3 here, the suppressed row's
    /// 0.001 and the null p-value left out. By hand, sorted 0.01, 0.03,
    /// 0.04 give m·p/j = 0.03, 0.045, 0.04, whose running minimum from the
    /// top is 0.03, 0.04, 0.04 (statsmodels `multipletests([0.01, 0.04,
    /// 0.03], method="fdr_bh")` gives the same, see `stats::multiplicity`).
    #[test]
    fn q_values_over_the_published_rows() {
        let row = |p: Option<f64>, suppressed: bool| ImpactRow { p_value: p, suppressed, ..ImpactRow::default() };
        let mut rows = vec![
            row(Some(0.01), false),
            row(Some(0.001), true),
            row(Some(0.04), false),
            row(None, false),
            row(Some(0.03), false),
        ];
        // A suppressed row's figures are already null; this one keeps its
        // p-value only to show that the step ignores it anyway.
        add_q_values(&mut rows);
        let q: Vec<Option<f64>> = rows.iter().map(|r| r.q_value).collect();
        let expected = [Some(0.03), None, Some(0.04), None, Some(0.04)];
        for (q, e) in q.iter().zip(expected) {
            match (q, e) {
                (Some(q), Some(e)) => assert!((q - e).abs() < 1e-15, "{q} vs {e}"),
                (q, e) => assert_eq!(*q, e),
            }
        }
    }

    #[test]
    fn cost_only_for_a_positive_difference() {
        let (assignments, outcomes) = arm(0, 10, 5, true, 1);
        let index = OutcomeIndex::of_rows(&outcomes, 10);
        let mut row = read(&question(false), &assignments, &index, 90).remove(0);
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
