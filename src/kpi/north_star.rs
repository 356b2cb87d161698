//! North stars (SPEC section 4): each product's chosen KPI for the month,
//! its changes on the previous month and on the same month a year before,
//! and a status against its target.
//!
//! Reads the published (already protected) tables, so a suppressed value
//! gives `no_data` rather than a figure the tables hide.

use crate::config::Settings;
use crate::ingest::Project;
use crate::tables::{KpiRow, NorthStarRow, OutcomeRow};
use crate::tz;

/// One north-star row per product of the catalog.
pub fn rows(
    settings: &Settings,
    catalog: &[Project],
    kpis: &[KpiRow],
    outcomes: &[OutcomeRow],
    month: i32,
    as_of: i32,
) -> Vec<NorthStarRow> {
    let partial = as_of < tz::month_end(month);
    catalog
        .iter()
        .map(|p| {
            let setting = settings.project(&p.id).and_then(|s| s.north_star.as_ref());
            let Some(ns) = setting else {
                return NorthStarRow {
                    project_id: p.id.clone(),
                    kpi: None,
                    target: None,
                    lower_is_better: false,
                    is_rate: false,
                    value: None,
                    previous: None,
                    year_before: None,
                    change_previous: None,
                    change_previous_relative: None,
                    change_year: None,
                    change_year_relative: None,
                    status: "not_set".to_owned(),
                    partial,
                };
            };
            let (is_rate, series) = match ns.kpi.strip_prefix("outcome_rate:") {
                Some(rest) => (true, outcome_series(&p.id, rest, outcomes)),
                None => (ns.kpi == "stickiness", kpi_series(&p.id, &ns.kpi, kpis, month)),
            };
            let [value, previous, year_before] = series;
            let (change_previous, change_previous_relative) = change(value, previous);
            let (change_year, change_year_relative) = change(value, year_before);
            NorthStarRow {
                project_id: p.id.clone(),
                kpi: Some(ns.kpi.clone()),
                target: Some(ns.target),
                lower_is_better: ns.lower_is_better,
                is_rate,
                value,
                previous,
                year_before,
                change_previous,
                change_previous_relative,
                change_year,
                change_year_relative,
                status: status(value, ns.target, ns.lower_is_better).to_owned(),
                partial,
            }
        })
        .collect()
}

/// The month's, the previous month's and the year-before value, segment all.
fn kpi_series(project_id: &str, kpi: &str, kpis: &[KpiRow], month: i32) -> [Option<f64>; 3] {
    [0, -1, -12].map(|k| {
        let m = tz::add_months(month, k);
        kpis.iter()
            .find(|r| r.project_id == project_id && r.segment == "all" && r.kpi == kpi && r.month == m)
            .and_then(|r| r.value)
    })
}

/// The latest complete cohort's rate, the cohort before and the one a year
/// before.
fn outcome_series(project_id: &str, spec: &str, outcomes: &[OutcomeRow]) -> [Option<f64>; 3] {
    let Some((outcome, window)) = spec.rsplit_once(':') else { return [None; 3] };
    let window: i32 = window.parse().unwrap_or(-1);
    let rows: Vec<&OutcomeRow> = outcomes
        .iter()
        .filter(|r| r.project_id == project_id && r.segment == "all" && r.outcome == outcome && r.window_days == window)
        .collect();
    let Some(latest) = rows.iter().filter(|r| r.complete).map(|r| r.cohort_month).max() else { return [None; 3] };
    [0, -1, -12].map(|k| {
        let cohort = tz::add_months(latest, k);
        rows.iter().find(|r| r.cohort_month == cohort).and_then(|r| r.rate)
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

fn status(value: Option<f64>, target: f64, lower_is_better: bool) -> &'static str {
    let Some(v) = value else { return "no_data" };
    let (on, risk) = if lower_is_better { (v <= target, v <= 1.25 * target) } else { (v >= target, v >= 0.8 * target) };
    if on {
        "on_track"
    } else if risk {
        "at_risk"
    } else {
        "off_track"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_thresholds() {
        assert_eq!(status(Some(100.0), 100.0, false), "on_track");
        assert_eq!(status(Some(80.0), 100.0, false), "at_risk");
        assert_eq!(status(Some(79.9), 100.0, false), "off_track");
        assert_eq!(status(Some(125.0), 100.0, true), "at_risk");
        assert_eq!(status(Some(125.1), 100.0, true), "off_track");
        assert_eq!(status(Some(90.0), 100.0, true), "on_track");
        assert_eq!(status(None, 100.0, true), "no_data");
    }

    #[test]
    fn changes_need_a_non_zero_base() {
        assert_eq!(change(Some(12.0), Some(10.0)), (Some(2.0), Some(0.2)));
        assert_eq!(change(Some(12.0), Some(0.0)), (None, None));
        assert_eq!(change(Some(12.0), None), (None, None));
    }
}
