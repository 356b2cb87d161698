//! Kaplan–Meier curves from rounded counts (SPEC section 6, "Survival"): a
//! curve's steps give its counts back (`1 − S` times `n`, differences of
//! the risk set), so each arm is published from its cumulative events and
//! censorings rounded down to multiples of `k`, and every figure of the
//! curve and its summary is recomputed from those rows as if they were the
//! data — the approach of OpenSAFELY's `kaplan-meier-function`, which
//! rounds to midpoints where jauge rounds down. An arm of fewer than `k`
//! people is not published at all.
//!
//! Not responsible for the estimators (`stats::survival`) nor for the
//! log-rank test, which uses the unrounded data.

use std::collections::BTreeMap;

use super::Suppressed;
use super::book::Rule;
use crate::stats::{self, DayCounts};
use crate::tables::{SurvivalRow, SurvivalSummaryRow};

/// The rows of a curve rounded down: with `E(t)` and `C(t)` the cumulative
/// events and censorings up to and including day `t`, one row per day
/// where `k·⌊E/k⌋` or `k·⌊C/k⌋` changes, holding the changes.
pub fn round_down(days: &[DayCounts], k: u64) -> Vec<DayCounts> {
    let (mut events, mut censored) = (0, 0);
    let (mut shown_events, mut shown_censored) = (0, 0);
    let mut out = Vec::new();
    for d in days {
        events += d.events;
        censored += d.censored;
        let (e, c) = (events / k * k, censored / k * k);
        if (e, c) != (shown_events, shown_censored) {
            out.push(DayCounts { day: d.day, events: e - shown_events, censored: c - shown_censored });
            (shown_events, shown_censored) = (e, c);
        }
    }
    out
}

/// One published arm: its rows and summary from the rounded counts, or no
/// rows and an empty summary when `hide` says why it may not be shown.
fn arm(rows: &[SurvivalRow], summary: &mut SurvivalSummaryRow, k: u64, hide: Option<Rule>) -> Vec<SurvivalRow> {
    if hide.is_some() {
        summary.n = None;
        summary.events = None;
        (summary.median, summary.median_ci_low, summary.median_ci_high) = (None, None, None);
        summary.suppressed = true;
        return Vec::new();
    }
    let days: Vec<DayCounts> = rows
        .iter()
        .map(|r| DayCounts { day: r.day, events: r.events.unwrap_or(0), censored: r.censored.unwrap_or(0) })
        .collect();
    let steps = stats::kaplan_meier_counts(summary.n.unwrap_or(0), &round_down(&days, k));
    let median = stats::km_median(&steps);
    summary.events = Some(steps.iter().map(|s| s.events).sum());
    (summary.median, summary.median_ci_low, summary.median_ci_high) = (median.median, median.ci_low, median.ci_high);
    let template = rows.first();
    steps
        .iter()
        .filter_map(|s| {
            let t = template?;
            Some(SurvivalRow {
                project_id: t.project_id.clone(),
                outcome: t.outcome.clone(),
                arm: t.arm.clone(),
                day: s.day,
                at_risk: Some(s.at_risk),
                events: Some(s.events),
                censored: Some(s.censored),
                survival: Some(s.survival),
                ci_low: Some(s.ci_low),
                ci_high: Some(s.ci_high),
                cumulative_hazard: Some(s.cumulative_hazard),
                suppressed: false,
            })
        })
        .collect()
}

