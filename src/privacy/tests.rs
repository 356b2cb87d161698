//! Each rule of SPEC section 6 on a tiny hand-made table, with `k = 3`;
//! the expected cells are worked out by hand in each test's comment.

use super::*;
use crate::registry::Kpi;
use crate::tables::{KpiRow, OutcomeRow, RetentionRow};
use crate::tz::add_months;

const K: u64 = 3;
/// 2026-10-01, the reporting month.
const M: i32 = 20_727;

fn scope() -> Scope {
    Scope { min_cell: K, month: M, segment_users: BTreeMap::new() }
}

fn kpi(month: i32, segment: &str, kpi: Kpi, value: f64, n: u64) -> KpiRow {
    KpiRow {
        project_id: "p".into(),
        month,
        segment: segment.into(),
        kpi,
        value: Some(value),
        n: Some(n),
        ci_low: None,
        ci_high: None,
        suppressed: false,
    }
}

/// A user count: its n is itself.
fn users(month: i32, segment: &str, which: Kpi, value: u64) -> KpiRow {
    kpi(month, segment, which, value as f64, value)
}

fn find<'a>(t: &'a Tables, month: i32, segment: &str, which: Kpi) -> &'a KpiRow {
    t.kpis.iter().find(|r| r.segment == segment && r.kpi == which && r.month == month).unwrap()
}

fn sorted(mut t: Tables) -> Tables {
    t.sort();
    t
}

fn suppressed_rows<T>(rows: &[T], flag: impl Fn(&T) -> bool) -> u64 {
    rows.iter().filter(|r| flag(r)).count() as u64
}

/// (segment, active, events, dau_mean): a's 2 active users are primary;
/// hiding them alone, `all − b − c` gives them back.
/// - active_users 12 = 2 + 4 + 6: b (4, the smallest other) is hidden;
/// - events 65 = 10 + 40 + 15, judged by n: a's hidden, then c's (15);
/// - dau_mean 2.2 = 0.4 + 1.0 + 0.8, a sum of user-days: a's, then c's.
///
/// So b's events and dau_mean keep their values but lose their n (b's
/// hidden 4), b's stickiness goes (dau / 4), and c's stickiness goes with
/// c's dau_mean. Rows: a's four are primary; b's active, c's events and
/// dau_mean secondary; b's events, dau_mean, stickiness and c's
/// stickiness derived.
#[test]
fn hidden_active_users_take_their_n_and_the_ratios_with_them() {
    let mut rows = Vec::new();
    let segments =
        [("all", 12, 65.0, 2.2), ("region=a", 2, 10.0, 0.4), ("region=b", 4, 40.0, 1.0), ("region=c", 6, 15.0, 0.8)];
    for (segment, active, events, dau) in segments {
        rows.push(users(M, segment, Kpi::ActiveUsers, active));
        rows.push(kpi(M, segment, Kpi::Events, events, active));
        rows.push(kpi(M, segment, Kpi::DauMean, dau, active));
        rows.push(kpi(M, segment, Kpi::Stickiness, dau / active as f64, active));
    }
    let mut t = sorted(Tables { kpis: rows, ..Tables::default() });
    let report = protect(&mut t, &scope());
    let value = |segment: &str, which: Kpi| find(&t, M, segment, which).value;
    assert_eq!(value("region=a", Kpi::ActiveUsers), None);
    assert_eq!(value("region=b", Kpi::ActiveUsers), None);
    assert_eq!(value("region=c", Kpi::ActiveUsers), Some(6.0));
    let b_events = find(&t, M, "region=b", Kpi::Events);
    assert_eq!((b_events.value, b_events.n, b_events.suppressed), (Some(40.0), None, true));
    let b_dau = find(&t, M, "region=b", Kpi::DauMean);
    assert_eq!((b_dau.value, b_dau.n), (Some(1.0), None));
    assert_eq!(value("region=b", Kpi::Stickiness), None);
    assert_eq!((value("region=c", Kpi::Events), value("region=c", Kpi::DauMean)), (None, None));
    assert_eq!(value("region=c", Kpi::Stickiness), None);
    let all = find(&t, M, "all", Kpi::ActiveUsers);
    assert_eq!((all.value, all.n, all.suppressed), (Some(12.0), Some(12), false), "a published count keeps its n");
    let s = report[KpiRow::FILE];
    assert_eq!((s.primary, s.secondary, s.derived), (4, 3, 4));
    assert_eq!(s.primary + s.secondary + s.derived, suppressed_rows(&t.kpis, |r| r.suppressed));
}

