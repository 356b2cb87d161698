//! Staggered roll-outs (SPEC section 4, "Impact without a trial"): the unit
//! × month panel of a product that opens unit by unit, built from the
//! `users` input (who lives in which unit) and the outcomes, and the rows
//! of `rollout.parquet` that Callaway & Sant'Anna's estimator gives on it.
//!
//! The panel is small (units × months) and reads each user's outcome rows
//! once through the shared index: no pass over the events, no copy of the
//! outcomes. Not responsible for the estimator (`stats::did`) nor for
//! suppressing cells (`privacy`); it does leave out, before estimating, a
//! group whose units hold fewer than `k` people (SPEC section 6).

use super::lookup::OutcomeIndex;
use crate::ingest::Warning;
use crate::stats::{self, Control, Panel, Unit};
use crate::tables::RolloutRow;
use crate::tz;

/// Who lives where, for one `rollout.by` column.
pub struct Units<'a> {
    /// Per user code, the unit code of its `users` row (`None`: no row, or
    /// an empty value).
    pub of_user: &'a [Option<u32>],
    /// Per unit code, its value (`Bretagne`, an agency's code…).
    pub names: &'a [String],
}

/// One roll-out question: a product, an outcome and its calendar.
pub struct Question<'a> {
    pub project_id: &'a str,
    pub outcome: &'a str,
    /// The outcome's code (`None`: no row carries it).
    pub code: Option<u32>,
    pub has_values: bool,
    pub control: Control,
    /// Day number of the 1st of the first period.
    pub since: i32,
    /// Number of monthly periods from `since`.
    pub periods: usize,
    /// Per unit code, the day the product opened there (`None`: never).
    pub started_on: &'a [Option<i32>],
    /// Disclosure threshold: a group of fewer people is left out.
    pub min_cell: u64,
}

/// The periods of a roll-out: from `since` to the last month whose last day
/// is on or before `as_of`; none when that is before `since`.
pub fn periods(since: i32, as_of: i32) -> usize {
    let last = if tz::month_end(as_of) == as_of { as_of } else { tz::add_months(as_of, -1) };
    usize::try_from(tz::months_between(since, last) + 1).unwrap_or(0)
}

/// The rate rows and, when the outcome has values, the mean_value rows.
pub fn rows(q: &Question<'_>, units: &Units<'_>, index: &OutcomeIndex<'_>) -> Vec<RolloutRow> {
    let sums = unit_sums(q, units, index);
    let groups = groups(q, units);
    let mut out = estimate(q, "rate", &groups, &sums.reached);
    if q.has_values {
        out.extend(estimate(q, "mean_value", &groups, &sums.values));
    }
    out
}

/// Per unit and period (unit-major): users with a row of the outcome dated
/// in the period, and the sum of their values; and each unit's population.
struct Sums {
    reached: Vec<f64>,
    values: Vec<f64>,
    population: Vec<u64>,
}

fn unit_sums(q: &Question<'_>, units: &Units<'_>, index: &OutcomeIndex<'_>) -> Sums {
    let n = units.names.len();
    let mut sums = Sums { reached: vec![0.0; n * q.periods], values: vec![0.0; n * q.periods], population: vec![0; n] };
    for (user, unit) in units.of_user.iter().enumerate() {
        let Some(unit) = unit.map(|u| u as usize) else { continue };
        sums.population[unit] += 1;
        let mut last_period = None;
        // Users are numbered below 2^32 (the ingest's codes).
        for row in index.rows(user as u32, q.code) {
            let Some(t) = period_of(q, row.day) else { continue };
            let cell = unit * q.periods + t;
            // Rows are sorted by day: a user counts once per period.
            if last_period != Some(t) {
                sums.reached[cell] += 1.0;
            }
            last_period = Some(t);
            sums.values[cell] += row.value.unwrap_or(0.0);
        }
    }
    for unit in 0..n {
        let population = sums.population[unit] as f64;
        for t in 0..q.periods {
            let cell = unit * q.periods + t;
            if population > 0.0 {
                sums.reached[cell] /= population;
                sums.values[cell] /= population;
            }
        }
    }
    sums
}

