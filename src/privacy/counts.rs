//! Primary and secondary suppression of the counts of `kpis`, `retention`
//! and `outcomes`, decided jointly: each count is one cell of one
//! [`Book`] however many tables publish it (a cohort's `new_users` is its
//! `cohort_size`, its `retained` at month 0 and its outcome `users`), and
//! the SPEC section 6 groups (a)–(d) span the tables. Then every figure
//! computed from a hidden cell is nulled in its row.
//!
//! Not responsible for the survival, impact and funnel tables, whose
//! counts are in no group.

use std::collections::{BTreeMap, BTreeSet};

use super::book::{Book, Rule};
use super::{Scope, Suppressed, small};
use crate::registry::Kpi;
use crate::tables::{ALL, KpiRow, OutcomeRow, PORTFOLIO, RetentionRow, Table, Tables};
use crate::tz;

/// A count cell, by what it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key<'a> {
    /// (project, month, segment, kpi): user counts, `events`, `dau_mean`.
    Kpi(&'a str, i32, &'a str, Kpi),
    /// (project, segment, cohort, months since ≥ 1).
    Retained(&'a str, &'a str, i32, i32),
    /// (project, segment, cohort, outcome, window).
    WithOutcome(&'a str, &'a str, i32, &'a str, i32),
}

/// Each row's cells, by table.
struct RowCells {
    kpis: Vec<Option<usize>>,
    /// (cohort size, retained).
    retention: Vec<(usize, usize)>,
    /// (users, with outcome).
    outcomes: Vec<(usize, usize)>,
    /// (project, cell) of each product's cumulative users in the month.
    cumulative: BTreeMap<String, usize>,
}

/// What the ledger decided, per row of each table.
pub struct Decided {
    states: Vec<Option<Rule>>,
    cells: RowCells,
}

impl Decided {
    /// Whether the cumulative users of `project` in the reporting month
    /// (its survival arm `all`'s `n`) are hidden, and why.
    pub fn cumulative_hidden(&self, project: &str) -> Option<Rule> {
        self.cells.cumulative.get(project).and_then(|c| self.states[*c])
    }
}

/// The book being filled, with the rules every new cell is judged by.
struct Builder<'a, 's> {
    book: Book<Key<'a>>,
    scope: &'s Scope,
}

impl<'a> Builder<'a, '_> {
    /// A count cell: primary when `judged` (its own value, or the n it is
    /// judged by) is small, or when its segment value has fewer than k users.
    fn cell(&mut self, key: Key<'a>, value: f64, judged: u64, segment: &str) -> usize {
        let primary = small(judged, self.scope.min_cell) || self.scope.small_segment(segment);
        self.book.cell(key, value, primary)
    }

    fn count(&mut self, key: Key<'a>, value: Option<u64>, segment: &str) -> usize {
        let value = value.unwrap_or(0);
        self.cell(key, value as f64, value, segment)
    }

    fn kpi(&mut self, r: &'a KpiRow) -> Option<usize> {
        let key = Key::Kpi(&r.project_id, r.month, &r.segment, r.kpi);
        let value = r.value.unwrap_or(0.0);
        if r.kpi.is_user_count() {
            Some(self.cell(key, value, value as u64, &r.segment))
        } else if matches!(r.kpi, Kpi::Events | Kpi::DauMean) {
            // Judged by their n, active users: the days of a month are not people.
            let cell = self.cell(key, value, r.n.unwrap_or(0), &r.segment);
            if r.kpi == Kpi::DauMean {
                self.book.real(cell);
            }
            Some(cell)
        } else {
            None
        }
    }

    /// A cohort's size is its month's `new_users`, in whichever table.
    fn cohort(&mut self, p: &'a str, segment: &'a str, cohort: i32, size: Option<u64>) -> usize {
        self.count(Key::Kpi(p, cohort, segment, Kpi::NewUsers), size, segment)
    }

    fn retention(&mut self, r: &'a RetentionRow) -> (usize, usize) {
        let size = self.cohort(&r.project_id, &r.segment, r.cohort_month, r.cohort_size);
        if r.months_since == 0 {
            return (size, size);
        }
        let key = Key::Retained(&r.project_id, &r.segment, r.cohort_month, r.months_since);
        (size, self.count(key, r.retained, &r.segment))
    }

    fn outcome(&mut self, r: &'a OutcomeRow) -> (usize, usize) {
        let users = self.cohort(&r.project_id, &r.segment, r.cohort_month, r.users);
        let key = Key::WithOutcome(&r.project_id, &r.segment, r.cohort_month, &r.outcome, r.window_days);
        (users, self.count(key, r.with_outcome, &r.segment))
    }
}