/// Cohorts Aug (4 users) and Sept (5) of one product; October has 6
/// returning users: 1 of August's (primary) and 5 of September's. The
/// diagonal 6 = 1 + 5 is published as `returning_users`, so September's 5
/// is hidden too (group d), in `retention` only.
#[test]
fn returning_users_protect_the_retention_diagonal() {
    let (aug, sept) = (add_months(M, -2), add_months(M, -1));
    let row = |cohort: i32, k: i32, size: u64, retained: u64| RetentionRow {
        project_id: "p".into(),
        segment: "all".into(),
        cohort_month: cohort,
        months_since: k,
        cohort_size: Some(size),
        retained: Some(retained),
        retention_rate: Some(retained as f64 / size as f64),
        left_truncated: false,
        suppressed: false,
    };
    let kpis = vec![
        users(aug, "all", Kpi::NewUsers, 4),
        users(sept, "all", Kpi::NewUsers, 5),
        users(M, "all", Kpi::NewUsers, 0),
        users(M, "all", Kpi::ReturningUsers, 6),
        users(M, "all", Kpi::ActiveUsers, 6),
    ];
    let retention =
        vec![row(aug, 0, 4, 4), row(aug, 1, 4, 3), row(aug, 2, 4, 1), row(sept, 0, 5, 5), row(sept, 1, 5, 5)];
    let mut t = sorted(Tables { kpis, retention, ..Tables::default() });
    let report = protect(&mut t, &scope());
    let retained: Vec<Option<u64>> = t.retention.iter().map(|r| r.retained).collect();
    assert_eq!(retained, vec![Some(4), Some(3), None, Some(5), None]);
    assert!(t.retention[4].retention_rate.is_none() && t.retention[4].suppressed);
    assert_eq!(find(&t, M, "all", Kpi::ReturningUsers).value, Some(6.0));
    let s = report[RetentionRow::FILE];
    assert_eq!((s.primary, s.secondary, s.derived), (1, 1, 0));
}

fn outcome(cohort: i32, segment: &str, users: u64, with: u64) -> OutcomeRow {
    OutcomeRow {
        project_id: "p".into(),
        segment: segment.into(),
        cohort_month: cohort,
        outcome: "employment".into(),
        window_days: 30,
        users: Some(users),
        with_outcome: Some(with),
        rate: Some(with as f64 / users as f64),
        ci_low: Some(0.0),
        ci_high: Some(1.0),
        complete: true,
        left_truncated: false,
        suppressed: false,
    }
}

/// October: 1 returning user (primary) and 8 new of 9 active. Group (b)
/// hides the 8 new users (the smallest other non-zero), and that count is
/// the October cohort's size: hidden in `retention` and `outcomes` too.
#[test]
fn the_same_count_in_two_tables_is_one_cell() {
    let kpis = vec![
        users(M, "all", Kpi::ActiveUsers, 9),
        users(M, "all", Kpi::NewUsers, 8),
        users(M, "all", Kpi::ReturningUsers, 1),
    ];
    let retention = vec![RetentionRow {
        project_id: "p".into(),
        segment: "all".into(),
        cohort_month: M,
        months_since: 0,
        cohort_size: Some(8),
        retained: Some(8),
        retention_rate: Some(1.0),
        left_truncated: false,
        suppressed: false,
    }];
    let outcomes = vec![outcome(M, "all", 8, 4)];
    let mut t = sorted(Tables { kpis, retention, outcomes, ..Tables::default() });
    let report = protect(&mut t, &scope());
    assert_eq!(find(&t, M, "all", Kpi::NewUsers).value, None);
    assert_eq!((t.retention[0].cohort_size, t.retention[0].retained), (None, None));
    let o = &t.outcomes[0];
    assert_eq!((o.users, o.with_outcome, o.rate, o.ci_low), (None, Some(4), None, None));
    assert_eq!(report[OutcomeRow::FILE].secondary, 1);
}

