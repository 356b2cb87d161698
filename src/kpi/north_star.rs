//! North stars (SPEC section 4): each product's chosen KPI for the month,
//! its changes on the previous month and on the same month a year before,
//! and a status against its target.
//!
//! Reads the published (already protected) tables, so a suppressed value
//! gives `no_data` rather than a figure the tables hide.

use crate::config::Settings;
use crate::ingest::Project;
use crate::registry::{Kpi, NorthStarKpi};
use crate::tables::{ALL, Direction, KpiRow, NorthStar, NorthStarStatus, OutcomeRow};
use crate::tz;

/// A figure as published: its value, or whether disclosure control hid it.
type Published = (Option<f64>, bool);

/// One entry per product of the catalog that declares a north star.
pub fn rows(
    settings: &Settings,
    catalog: &[Project],
    kpis: &[KpiRow],
    outcomes: &[OutcomeRow],
    month: i32,
    as_of: i32,
) -> Vec<NorthStar> {
    let partial_month = as_of < tz::month_end(month);
    let mut rows = Vec::new();
    for p in catalog {
        let Some(ns) = settings.project(&p.id).and_then(|s| s.north_star.as_ref()) else { continue };
        let [(value, suppressed), (previous, _), (year_before, _)] = match &ns.kpi {
            NorthStarKpi::OutcomeRate { outcome, window } => outcome_series(&p.id, outcome, *window, outcomes),
            NorthStarKpi::Kpi(kpi) => kpi_series(&p.id, *kpi, kpis, month),
        };
        let (change_previous, change_previous_rel) = change(value, previous);
        let (change_year, change_year_rel) = change(value, year_before);
        rows.push(NorthStar {
            project_id: p.id.clone(),
            kpi: ns.kpi.clone(),
            target: ns.target,
            direction: if ns.lower_is_better { Direction::Lower } else { Direction::Higher },
            value,
            suppressed,
            previous,
            year_before,
            change_previous,
            change_previous_rel,
            change_year,
            change_year_rel,
            status: status(value, ns.target, ns.lower_is_better),
            partial_month,
        });
    }
    rows
}

/// The month's, the previous month's and the year-before value, segment all.
fn kpi_series(project_id: &str, kpi: Kpi, kpis: &[KpiRow], month: i32) -> [Published; 3] {
    [0, -1, -12].map(|k| {
        let m = tz::add_months(month, k);
        kpis.iter()
            .find(|r| r.project_id == project_id && r.segment == ALL && r.kpi == kpi && r.month == m)
            .map_or((None, false), |r| (r.value, r.suppressed))
    })
}

/// The latest complete cohort's rate, the cohort before and the one a year
/// before.
fn outcome_series(project_id: &str, outcome: &str, window: i32, outcomes: &[OutcomeRow]) -> [Published; 3] {
    let rows: Vec<&OutcomeRow> = outcomes
        .iter()
        .filter(|r| r.project_id == project_id && r.segment == ALL && r.outcome == outcome && r.window_days == window)
        .collect();
    let Some(latest) = rows.iter().filter(|r| r.complete).map(|r| r.cohort_month).max() else {
        return [(None, false); 3];
    };
    [0, -1, -12].map(|k| {
        let cohort = tz::add_months(latest, k);
        rows.iter().find(|r| r.cohort_month == cohort).map_or((None, false), |r| (r.rate, r.suppressed))
    })
}

/// The absolute and relative change from `base`; null where the base is
/// null or 0.
fn change(value: Option<f64>, base: Option<f64>) -> (Option<f64>, Option<f64>) {
    match (value, base) {
        (Some(v), Some(b)) if b != 0.0 => (Some(v - b), Some((v - b) / b)),
        _ => (None, None),
    }
}

fn status(value: Option<f64>, target: f64, lower_is_better: bool) -> NorthStarStatus {
    let Some(v) = value else { return NorthStarStatus::NoData };
    let (on, risk) = if lower_is_better { (v <= target, v <= 1.25 * target) } else { (v >= target, v >= 0.8 * target) };
    if on {
        NorthStarStatus::OnTrack
    } else if risk {
        NorthStarStatus::AtRisk
    } else {
        NorthStarStatus::OffTrack
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_thresholds() {
        assert_eq!(status(Some(100.0), 100.0, false), NorthStarStatus::OnTrack);
        assert_eq!(status(Some(80.0), 100.0, false), NorthStarStatus::AtRisk);
        assert_eq!(status(Some(79.9), 100.0, false), NorthStarStatus::OffTrack);
        assert_eq!(status(Some(125.0), 100.0, true), NorthStarStatus::AtRisk);
        assert_eq!(status(Some(125.1), 100.0, true), NorthStarStatus::OffTrack);
        assert_eq!(status(Some(90.0), 100.0, true), NorthStarStatus::OnTrack);
        assert_eq!(status(None, 100.0, true), NorthStarStatus::NoData);
    }

    #[test]
    fn changes_need_a_non_zero_base() {
        assert_eq!(change(Some(12.0), Some(10.0)), (Some(2.0), Some(0.2)));
        assert_eq!(change(Some(12.0), Some(0.0)), (None, None));
        assert_eq!(change(Some(12.0), None), (None, None));
    }
}
