//! Reach and engagement (SPEC section 4): events, active, new, returning and
//! cumulative users, mean daily users and stickiness, per month; and the
//! cost per active user.
//!
//! Not responsible for counting: `Monthly` holds the counts.

use super::calendar::Calendar;
use super::monthly::Monthly;
use crate::registry::Kpi;
use crate::tables::KpiRow;

/// The seven reach KPIs of one product (or `_portfolio`) and segment, for
/// months `from..` up to the reporting month.
pub fn rows(project_id: &str, segment: &str, m: &Monthly, cal: &Calendar, from: usize) -> Vec<KpiRow> {
    let mut rows = Vec::new();
    let mut cumulative: u64 = m.new[..from].iter().sum();
    for i in from..cal.months {
        let month = cal.month_start(i);
        let active = m.active[i];
        cumulative += m.new[i];
        let days = cal.counted_days(i);
        let n_days = days.len() as f64;
        // Summed in day order so the float is the same on every run.
        let dau_mean = m.dau[days].iter().sum::<u64>() as f64 / n_days;
        let row = |kpi: Kpi, value: Option<f64>, n: u64| KpiRow {
            project_id: project_id.to_owned(),
            month,
            segment: segment.to_owned(),
            kpi,
            value,
            n: Some(n),
            ci_low: None,
            ci_high: None,
            suppressed: false,
        };
        let count = |kpi: Kpi, value: u64| row(kpi, Some(value as f64), value);
        rows.push(count(Kpi::ActiveUsers, active));
        rows.push(count(Kpi::CumulativeUsers, cumulative));
        rows.push(row(Kpi::DauMean, Some(dau_mean), active));
        rows.push(row(Kpi::Events, Some(m.events[i] as f64), active));
        rows.push(count(Kpi::NewUsers, m.new[i]));
        rows.push(count(Kpi::ReturningUsers, active - m.new[i]));
        rows.push(row(Kpi::Stickiness, ratio(dau_mean, active), active));
    }
    rows
}

/// `annual_cost_eur / 12 / active_users`, segment `all` only.
pub fn cost_rows(project_id: &str, annual_cost_eur: f64, m: &Monthly, cal: &Calendar, from: usize) -> Vec<KpiRow> {
    (from..cal.months)
        .map(|i| KpiRow {
            project_id: project_id.to_owned(),
            month: cal.month_start(i),
            segment: super::slots::ALL.to_owned(),
            kpi: Kpi::CostPerActiveUser,
            value: ratio(annual_cost_eur / 12.0, m.active[i]),
            n: Some(m.active[i]),
            ci_low: None,
            ci_high: None,
            suppressed: false,
        })
        .collect()
}

/// A ratio whose denominator is 0 is null, never NaN or infinite.
pub fn ratio(numerator: f64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator / denominator as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tz::day_of;

    fn value(rows: &[KpiRow], kpi: &str, month: i32) -> Option<f64> {
        rows.iter().find(|r| r.kpi.name() == kpi && r.month == month).and_then(|r| r.value)
    }

    /// Hand-computed: two months (Sept, Oct 2026), as_of 2026-10-10.
    /// User A: cohort Sept, active Sept (3 events on 2 days) and Oct (1 event
    /// on Oct 2). User B: cohort Oct, 2 events on Oct 2 and Oct 10.
    #[test]
    fn reach_by_hand() {
        let sept = day_of(2026, 9, 1).unwrap();
        let oct = day_of(2026, 10, 1).unwrap();
        let as_of = day_of(2026, 10, 10).unwrap();
        let cal = Calendar::new(sept, oct, as_of);
        let mut m = Monthly::new(&cal);
        m.add_user(0, &[(0, 3), (1, 1)], &[cal.day_index(sept + 4), cal.day_index(sept + 5), cal.day_index(oct + 1)]);
        m.add_user(1, &[(1, 2)], &[cal.day_index(oct + 1), cal.day_index(oct + 9)]);
        let rows = rows("p", "all", &m, &cal, 0);
        assert_eq!(value(&rows, "events", sept), Some(3.0));
        assert_eq!(value(&rows, "active_users", oct), Some(2.0));
        assert_eq!(value(&rows, "new_users", oct), Some(1.0));
        assert_eq!(value(&rows, "returning_users", oct), Some(1.0));
        assert_eq!(value(&rows, "cumulative_users", sept), Some(1.0));
        assert_eq!(value(&rows, "cumulative_users", oct), Some(2.0));
        // September: 2 user-days over 30 days; October: 3 user-days over the
        // 10 days up to as_of.
        assert_eq!(value(&rows, "dau_mean", sept), Some(2.0 / 30.0));
        assert_eq!(value(&rows, "dau_mean", oct), Some(0.3));
        assert_eq!(value(&rows, "stickiness", oct), Some(0.15));
        let n_events = rows.iter().find(|r| r.kpi == Kpi::Events && r.month == oct).and_then(|r| r.n);
        assert_eq!(n_events, Some(2), "n of events is active_users");
    }

    #[test]
    fn empty_month_gives_zero_counts_and_null_ratios() {
        let sept = day_of(2026, 9, 1).unwrap();
        let oct = day_of(2026, 10, 1).unwrap();
        let cal = Calendar::new(sept, oct, day_of(2026, 10, 31).unwrap());
        let mut m = Monthly::new(&cal);
        m.add_user(0, &[(0, 1)], &[cal.day_index(sept)]);
        let rows = rows("p", "all", &m, &cal, 0);
        assert_eq!(value(&rows, "active_users", oct), Some(0.0));
        assert_eq!(value(&rows, "dau_mean", oct), Some(0.0));
        assert_eq!(value(&rows, "stickiness", oct), None);
        assert_eq!(value(&rows, "cumulative_users", oct), Some(1.0));
        let cost = cost_rows("p", 120_000.0, &m, &cal, 0);
        assert_eq!(cost[0].value, Some(10_000.0));
        assert_eq!(cost[1].value, None);
    }
}