/// Every arm in turn. `hidden_n(project, arm)` tells whether another table
/// hides the arm's `n` (arm `all` counts the product's cumulative users).
/// Returns the tallies of `survival` and `survival_summary`.
pub fn protect(
    rows: &mut Vec<SurvivalRow>,
    summaries: &mut [SurvivalSummaryRow],
    k: u64,
    hidden_n: impl Fn(&str, &str) -> Option<Rule>,
) -> (Suppressed, Suppressed) {
    let mut by_arm: BTreeMap<(&str, &str, &str), &[SurvivalRow]> = BTreeMap::new();
    for curve in rows.chunk_by(|a, b| (&a.project_id, &a.outcome, &a.arm) == (&b.project_id, &b.outcome, &b.arm)) {
        by_arm.insert((&curve[0].project_id, &curve[0].outcome, &curve[0].arm), curve);
    }
    let mut published = Vec::with_capacity(rows.len());
    let mut tally = Suppressed::default();
    for s in summaries.iter_mut() {
        let curve = by_arm.get(&(s.project_id.as_str(), s.outcome.as_str(), s.arm.as_str())).copied().unwrap_or(&[]);
        let hide = if s.n.unwrap_or(0) < k { Some(Rule::Primary) } else { hidden_n(&s.project_id, &s.arm) };
        published.extend(arm(curve, s, k, hide));
        tally.add(hide);
    }
    *rows = published;
    (Suppressed::default(), tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(day: i32, events: u64, censored: u64) -> DayCounts {
        DayCounts { day, events, censored }
    }

    /// Ten people, k = 3, by hand. True rows (day: events, censored):
    /// 2: 1,0 · 4: 2,0 · 5: 0,1 · 7: 1,1 · 9: 0,2 · 12: 2,0.
    /// Cumulative E: 1, 3, 3, 4, 4, 6 → rounded 0, 3, 3, 3, 3, 6;
    /// cumulative C: 0, 0, 1, 2, 4, 4 → rounded 0, 0, 0, 0, 3, 3.
    /// Rounded rows: day 4 (3 events), day 9 (3 censored), day 12
    /// (3 events); at risk 10, then 10 − 3 = 7, then 7 − 3 = 4.
    /// S: 7/10 = 0.7 at day 4, still 0.7 at day 9, 0.7 · (1 − 3/4) = 0.175
    /// at day 12 — on or above the true curve: 9/10 = 0.9 (day 2),
    /// 0.9 · 7/9 = 0.7 (day 4), 0.7 · 5/6 = 0.583 (day 7), 0 (day 12).
    #[test]
    fn a_curve_before_and_after_rounding_with_k_3() {
        let days = [day(2, 1, 0), day(4, 2, 0), day(5, 0, 1), day(7, 1, 1), day(9, 0, 2), day(12, 2, 0)];
        let rounded = round_down(&days, 3);
        assert_eq!(rounded, vec![day(4, 3, 0), day(9, 0, 3), day(12, 3, 0)]);
        let steps = stats::kaplan_meier_counts(10, &rounded);
        let at_risk: Vec<u64> = steps.iter().map(|s| s.at_risk).collect();
        assert_eq!(at_risk, vec![10, 7, 4]);
        let survival: Vec<f64> = steps.iter().map(|s| s.survival).collect();
        assert!((survival[0] - 0.7).abs() < 1e-15 && (survival[1] - 0.7).abs() < 1e-15);
        assert!((survival[2] - 0.175).abs() < 1e-15);
        // Nelson–Aalen on the rounded rows: 3/10 + 3/4.
        assert!((steps[2].cumulative_hazard - 1.05).abs() < 1e-15);
        let truth = stats::kaplan_meier_counts(10, &days);
        for s in &steps {
            let below = truth.iter().rev().find(|t| t.day <= s.day).unwrap();
            assert!(s.survival >= below.survival - 1e-15, "day {}: {} < {}", s.day, s.survival, below.survival);
        }
        // Median: the first day with S ≤ 0.5 is day 12 on the rounded rows.
        assert_eq!(stats::km_median(&steps).median, Some(12));
    }

    /// SPEC says the rounded curve lies on or above the true one; not
    /// always. n = 100, k = 10: 9 events on day 1, 80 censored on day 2, 1
    /// event on day 3. True: S(3) = 0.91 · 10/11 = 0.827. Rounded: 80
    /// censored on day 2, then 10 events on day 3 against 100 − 80 = 20 at
    /// risk: S(3) = 0.5, below. The 9 early events are counted late, against
    /// a smaller risk set (docs/decisions.md).
    #[test]
    fn a_rounded_curve_can_fall_below_the_true_one() {
        let days = [day(1, 9, 0), day(2, 0, 80), day(3, 1, 0)];
        let rounded = round_down(&days, 10);
        assert_eq!(rounded, vec![day(2, 0, 80), day(3, 10, 0)]);
        let s = stats::kaplan_meier_counts(100, &rounded).last().unwrap().survival;
        let truth = stats::kaplan_meier_counts(100, &days).last().unwrap().survival;
        assert!((s - 0.5).abs() < 1e-15 && (truth - 0.91 * 10.0 / 11.0).abs() < 1e-12);
    }

    #[test]
    fn counts_below_k_never_make_a_row() {
        assert!(round_down(&[day(1, 1, 0), day(2, 1, 1)], 3).is_empty());
        // k = 1 keeps every row as it is.
        let days = [day(1, 1, 0), day(2, 1, 1)];
        assert_eq!(round_down(&days, 1), days);
    }

    fn summary(n: u64) -> SurvivalSummaryRow {
        SurvivalSummaryRow {
            project_id: "p".into(),
            outcome: "employment".into(),
            arm: "treatment".into(),
            n: Some(n),
            events: Some(2),
            median: Some(3),
            median_ci_low: Some(1),
            median_ci_high: None,
            suppressed: false,
        }
    }

    fn row(day: i32, at_risk: u64, events: u64, censored: u64) -> SurvivalRow {
        SurvivalRow {
            project_id: "p".into(),
            outcome: "employment".into(),
            arm: "treatment".into(),
            day,
            at_risk: Some(at_risk),
            events: Some(events),
            censored: Some(censored),
            survival: None,
            ci_low: None,
            ci_high: None,
            cumulative_hazard: None,
            suppressed: false,
        }
    }

    #[test]
    fn an_arm_below_k_has_no_rows_and_an_empty_summary() {
        let mut rows = vec![row(3, 2, 1, 0), row(5, 1, 1, 0)];
        let mut summaries = [summary(2)];
        let (_, tally) = protect(&mut rows, &mut summaries, 3, |_, _| None);
        assert!(rows.is_empty());
        let s = &summaries[0];
        assert_eq!((s.n, s.events, s.median, s.median_ci_low), (None, None, None, None));
        assert!(s.suppressed);
        assert_eq!(tally.primary, 1);
    }

    #[test]
    fn an_arm_of_k_or_more_keeps_its_true_n_even_without_a_row() {
        // Four people, two events and one censoring: nothing reaches 3.
        let mut rows = vec![row(3, 4, 1, 0), row(5, 3, 1, 1), row(8, 1, 0, 1)];
        let mut summaries = [summary(4)];
        let (_, tally) = protect(&mut rows, &mut summaries, 3, |_, _| None);
        assert!(rows.is_empty());
        let s = &summaries[0];
        assert_eq!((s.n, s.events, s.median), (Some(4), Some(0), None));
        assert!(!s.suppressed);
        assert_eq!(tally, Suppressed::default());
        // Its n hidden elsewhere: the arm goes, as the secondary rule says.
        let mut summaries = [summary(4)];
        let (_, tally) = protect(&mut Vec::new(), &mut summaries, 3, |_, _| Some(Rule::Secondary));
        assert_eq!((summaries[0].n, tally.secondary), (None, 1));
    }
}
