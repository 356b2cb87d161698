//! Data-quality figures for the report (SPEC section 7.4): the rejected rows
//! by reason, how many of each input's user ids are known in `users` and in
//! `outcomes`, and the months whose events fall below half the median of the
//! three months before (a possible tracking outage).

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use crate::config::{InputKind, Settings};
use crate::ingest::Dataset;
use crate::registry::Kpi;
use crate::tables::{ALL, KpiRow, PORTFOLIO, RejectRow};

/// `(input, reason, rows)`, sorted by input then reason.
pub fn reject_reasons(rejects: &[RejectRow]) -> Vec<(String, String, u64)> {
    let mut counts: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for r in rejects {
        *counts.entry((&r.input, &r.reason)).or_default() += 1;
    }
    counts.into_iter().map(|((i, r), n)| (i.to_owned(), r.to_owned(), n)).collect()
}

/// How many of an input's distinct accepted user ids are found elsewhere:
/// counts of people, which disclosure control turns into shares.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdCounts {
    pub input: String,
    pub ids: u64,
    /// Found in `users`; `None` without a `users` input and for `users`.
    pub in_users: Option<u64>,
    /// Found in `outcomes`; `None` for the outcomes input itself.
    pub in_outcomes: Option<u64>,
}

/// Per input, how many of its distinct accepted user ids are found in
/// `users` and in `outcomes`.
pub fn id_counts(ds: &Dataset, settings: &Settings) -> Vec<IdCounts> {
    let with_outcome: FxHashSet<u32> = ds.outcomes.iter().map(|o| o.user).collect();
    let has_users = settings.input(InputKind::Users).is_some();
    let codes = |of: &[bool]| -> FxHashSet<u32> { (0..of.len() as u32).filter(|u| of[*u as usize]).collect() };
    let user_rows = codes(&ds.user_rows);
    let inputs: [(&str, FxHashSet<u32>); 4] = [
        ("usage", codes(&ds.active_users)),
        ("outcomes", with_outcome.clone()),
        ("assignments", ds.assignments.iter().map(|a| a.user).collect()),
        ("users", user_rows.clone()),
    ];
    inputs
        .into_iter()
        .filter(|(name, ids)| !ids.is_empty() || *name == "usage")
        .map(|(name, ids)| {
            let found = |known: &FxHashSet<u32>| ids.iter().filter(|u| known.contains(u)).count() as u64;
            IdCounts {
                input: name.to_owned(),
                ids: ids.len() as u64,
                in_users: (has_users && name != "users").then(|| found(&user_rows)),
                in_outcomes: (name != "outcomes").then(|| found(&with_outcome)),
            }
        })
        .collect()
}

/// `(project_id, month)` where a product's events fall below half the
/// median of its three months before. Reads the published (protected)
/// figures: a month is judged only when its events and those of the three
/// months before are published, so a flag bounds no hidden count.
pub fn outages(kpis: &[KpiRow]) -> Vec<(String, i32)> {
    let mut out = Vec::new();
    let events = kpis.iter().filter(|r| r.kpi == Kpi::Events && r.segment == ALL && r.project_id != PORTFOLIO);
    let mut by_project: BTreeMap<&str, Vec<(i32, Option<f64>)>> = BTreeMap::new();
    for r in events {
        by_project.entry(&r.project_id).or_default().push((r.month, r.value));
    }
    for (project, mut months) in by_project {
        months.sort_by_key(|m| m.0);
        for w in months.windows(4) {
            let (Some(a), Some(b), Some(c), Some(month)) = (w[0].1, w[1].1, w[2].1, w[3].1) else { continue };
            let mut before = [a, b, c];
            before.sort_by(f64::total_cmp);
            if month < before[1] / 2.0 {
                out.push((project.to_owned(), w[3].0));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(month: i32, value: f64) -> KpiRow {
        KpiRow {
            project_id: "p".into(),
            month,
            segment: "all".into(),
            kpi: Kpi::Events,
            value: Some(value),
            n: None,
            ci_low: None,
            ci_high: None,
            suppressed: false,
        }
    }

    #[test]
    fn an_outage_is_below_half_the_median_of_the_three_months_before() {
        // Median of (100, 40, 90) is 90: 44 is below 45, 45 is not.
        let rows = [events(1, 100.0), events(2, 40.0), events(3, 90.0), events(4, 44.0)];
        assert_eq!(outages(&rows), vec![("p".to_owned(), 4)]);
        let rows = [events(1, 100.0), events(2, 40.0), events(3, 90.0), events(4, 45.0)];
        assert!(outages(&rows).is_empty());
    }

    #[test]
    fn a_hidden_month_is_not_judged_nor_judges() {
        let hidden = |month| KpiRow { value: None, suppressed: true, ..events(month, 0.0) };
        // Month 4 hidden: no flag, though its true events may be few.
        let rows = [events(1, 100.0), events(2, 40.0), events(3, 90.0), hidden(4)];
        assert!(outages(&rows).is_empty());
        // A hidden month before: its median is unknown, so month 4 is not judged.
        let rows = [events(1, 100.0), hidden(2), events(3, 90.0), events(4, 1.0)];
        assert!(outages(&rows).is_empty());
    }
}