/// Region x has 2 people in the users input: every figure of x goes, its
/// zeros too (a 0 beside a hidden count tells whether they were active);
/// then its groups hide one more cell each, as for any hidden cell.
#[test]
fn a_small_segment_value_publishes_nothing() {
    let mut kpis = Vec::new();
    for (segment, active) in [("all", 9), ("region=x", 0), ("region=y", 4), ("region=z", 5)] {
        kpis.push(users(M, segment, Kpi::ActiveUsers, active));
    }
    let outcomes = vec![outcome(M, "all", 9, 3), outcome(M, "region=y", 4, 1), outcome(M, "region=z", 5, 2)];
    let mut t = sorted(Tables { kpis, outcomes, ..Tables::default() });
    let mut scope = scope();
    scope.segment_users = BTreeMap::from([("region=x".into(), 2), ("region=y".into(), 40), ("region=z".into(), 50)]);
    let report = protect(&mut t, &scope);
    let x = find(&t, M, "region=x", Kpi::ActiveUsers);
    assert_eq!((x.value, x.n, x.suppressed), (None, None, true));
    // 9 = 0 + 4 + 5 with x hidden: y (4) goes too.
    assert_eq!(find(&t, M, "region=y", Kpi::ActiveUsers).value, None);
    assert_eq!(find(&t, M, "region=z", Kpi::ActiveUsers).value, Some(5.0));
    assert_eq!(report[KpiRow::FILE].primary, 1);
}

#[test]
fn two_hidden_zeros_under_a_published_total_hide_one_more() {
    // x and w are small segment values, both 0: 9 − 4 − 5 = 0 would tell
    // that both are 0, so one of the others is hidden too.
    let kpis: Vec<KpiRow> = [("all", 9), ("region=w", 0), ("region=x", 0), ("region=y", 4), ("region=z", 5)]
        .into_iter()
        .map(|(segment, active)| users(M, segment, Kpi::ActiveUsers, active))
        .collect();
    let mut t = sorted(Tables { kpis, ..Tables::default() });
    let mut scope = scope();
    scope.segment_users = BTreeMap::from([("region=w".into(), 1), ("region=x".into(), 2)]);
    protect(&mut t, &scope);
    assert_eq!(find(&t, M, "region=y", Kpi::ActiveUsers).value, None);
}

fn impact_row(n_t: u64, n_c: u64, with_t: u64, with_c: u64) -> ImpactRow {
    ImpactRow {
        project_id: "p".into(),
        outcome: "employment".into(),
        window_days: 30,
        metric: "rate".into(),
        primary: true,
        n_treatment: Some(n_t),
        n_control: Some(n_c),
        with_outcome_treatment: Some(with_t),
        with_outcome_control: Some(with_c),
        treatment: Some(with_t as f64 / n_t as f64),
        control: Some(with_c as f64 / n_c as f64),
        difference: Some(0.1),
        ci_low: Some(-0.1),
        ci_high: Some(0.3),
        relative_uplift: Some(0.2),
        rel_ci_low: None,
        rel_ci_high: None,
        p_value: Some(0.3),
        srm_p: Some(0.9),
        mde: Some(0.2),
        logrank_chi2: Some(5.05),
        logrank_p: Some(0.0246),
        cost_per_additional_outcome: None,
        cost_low: None,
        cost_high: None,
        suppressed: false,
        ..ImpactRow::default()
    }
}

