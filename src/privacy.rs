//! Statistical disclosure control (SPEC section 6), applied once, after all
//! computation, to every published table. Primary suppression hides small
//! counts and what is computed from them; secondary suppression then hides
//! one more cell in every group (values of a segment variable with `all` as
//! their total, new + returning = active, products' events with
//! `_portfolio` as total) that would otherwise let a reader recover a hidden
//! cell by subtraction.
//!
//! Not responsible for computing figures or for how suppressed cells look
//! in the report.

use std::collections::BTreeMap;

use crate::registry::Kpi;
use crate::tables::{
    ALL, FunnelRow, ImpactRow, KpiRow, OutcomeRow, PORTFOLIO, RetentionRow, RolloutRow, SurvivalRow,
    SurvivalSummaryRow, Table, Tables,
};

/// Cells suppressed in one output, by rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Suppressed {
    pub primary: u64,
    pub secondary: u64,
}

/// Per output file name.
pub type Report = BTreeMap<&'static str, Suppressed>;

/// True when a count would identify fewer than `k` people.
fn small(count: u64, k: u64) -> bool {
    count >= 1 && count < k
}

/// The count cells of one table and the groups whose sums are published.
#[derive(Default)]
struct Book {
    values: Vec<u64>,
    primary: Vec<bool>,
    secondary: Vec<bool>,
    groups: Vec<(Vec<usize>, usize)>,
}

impl Book {
    fn cell(&mut self, value: u64, k: u64) -> usize {
        self.values.push(value);
        self.primary.push(small(value, k));
        self.secondary.push(false);
        self.values.len() - 1
    }

    fn hidden(&self, cell: usize) -> bool {
        self.primary[cell] || self.secondary[cell]
    }