/// Builds every cell and group and settles them.
pub fn decide(t: &Tables, scope: &Scope) -> Decided {
    let mut b = Builder { book: Book::new(), scope };
    let kpis = t.kpis.iter().map(|r| b.kpi(r)).collect();
    let retention = t.retention.iter().map(|r| b.retention(r)).collect();
    let outcomes = t.outcomes.iter().map(|r| b.outcome(r)).collect();
    let mut book = b.book;
    let cumulative = t
        .kpis
        .iter()
        .filter(|r| r.month == scope.month && r.segment == ALL && r.kpi == Kpi::CumulativeUsers)
        .filter_map(|r| {
            let cell = book.get(&Key::Kpi(&r.project_id, r.month, &r.segment, r.kpi))?;
            Some((r.project_id.clone(), cell))
        })
        .collect();
    segment_groups(&mut book);
    parts_groups(&mut book);
    product_groups(&mut book);
    diagonal_groups(&mut book, &t.retention);
    survival_groups(&mut book, &t.outcomes, scope.min_cell);
    book.settle();
    Decided { states: book.into_states(), cells: RowCells { kpis, retention, outcomes, cumulative } }
}

/// A cell's key without its segment, for group (a), and its segment.
fn split<'a>(key: &Key<'a>) -> (String, &'a str) {
    match *key {
        Key::Kpi(p, m, s, kpi) => (format!("kpi {p} {m} {}", kpi.name()), s),
        Key::Retained(p, s, c, k) => (format!("retained {p} {c} {k}"), s),
        Key::WithOutcome(p, s, c, o, w) => (format!("with {p} {c} {o} {w}"), s),
    }
}

/// Every cell of the book, with its key.
fn cells<'k, 'a>(book: &'k Book<Key<'a>>) -> impl Iterator<Item = (Key<'a>, usize)> + 'k {
    book.keys().map(|(k, c)| (*k, c))
}

/// (a) For one figure, the values of one segment variable, with `all` as
/// their total.
fn segment_groups(book: &mut Book<Key<'_>>) {
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    let mut members: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (key, cell) in cells(book) {
        let (rest, segment) = split(&key);
        match segment.split_once('=') {
            Some((variable, _)) => members.entry((rest, variable.to_owned())).or_default().push(cell),
            None => {
                totals.insert(rest, cell);
            }
        }
    }
    for ((rest, _), cells) in members {
        if let Some(total) = totals.get(&rest) {
            book.group(cells, *total);
        }
    }
}

/// (b) New and returning users, with active users as their total.
fn parts_groups(book: &mut Book<Key<'_>>) {
    let mut groups = Vec::new();
    for (key, active) in cells(book) {
        if let Key::Kpi(p, m, s, Kpi::ActiveUsers) = key {
            let new = book.get(&Key::Kpi(p, m, s, Kpi::NewUsers));
            let returning = book.get(&Key::Kpi(p, m, s, Kpi::ReturningUsers));
            if let (Some(new), Some(returning)) = (new, returning) {
                groups.push((vec![new, returning], active));
            }
        }
    }
    groups.into_iter().for_each(|(members, total)| book.group(members, total));
}

/// (c) The products' events, with `_portfolio`'s as their total.
fn product_groups(book: &mut Book<Key<'_>>) {
    // (month, segment) → (the products' events cells, the portfolio's).
    type Events<'s> = BTreeMap<(i32, &'s str), (Vec<usize>, Option<usize>)>;
    let mut groups = Events::new();
    for (key, cell) in cells(book) {
        if let Key::Kpi(p, m, s, Kpi::Events) = key {
            let entry = groups.entry((m, s)).or_default();
            if p == PORTFOLIO { entry.1 = Some(cell) } else { entry.0.push(cell) }
        }
    }
    for (members, total) in groups.into_values() {
        if let Some(total) = total {
            book.group(members, total);
        }
    }
}

/// (d) The `retained(c, m − c)` of the cohorts before `m`, with the
/// returning users of `m` as their total: each returning user belongs to
/// exactly one earlier cohort.
fn diagonal_groups<'a>(book: &mut Book<Key<'a>>, rows: &'a [RetentionRow]) {
    let mut diagonals: BTreeMap<(&str, &str, i32), Vec<usize>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.months_since > 0) {
        let key = Key::Retained(&r.project_id, &r.segment, r.cohort_month, r.months_since);
        if let Some(cell) = book.get(&key) {
            let month = tz::add_months(r.cohort_month, r.months_since);
            diagonals.entry((&r.project_id, &r.segment, month)).or_default().push(cell);
        }
    }
    for ((p, s, m), members) in diagonals {
        if let Some(total) = book.get(&Key::Kpi(p, m, s, Kpi::ReturningUsers)) {
            book.group(members, total);
        }
    }
}