/// The review's case: 3 treated and 3 control with k = 10 kept the
/// log-rank. Here with k = 3: 20 treated, 2 control; and a row of 20 and
/// 30 whose 1 treated outcome is small. Every figure goes, the log-rank
/// and the outcome counts included; arms of k or more keep their size.
#[test]
fn a_suppressed_impact_row_keeps_only_its_arm_sizes() {
    let mut t = Tables { impact: vec![impact_row(20, 2, 8, 1), impact_row(20, 30, 1, 12)], ..Tables::default() };
    let report = protect(&mut t, &scope());
    for r in &t.impact {
        assert!(r.suppressed);
        assert_eq!((r.logrank_chi2, r.logrank_p, r.srm_p, r.difference), (None, None, None, None));
        assert_eq!((r.with_outcome_treatment, r.with_outcome_control), (None, None));
    }
    assert_eq!((t.impact[0].n_treatment, t.impact[0].n_control), (Some(20), None));
    assert_eq!((t.impact[1].n_treatment, t.impact[1].n_control), (Some(20), Some(30)));
    assert_eq!(report[ImpactRow::FILE].primary, 2);
    // Large enough everywhere: untouched.
    let mut t = Tables { impact: vec![impact_row(20, 30, 8, 12)], ..Tables::default() };
    protect(&mut t, &scope());
    assert_eq!(t.impact[0], impact_row(20, 30, 8, 12));
}

/// Shares, never counts: 6 assignment ids of which 4 are in outcomes
/// hides the share (6 − 4 = 2 not found); 40 of 50 shows 80 %.
#[test]
fn id_shares_hide_when_a_count_behind_them_is_small() {
    let counts =
        |ids, users, outcomes| IdCounts { input: "assignments".into(), ids, in_users: users, in_outcomes: outcomes };
    let shares = coverage(&[counts(6, Some(6), Some(4)), counts(50, None, Some(40))], K);
    assert_eq!((shares[0].in_users, shares[0].in_outcomes), (Share::Of(1.0), Share::Hidden));
    assert_eq!((shares[1].in_users, shares[1].in_outcomes), (Share::NotApplicable, Share::Of(0.8)));
    // k = 0: every share shows.
    assert_eq!(coverage(&[counts(6, Some(6), Some(4))], 0)[0].in_outcomes, Share::Of(4.0 / 6.0));
}

#[test]
fn a_funnel_conversion_goes_with_either_of_its_counts() {
    let step = |step: i32, users: u64, start: f64, previous: f64| FunnelRow {
        project_id: "p".into(),
        cohort_month: M,
        step,
        event: format!("e{step}"),
        users: Some(users),
        conversion_from_start: Some(start),
        conversion_from_previous: Some(previous),
        complete: true,
        suppressed: false,
    };
    let mut t =
        Tables { funnel: vec![step(1, 10, 1.0, 1.0), step(2, 2, 0.2, 0.2), step(3, 2, 0.2, 1.0)], ..Tables::default() };
    let mut t2 = t.clone();
    t2.funnel[2].users = Some(5);
    let report = protect(&mut t, &scope());
    assert_eq!(t.funnel[1].users, None);
    assert_eq!(report[FunnelRow::FILE].primary, 2);
    // Step 3 (5 users) after a hidden step 2: only its conversion from the
    // previous step goes, derived.
    let report = protect(&mut t2, &scope());
    let r = &t2.funnel[2];
    assert_eq!((r.users, r.conversion_from_start, r.conversion_from_previous), (Some(5), Some(0.2), None));
    assert_eq!(report[FunnelRow::FILE], Suppressed { primary: 1, secondary: 0, derived: 1 });
}

