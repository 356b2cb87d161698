//! Time to outcome (SPEC section 4): per product, outcome and arm, each
//! subject's duration from its index date to the first outcome on or after
//! it, or its censoring at `as_of` (or at the first `censor_outcome` after
//! the index date, if earlier); then Kaplan–Meier, its median and the
//! log-rank test between arms, from `stats`.
//!
//! Not responsible for the estimators themselves: `stats` holds them.

use super::lookup::{first_after, first_on_or_after};
use crate::ingest::OutcomeRow;
use crate::stats;
use crate::tables::{SurvivalRow, SurvivalSummaryRow};

/// One subject's (duration in days, event observed).
pub fn subject(outcome_rows: &[OutcomeRow], censor_rows: &[OutcomeRow], index: i32, as_of: i32) -> (i32, bool) {
    if let Some(day) = first_on_or_after(outcome_rows, index).filter(|d| *d <= as_of) {
        return (day - index, true);
    }
    let end = first_after(censor_rows, index).map_or(as_of, |d| d.min(as_of));
    (end - index, false)
}

/// The curve rows and the summary row of one arm.
pub fn curve(
    project_id: &str,
    outcome: &str,
    arm: &str,
    subjects: &[(i32, bool)],
) -> (Vec<SurvivalRow>, SurvivalSummaryRow) {
    let steps = stats::kaplan_meier(subjects);
    let median = stats::km_median(&steps);
    let rows = steps
        .iter()
        .map(|s| SurvivalRow {
            project_id: project_id.to_owned(),
            outcome: outcome.to_owned(),
            arm: arm.to_owned(),
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
        .collect();
    let summary = SurvivalSummaryRow {
        project_id: project_id.to_owned(),
        outcome: outcome.to_owned(),
        arm: arm.to_owned(),
        n: Some(subjects.len() as u64),
        events: Some(subjects.iter().filter(|s| s.1).count() as u64),
        median: median.median,
        median_ci_low: median.ci_low,
        median_ci_high: median.ci_high,
        suppressed: false,
    };
    (rows, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(days: &[i32]) -> Vec<OutcomeRow> {
        days.iter().map(|d| OutcomeRow { user: 0, outcome: 0, day: *d, seq: 0, value: None }).collect()
    }

    #[test]
    fn durations_by_hand() {
        // An outcome before the index date does not count; the next does.
        assert_eq!(subject(&rows(&[5, 20]), &[], 10, 100), (10, true));
        // The index day itself counts.
        assert_eq!(subject(&rows(&[10]), &[], 10, 100), (0, true));
        // None: censored at as_of.
        assert_eq!(subject(&[], &[], 10, 100), (90, false));
        // Deregistered first: censored there.
        assert_eq!(subject(&[], &rows(&[40]), 10, 100), (30, false));
        // Deregistered on the index date is not "after" it.
        assert_eq!(subject(&[], &rows(&[10]), 10, 100), (90, false));
    }
}