/// The survival arm `all` counts, up to day `W`, the events that the
/// cohorts' `with_outcome` at window `W` count (segment `all`): its rounded
/// curve bounds their sum within `k − 1`.
fn survival_groups<'a>(book: &mut Book<Key<'a>>, rows: &'a [OutcomeRow], k: u64) {
    let mut sums: BTreeMap<(&str, &str, i32), Vec<usize>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.segment == ALL) {
        let key = Key::WithOutcome(&r.project_id, &r.segment, r.cohort_month, &r.outcome, r.window_days);
        if let Some(cell) = book.get(&key) {
            sums.entry((&r.project_id, &r.outcome, r.window_days)).or_default().push(cell);
        }
    }
    sums.into_values().for_each(|members| book.bounded_group(members, k));
}

impl Decided {
    fn rule(&self, cell: usize) -> Option<Rule> {
        self.states[cell]
    }

    /// Nulls what the ledger hides in `kpis`, `retention` and `outcomes`,
    /// and what is computed from it; returns the rows suppressed by rule.
    pub fn apply(&self, t: &mut Tables, scope: &Scope) -> [(&'static str, Suppressed); 3] {
        [
            (KpiRow::FILE, self.apply_kpis(&mut t.kpis, scope)),
            (RetentionRow::FILE, self.apply_retention(&mut t.retention)),
            (OutcomeRow::FILE, self.apply_outcomes(&mut t.outcomes)),
        ]
    }

    fn apply_kpis(&self, rows: &mut [KpiRow], scope: &Scope) -> Suppressed {
        let hidden_of = |kpi: Kpi| -> BTreeSet<(String, i32, String)> {
            rows.iter()
                .zip(&self.cells.kpis)
                .filter(|(r, c)| r.kpi == kpi && c.is_some_and(|c| self.rule(c).is_some()))
                .map(|(r, _)| (r.project_id.clone(), r.month, r.segment.clone()))
                .collect()
        };
        let (hidden_active, hidden_dau) = (hidden_of(Kpi::ActiveUsers), hidden_of(Kpi::DauMean));
        let mut tally = Suppressed::default();
        for (r, cell) in rows.iter_mut().zip(&self.cells.kpis) {
            let own = match cell {
                _ if scope.small_segment(&r.segment) => Some(Rule::Primary),
                Some(c) => self.rule(*c),
                None if small(r.n.unwrap_or(0), scope.min_cell) => Some(Rule::Primary),
                None => None,
            };
            let key = (r.project_id.clone(), r.month, r.segment.clone());
            let rule = own.or_else(|| derived_kpi(r, hidden_active.contains(&key), hidden_dau.contains(&key)));
            match (own, rule) {
                (Some(_), _) => hide_kpi(r),
                (None, Some(_)) if matches!(r.kpi, Kpi::Events | Kpi::DauMean) => {
                    // The value is public; n would give active users back.
                    r.n = None;
                    r.suppressed = true;
                }
                (None, Some(_)) => hide_kpi(r),
                (None, None) => {}
            }
            tally.add(rule);
        }
        tally
    }

    fn apply_retention(&self, rows: &mut [RetentionRow]) -> Suppressed {
        let mut tally = Suppressed::default();
        for (r, (size, retained)) in rows.iter_mut().zip(&self.cells.retention) {
            let (size, retained) = (self.rule(*size), self.rule(*retained));
            if size.is_some() {
                r.cohort_size = None;
            }
            if retained.is_some() {
                r.retained = None;
            }
            let rule = worst(size, retained);
            if rule.is_some() {
                r.clear_figures();
                r.suppressed = true;
            }
            tally.add(rule);
        }
        tally
    }

    fn apply_outcomes(&self, rows: &mut [OutcomeRow]) -> Suppressed {
        let mut tally = Suppressed::default();
        for (r, (users, with)) in rows.iter_mut().zip(&self.cells.outcomes) {
            let (users, with) = (self.rule(*users), self.rule(*with));
            if users.is_some() {
                r.users = None;
            }
            if with.is_some() {
                r.with_outcome = None;
            }
            let rule = worst(users, with);
            if rule.is_some() {
                r.clear_figures();
                r.suppressed = true;
            }
            tally.add(rule);
        }
        tally
    }
}

/// Where active users are hidden, the figures whose n they are must not
/// show them (`stickiness` and `cost_per_active_user` would give them
/// back); where `dau_mean` is hidden, `stickiness × active_users` would
/// give it back.
fn derived_kpi(r: &KpiRow, active_hidden: bool, dau_hidden: bool) -> Option<Rule> {
    let derived = match r.kpi {
        Kpi::Events | Kpi::DauMean | Kpi::CostPerActiveUser => active_hidden,
        Kpi::Stickiness => active_hidden || dau_hidden,
        _ => false,
    };
    derived.then_some(Rule::Derived)
}

/// The rule of a row with two count cells: primary wins over secondary.
fn worst(a: Option<Rule>, b: Option<Rule>) -> Option<Rule> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        _ => a.or(b),
    }
}

fn hide_kpi(row: &mut KpiRow) {
    row.clear_figures();
    row.n = None;
    row.suppressed = true;
}