fn rollout_row(aggregation: &str, group: Option<i32>, event_time: Option<i32>, population_control: u64) -> RolloutRow {
    RolloutRow {
        project_id: "p".into(),
        outcome: "employment".into(),
        metric: "rate".into(),
        aggregation: aggregation.into(),
        group,
        period: None,
        event_time,
        units_treated: 1,
        units_control: 1,
        population_treated: 50,
        population_control,
        att: Some(0.1),
        se: Some(0.01),
        ci_low: Some(0.08),
        ci_high: Some(0.12),
        p_value: Some(0.001),
        pretrend_p: (aggregation == "simple").then_some(0.5),
        suppressed: false,
    }
}

/// Two groups, A (day 100) and B (day 200). A's cell at opening rests on 2
/// comparison people (< k = 3): hidden, and so is every aggregate that
/// uses it — θ(0), the overall θ(e), θ(A), the overall θ(g) and the simple
/// effect — while B's cells, θ(−1) (B's placebo only) and θ(B) stay.
#[test]
fn a_hidden_rollout_cell_hides_the_aggregates_that_use_it_and_no_other() {
    let (a, b) = (Some(100), Some(200));
    let mut rows = vec![
        rollout_row("att_gt", a, Some(0), 2),
        rollout_row("att_gt", b, Some(-1), 40),
        rollout_row("att_gt", b, Some(0), 40),
        rollout_row("dynamic", None, None, 40),
        rollout_row("dynamic", None, Some(-1), 40),
        rollout_row("dynamic", None, Some(0), 40),
        rollout_row("group", None, None, 40),
        rollout_row("group", a, None, 40),
        rollout_row("group", b, None, 40),
        rollout_row("simple", None, None, 40),
    ];
    rollout(&mut rows, K);
    let hidden: Vec<(&str, Option<i32>, Option<i32>)> =
        rows.iter().filter(|r| r.suppressed).map(|r| (r.aggregation.as_str(), r.group, r.event_time)).collect();
    assert_eq!(
        hidden,
        [
            ("att_gt", a, Some(0)),
            ("dynamic", None, None),
            ("dynamic", None, Some(0)),
            ("group", None, None),
            ("group", a, None),
            ("simple", None, None),
        ]
    );
    assert!(rows.iter().filter(|r| r.suppressed).all(|r| r.att.is_none() && r.pretrend_p.is_none()));
    assert!(rows.iter().filter(|r| !r.suppressed).all(|r| r.att.is_some()));
}

/// A hidden placebo cell (before opening) leaves the simple effect, which
/// does not use it, but takes its pre-trend test.
#[test]
fn a_hidden_placebo_cell_takes_the_pretrend_test_only() {
    let b = Some(200);
    let mut rows = vec![
        rollout_row("att_gt", b, Some(-1), 2),
        rollout_row("att_gt", b, Some(0), 40),
        rollout_row("simple", None, None, 40),
    ];
    rollout(&mut rows, K);
    let simple = &rows[2];
    assert!(!simple.suppressed && simple.att.is_some() && simple.pretrend_p.is_none());
    assert!(rows[0].suppressed && !rows[1].suppressed);
}

/// Take-up counts are judged as counts: 2 of an arm took the product up
/// (< k = 3), so the row is suppressed and its shares go.
#[test]
fn a_small_take_up_count_suppresses_the_impact_row() {
    let mut rows = vec![ImpactRow {
        took_up_treatment: Some(2),
        took_up_control: Some(0),
        takeup_treatment: Some(2.0 / 40.0),
        takeup_control: Some(0.0),
        ..impact_row(40, 40, 10, 8)
    }];
    impact(&mut rows, K);
    let r = &rows[0];
    assert!(r.suppressed && r.takeup_treatment.is_none() && r.took_up_treatment.is_none());
    assert_eq!((r.n_treatment, r.n_control), (Some(40), Some(40)));
}