fn period_of(q: &Question<'_>, day: i32) -> Option<usize> {
    if day < q.since {
        return None;
    }
    usize::try_from(tz::months_between(q.since, day)).ok().filter(|t| *t < q.periods)
}

/// Each unit's group (period of opening). A unit without people (the
/// `(missing)` value of the column, whose users belong to no unit), one
/// opened in the first period or before, and a group whose units hold
/// fewer than `k` people are put at period 0, which the estimator leaves
/// out, so that no figure rests on them: a unit weighs 1 whatever its
/// population, and an empty one would be a comparison whose outcome is 0
/// every month.
fn groups(q: &Question<'_>, units: &Units<'_>) -> Vec<Unit> {
    placed(q, units).0
}

/// What a roll-out leaves out before estimating, for the report to name
/// (SPEC section 6): the units opened by its first period, and each group
/// of fewer than `k` people. Units without people are not named: those of
/// the rollouts file have their own warning, and `(missing)` is no unit.
pub fn left_out(q: &Question<'_>, units: &Units<'_>) -> Vec<Warning> {
    let (_, reasons) = placed(q, units);
    let names = |want: Left| -> Vec<String> {
        reasons.iter().enumerate().filter(|(_, r)| **r == want).map(|(u, _)| units.names[u].clone()).collect()
    };
    let mut out = Vec::new();
    let early = names(Left::Early);
    if !early.is_empty() {
        out.push(Warning::OpenedBeforePanel { project: q.project_id.to_owned(), units: sorted(early), since: q.since });
    }
    let mut small: Vec<usize> =
        reasons.iter().filter_map(|r| if let Left::Small(g) = r { Some(*g) } else { None }).collect();
    small.sort_unstable();
    small.dedup();
    for g in small {
        out.push(Warning::SmallGroup {
            project: q.project_id.to_owned(),
            units: sorted(names(Left::Small(g))),
            group: tz::add_months(q.since, g as i32),
            min_cell: q.min_cell,
        });
    }
    out
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

/// Why a unit is put at period 0.
#[derive(Clone, Copy, PartialEq)]
enum Left {
    Kept,
    Empty,
    Early,
    /// Its group (a period index) holds fewer than `k` people.
    Small(usize),
}

fn placed(q: &Question<'_>, units: &Units<'_>) -> (Vec<Unit>, Vec<Left>) {
    let n = units.names.len();
    let mut population = vec![0u64; n];
    for unit in units.of_user.iter().flatten() {
        population[*unit as usize] += 1;
    }
    let group_of = |unit: usize| {
        let day = q.started_on.get(unit).copied().flatten()?;
        Some(if day < q.since { 0 } else { usize::try_from(tz::months_between(q.since, day)).ok()? })
    };
    let mut out: Vec<Unit> = (0..n).map(|u| Unit { group: group_of(u), population: population[u] }).collect();
    let mut reasons: Vec<Left> = out
        .iter()
        .map(|u| match u.group {
            _ if u.population == 0 => Left::Empty,
            Some(0) => Left::Early,
            _ => Left::Kept,
        })
        .collect();
    let mut by_group: std::collections::BTreeMap<usize, u64> = std::collections::BTreeMap::new();
    for (u, r) in out.iter().zip(&reasons) {
        if let (Some(g), Left::Kept) = (u.group.filter(|g| *g < q.periods), r) {
            *by_group.entry(g).or_default() += u.population;
        }
    }
    for (u, r) in out.iter_mut().zip(&mut reasons) {
        if let (Left::Kept, Some(g)) = (*r, u.group.filter(|g| *g < q.periods))
            && by_group.get(&g).is_some_and(|p| *p < q.min_cell)
        {
            *r = Left::Small(g);
        }
        if *r != Left::Kept {
            u.group = Some(0);
        }
    }
    (out, reasons)
}

fn estimate(q: &Question<'_>, metric: &str, units: &[Unit], outcomes: &[f64]) -> Vec<RolloutRow> {
    let Some(panel) = Panel::new(q.periods, units.to_vec(), outcomes.to_vec()) else { return Vec::new() };
    stats::callaway_santanna(&panel, q.control).into_iter().map(|r| row(q, metric, &r)).collect()
}

fn row(q: &Question<'_>, metric: &str, r: &stats::RolloutRow) -> RolloutRow {
    let month = |t: usize| i32::try_from(t).ok().map(|t| tz::add_months(q.since, t));
    let e = r.estimate;
    RolloutRow {
        project_id: q.project_id.to_owned(),
        outcome: q.outcome.to_owned(),
        metric: metric.to_owned(),
        aggregation: r.aggregation.code().to_owned(),
        group: r.group.and_then(month),
        period: r.period.and_then(month),
        event_time: r.event_time,
        units_treated: r.units_treated,
        units_control: r.units_control,
        population_treated: r.population_treated,
        population_control: r.population_control,
        att: e.map(|e| e.att),
        se: e.map(|e| e.se),
        ci_low: e.map(|e| e.interval.low),
        ci_high: e.map(|e| e.interval.high),
        p_value: e.and_then(|e| e.p_value),
        pretrend_p: r.pretrend_p,
        suppressed: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::OutcomeRow;
    use crate::tz::day_of;

    /// Three months from `since`, against never-treated units, of an
    /// outcome no row carries.
    fn question<'a>(since: i32, started_on: &'a [Option<i32>], min_cell: u64) -> Question<'a> {
        Question {
            project_id: "p",
            outcome: "employment",
            code: None,
            has_values: false,
            control: Control::Never,
            since,
            periods: 3,
            started_on,
            min_cell,
        }
    }

    /// Two units of two people over three months (Jan–Mar 2026); unit 1
    /// opens in February. Employment rows by hand: unit 0 has one person
    /// employed in each month (rates 0.5, 0.5, 0.5); unit 1 has nobody in
    /// January, one in February (twice: counted once) and both in March
    /// (0, 0.5, 1). ATT(Feb, Feb) = (0.5 − 0) − (0.5 − 0.5) = 0.5 and
    /// ATT(Feb, Mar) = (1 − 0) − (0.5 − 0.5) = 1 (base January).
    #[test]
    fn panel_by_hand() {
        let jan = day_of(2026, 1, 1).unwrap();
        let (feb, mar) = (tz::add_months(jan, 1), tz::add_months(jan, 2));
        let row = |user: u32, day: i32| OutcomeRow { user, outcome: 0, day, seq: 0, value: Some(10.0) };
        let outcomes = vec![
            row(0, jan + 3),
            row(0, feb + 3),
            row(1, mar + 5),
            row(2, feb + 1),
            row(2, feb + 9),
            row(2, mar),
            row(3, mar + 1),
        ];
        let index = OutcomeIndex::of_rows(&outcomes, 5);
        let names = vec!["A".to_owned(), "B".to_owned()];
        let of_user = [Some(0), Some(0), Some(1), Some(1), None];
        let units = Units { of_user: &of_user, names: &names };
        let started_on = [None, Some(feb + 14)];
        let q = Question { code: Some(0), has_values: true, ..question(jan, &started_on, 0) };
        let rows = rows(&q, &units, &index);
        let cell = |metric: &str, period: i32| {
            rows.iter()
                .find(|r| r.metric == metric && r.aggregation == "att_gt" && r.period == Some(period))
                .and_then(|r| r.att)
        };
        assert_eq!(cell("rate", feb), Some(0.5));
        assert_eq!(cell("rate", mar), Some(1.0));
        // Values: unit 1 sums 20 (Feb) then 20 (Mar) over 2 people, unit 0
        // 10 / 2 each month: ATT = (10 − 0) − 0 in both months.
        assert_eq!(cell("mean_value", feb), Some(10.0));
        let first = rows.iter().find(|r| r.aggregation == "att_gt").unwrap();
        assert_eq!((first.group, first.units_treated, first.population_control), (Some(feb), 1, 2));
    }

    /// The column's `(missing)` value is a unit of no one (SPEC section 4:
    /// such users belong to no unit): left out, not a comparison unit
    /// whose outcome would be 0 every month. Unit A is the one comparison
    /// unit, as in `panel_by_hand`.
    #[test]
    fn a_unit_without_people_is_no_comparison() {
        let jan = day_of(2026, 1, 1).unwrap();
        let feb = tz::add_months(jan, 1);
        let names = vec!["A".to_owned(), "B".to_owned(), crate::ingest::MISSING.to_owned()];
        let of_user = [Some(0), Some(0), Some(1), Some(1), None];
        let units = Units { of_user: &of_user, names: &names };
        let started_on = [None, Some(feb), None];
        let q = question(jan, &started_on, 0);
        let index = OutcomeIndex::of_rows(&[], 5);
        let rows = rows(&q, &units, &index);
        let first = rows.iter().find(|r| r.aggregation == "att_gt").unwrap();
        assert_eq!((first.units_treated, first.units_control, first.population_control), (1, 1, 2));
    }

    #[test]
    fn a_group_of_fewer_than_k_people_is_left_out() {
        let jan = day_of(2026, 1, 1).unwrap();
        let names = vec!["A".to_owned(), "B".to_owned()];
        let of_user = [Some(0), Some(0), Some(1), Some(1)];
        let units = Units { of_user: &of_user, names: &names };
        let started_on = [None, Some(tz::add_months(jan, 1))];
        let q = question(jan, &started_on, 3);
        assert!(groups(&q, &units).iter().all(|u| u.group.is_none_or(|g| g == 0)));
        let named = left_out(&q, &units);
        let expected = Warning::SmallGroup {
            project: "p".into(),
            units: vec!["B".into()],
            group: tz::add_months(jan, 1),
            min_cell: 3,
        };
        assert_eq!(named, vec![expected], "the report names the group it left out");
        let index = OutcomeIndex::of_rows(&[], 4);
        assert!(rows(&q, &units, &index).iter().all(|r| r.att.is_none()), "no group is left to estimate");
    }

    /// Opened in the first period or before: no period before, left out
    /// and named; a unit never opened and one opened later are kept.
    #[test]
    fn units_opened_by_the_first_period_are_left_out_and_named() {
        let jan = day_of(2026, 1, 1).unwrap();
        let names = vec!["D".to_owned(), "A".to_owned(), "B".to_owned(), "C".to_owned()];
        let of_user = [Some(0), Some(1), Some(2), Some(3)];
        let units = Units { of_user: &of_user, names: &names };
        let started_on = [Some(jan + 20), Some(jan - 400), None, Some(tz::add_months(jan, 2))];
        let q = question(jan, &started_on, 0);
        let placed: Vec<_> = groups(&q, &units).iter().map(|u| u.group).collect();
        assert_eq!(placed, vec![Some(0), Some(0), None, Some(2)]);
        let expected =
            Warning::OpenedBeforePanel { project: "p".into(), units: vec!["A".into(), "D".into()], since: jan };
        assert_eq!(left_out(&q, &units), vec![expected]);
    }

    #[test]
    fn periods_end_with_the_last_complete_month() {
        let jan = day_of(2026, 1, 1).unwrap();
        assert_eq!(periods(jan, day_of(2026, 3, 31).unwrap()), 3);
        assert_eq!(periods(jan, day_of(2026, 3, 30).unwrap()), 2);
        assert_eq!(periods(jan, day_of(2025, 12, 31).unwrap()), 0);
    }
}