    /// While a group has exactly one hidden cell, hide its smallest other
    /// non-zero member (ties: the first in sort order), else its total.
    fn settle(&mut self) {
        loop {
            let mut changed = false;
            for g in 0..self.groups.len() {
                let (members, total) = &self.groups[g];
                let hidden = members.iter().chain([total]).filter(|c| self.hidden(**c)).count();
                if hidden != 1 {
                    continue;
                }
                let pick = members
                    .iter()
                    .filter(|c| !self.hidden(**c) && self.values[**c] > 0)
                    .min_by_key(|c| self.values[**c])
                    .copied()
                    .or((!self.hidden(*total)).then_some(*total));
                if let Some(cell) = pick {
                    self.secondary[cell] = true;
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }

    fn counts(&self) -> Suppressed {
        Suppressed {
            primary: self.primary.iter().filter(|p| **p).count() as u64,
            secondary: self.secondary.iter().zip(&self.primary).filter(|(s, p)| **s && !**p).count() as u64,
        }
    }

    /// Groups one segment variable's values under the `all` cell, for every
    /// key. `cells` yields (key without segment, segment label, cell).
    fn group_segments<K: Ord + Clone>(&mut self, cells: impl Iterator<Item = (K, String, usize)>) {
        let mut totals: BTreeMap<K, usize> = BTreeMap::new();
        let mut members: BTreeMap<(K, String), Vec<usize>> = BTreeMap::new();
        for (key, segment, cell) in cells {
            match segment.split_once('=') {
                Some((variable, _)) => members.entry((key, variable.to_owned())).or_default().push(cell),
                None if segment == ALL => {
                    totals.insert(key, cell);
                }
                None => {}
            }
        }
        for ((key, _), cells) in members {
            if let Some(total) = totals.get(&key) {
                self.groups.push((cells, *total));
            }
        }
    }
}

/// Applies disclosure control with threshold `k` (0 disables it).
pub fn protect(t: &mut Tables, k: u64) -> Report {
    let mut report = Report::new();
    if k == 0 {
        return report;
    }
    report.insert(KpiRow::FILE, kpis(&mut t.kpis, k));
    report.insert(RetentionRow::FILE, retention(&mut t.retention, k));
    report.insert(OutcomeRow::FILE, outcomes(&mut t.outcomes, k));
    report.insert(FunnelRow::FILE, funnel(&mut t.funnel, k));
    report.insert(SurvivalRow::FILE, survival(&mut t.survival, k));
    report.insert(SurvivalSummaryRow::FILE, survival_summary(&mut t.survival_summary, k));
    report.insert(ImpactRow::FILE, impact(&mut t.impact, k));
    report.insert(RolloutRow::FILE, rollout(&mut t.rollout, k));
    report
}

fn hide_kpi(row: &mut KpiRow) {
    row.clear_figures();
    row.n = None;
    row.suppressed = true;
}

fn kpis(rows: &mut [KpiRow], k: u64) -> Suppressed {
    let mut book = Book::default();
    let mut cell_of: Vec<Option<usize>> = vec![None; rows.len()];
    for (i, r) in rows.iter().enumerate() {
        let counted = r.kpi.is_user_count() || r.kpi == Kpi::Events;
        if counted {
            let cell = book.cell(r.value.unwrap_or(0.0) as u64, k);
            // `events` is hidden by its n (active users), not by its value.
            book.primary[cell] = small(r.n.unwrap_or(0), k);
            cell_of[i] = Some(cell);
        }
    }
    let cells = || rows.iter().zip(&cell_of).filter_map(|(r, c)| c.map(|c| (r, c)));
    book.group_segments(cells().map(|(r, c)| ((r.project_id.clone(), r.month, r.kpi), r.segment.clone(), c)));
    let mut by_row: BTreeMap<(&str, i32, &str), BTreeMap<Kpi, usize>> = BTreeMap::new();
    for (r, c) in cells() {
        by_row.entry((&r.project_id, r.month, &r.segment)).or_default().insert(r.kpi, c);
    }
    for figures in by_row.values() {
        if let (Some(n), Some(rt), Some(a)) =
            (figures.get(&Kpi::NewUsers), figures.get(&Kpi::ReturningUsers), figures.get(&Kpi::ActiveUsers))
        {
            book.groups.push((vec![*n, *rt], *a));
        }
    }
    // (month, segment) → (the products' events cells, the portfolio's).
    type EventGroups<'a> = BTreeMap<(i32, &'a str), (Vec<usize>, Option<usize>)>;
    let mut events = EventGroups::new();
    for (r, c) in cells().filter(|(r, _)| r.kpi == Kpi::Events) {
        let entry = events.entry((r.month, &r.segment)).or_default();
        if r.project_id == PORTFOLIO { entry.1 = Some(c) } else { entry.0.push(c) }
    }
    let product_groups: Vec<_> = events.into_values().filter_map(|(m, t)| t.map(|t| (m, t))).collect();
    book.groups.extend(product_groups);
    book.settle();
    let mut counts = book.counts();
    let mut hidden_active: Vec<(String, i32, String)> = Vec::new();
    for (r, c) in rows.iter_mut().zip(&cell_of) {
        match c {
            Some(c) if book.hidden(*c) => {
                if r.kpi == Kpi::ActiveUsers {
                    hidden_active.push((r.project_id.clone(), r.month, r.segment.clone()));
                }
                hide_kpi(r);
            }
            Some(_) => {}
            None if small(r.n.unwrap_or(0), k) => {
                hide_kpi(r);
                counts.primary += 1;
            }
            None => {}
        }
    }
    hidden_active.sort();
    // Where active_users is hidden, the figures whose n it is must not show
    // it, nor the ratios that would give it back.
    for r in rows.iter_mut().filter(|r| r.n.is_some()) {
        if hidden_active.binary_search(&(r.project_id.clone(), r.month, r.segment.clone())).is_ok() {
            r.n = None;
            if matches!(r.kpi, Kpi::Stickiness | Kpi::CostPerActiveUser) {
                hide_kpi(r);
            }
        }
    }
    counts
}

fn retention(rows: &mut [RetentionRow], k: u64) -> Suppressed {
    let mut book = Book::default();
    let mut cohort_cells: BTreeMap<(String, String, i32), usize> = BTreeMap::new();
    let mut cells = Vec::with_capacity(rows.len());
    for r in rows.iter() {
        let key = (r.project_id.clone(), r.segment.clone(), r.cohort_month);
        let size = *cohort_cells.entry(key).or_insert_with(|| book.cell(r.cohort_size.unwrap_or(0), k));
        // Month 0 retains the whole cohort: the same cell as its size.
        let retained = if r.months_since == 0 { size } else { book.cell(r.retained.unwrap_or(0), k) };
        cells.push((size, retained));
    }
    book.group_segments(cohort_cells.iter().map(|((p, s, c), cell)| ((p.clone(), *c), s.clone(), *cell)));
    book.group_segments(
        rows.iter()
            .zip(&cells)
            .filter(|(r, _)| r.months_since > 0)
            .map(|(r, (_, c))| ((r.project_id.clone(), r.cohort_month, r.months_since), r.segment.clone(), *c)),
    );
    book.settle();
    for (r, (size, retained)) in rows.iter_mut().zip(cells) {
        if book.hidden(size) {
            r.cohort_size = None;
        }
        if book.hidden(retained) {
            r.retained = None;
        }
        if book.hidden(size) || book.hidden(retained) {
            r.retention_rate = None;
            r.suppressed = true;
        }
    }
    book.counts()
}

fn outcomes(rows: &mut [OutcomeRow], k: u64) -> Suppressed {
    let mut book = Book::default();
    let mut cohort_cells: BTreeMap<(String, String, i32), usize> = BTreeMap::new();
    let mut cells = Vec::with_capacity(rows.len());
    for r in rows.iter() {
        let key = (r.project_id.clone(), r.segment.clone(), r.cohort_month);
        let users = *cohort_cells.entry(key).or_insert_with(|| book.cell(r.users.unwrap_or(0), k));
        cells.push((users, book.cell(r.with_outcome.unwrap_or(0), k)));
    }
    book.group_segments(cohort_cells.iter().map(|((p, s, c), cell)| ((p.clone(), *c), s.clone(), *cell)));
    book.group_segments(rows.iter().zip(&cells).map(|(r, (_, c))| {
        ((r.project_id.clone(), r.cohort_month, r.outcome.clone(), r.window_days), r.segment.clone(), *c)
    }));
    book.settle();
    for (r, (users, with)) in rows.iter_mut().zip(cells) {
        if book.hidden(users) {
            r.users = None;
        }
        if book.hidden(with) {
            r.with_outcome = None;
        }
        if book.hidden(users) || book.hidden(with) {
            r.rate = None;
            r.ci_low = None;
            r.ci_high = None;
            r.suppressed = true;
        }
    }
    book.counts()
}

fn funnel(rows: &mut [FunnelRow], k: u64) -> Suppressed {
    let mut counts = Suppressed::default();
    for cohort in rows.chunk_by_mut(|a, b| (&a.project_id, a.cohort_month) == (&b.project_id, b.cohort_month)) {
        let users: Vec<u64> = cohort.iter().map(|r| r.users.unwrap_or(0)).collect();
        for (i, r) in cohort.iter_mut().enumerate() {
            let previous = users[i.saturating_sub(1)];
            if small(users[i], k) {
                r.users = None;
                counts.primary += 1;
            }
            if small(users[i], k) || small(users[0], k) {
                r.conversion_from_start = None;
            }
            if small(users[i], k) || small(previous, k) {
                r.conversion_from_previous = None;
            }
            r.suppressed =
                r.users.is_none() || r.conversion_from_start.is_none() || r.conversion_from_previous.is_none();
        }
    }
    counts
}

fn survival(rows: &mut [SurvivalRow], k: u64) -> Suppressed {
    let mut counts = Suppressed::default();
    for r in rows.iter_mut().filter(|r| r.at_risk.unwrap_or(0) < k) {
        r.clear_figures();
        r.counts_mut().into_iter().for_each(|(_, c)| *c = None);
        r.suppressed = true;
        counts.primary += 1;
    }
    counts
}

fn survival_summary(rows: &mut [SurvivalSummaryRow], k: u64) -> Suppressed {
    let mut counts = Suppressed::default();
    for r in rows.iter_mut() {
        let n = r.n.unwrap_or(0);
        if n < k {
            r.median = None;
            r.median_ci_low = None;
            r.median_ci_high = None;
            r.suppressed = true;
        }
        if small(n, k) {
            r.n = None;
        }
        if r.events.is_some_and(|e| small(e, k)) {
            r.events = None;
            r.suppressed = true;
        }
        counts.primary += u64::from(r.suppressed);
    }
    counts
}

/// Roll-outs (SPEC section 6): an ATT(g,t) whose comparison units hold
/// fewer than `k` people is hidden, every figure but the counts, and so is
/// every aggregate that rests on it; the pre-trend test goes with any
/// hidden placebo cell. Groups of fewer than `k` people never got here:
/// the panel leaves them out before estimating.
fn rollout(rows: &mut [RolloutRow], k: u64) -> Suppressed {
    let mut counts = Suppressed::default();
    let small_cell = |r: &RolloutRow| r.aggregation == "att_gt" && small(r.population_control, k);
    let hidden: Vec<(String, String, String, Option<i32>)> = rows
        .iter()
        .filter(|r| small_cell(r))
        .map(|r| (r.project_id.clone(), r.outcome.clone(), r.metric.clone(), r.event_time))
        .collect();
    for r in rows.iter_mut() {
        let same =
            |h: &&(String, String, String, Option<i32>)| (&h.0, &h.1, &h.2) == (&r.project_id, &r.outcome, &r.metric);
        let cells: Vec<Option<i32>> = hidden.iter().filter(same).map(|h| h.3).collect();
        let covers = |e: Option<i32>| match (r.aggregation.as_str(), r.event_time) {
            ("att_gt", _) => false,
            ("dynamic", Some(own)) => e == Some(own),
            _ => e.is_some_and(|e| e >= 0),
        };
        let own = small_cell(r);
        if own || cells.iter().any(|e| covers(*e)) {
            r.clear_figures();
            r.suppressed = true;
            if own { counts.primary += 1 } else { counts.secondary += 1 }
        } else if r.aggregation == "simple" && cells.iter().any(|e| e.is_some_and(|e| e < 0)) {
            r.pretrend_p = None;
        }
    }
    counts
}

fn impact(rows: &mut [ImpactRow], k: u64) -> Suppressed {
    let mut counts = Suppressed::default();
    for r in rows.iter_mut() {
        let arms_small = r.n_treatment.unwrap_or(0) < k || r.n_control.unwrap_or(0) < k;
        let people = [r.with_outcome_treatment, r.with_outcome_control, r.took_up_treatment, r.took_up_control];
        let with_small = people.iter().any(|w| small(w.unwrap_or(0), k));
        if !(arms_small || with_small) {
            continue;
        }
        for (_, count) in r.counts_mut() {
            if count.is_some_and(|c| small(c, k)) {
                *count = None;
            }
        }
        (r.took_up_treatment, r.took_up_control) = (None, None);
        // The log-rank stays for now: disclosure control of the full arms'
        // test is its own rule (SPEC section 6, "Impact").
        let logrank = (r.logrank_chi2, r.logrank_p);
        r.clear_figures();
        (r.logrank_chi2, r.logrank_p) = logrank;
        r.suppressed = true;
        counts.primary += 1;
    }
    counts
}
