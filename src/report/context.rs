//! What every section builder needs: the input, its rows grouped by product
//! once (segment `all` only), the labels of the language, and the helpers
//! that turn a figure into a table cell — `< k` for a suppressed count or
//! rate, "masked" for a suppressed median, interval or test, `—` when
//! absent, never 0 or blank.
//!
//! Responsible for lookups and cell formatting. Not responsible for any
//! section's layout.

use std::collections::{BTreeMap, BTreeSet};

use super::doc::{Block, Cell};
use super::i18n::{self, Labels};
use super::model::{NorthStar, ProjectInfo, ReportInput};
use crate::charts::{self, AnyFigure, Job};
use crate::format;
use crate::format::Lang;
use crate::registry::{Kpi, NorthStarKpi};
use crate::tables::{ALL, FunnelRow, ImpactRow, KpiRow, OutcomeRow, RetentionRow, SurvivalRow, SurvivalSummaryRow};
use crate::tz;

/// Width of a chart that spans the page, in chart units: printed 190 mm
/// wide on A4 (210 mm less 10 mm margins), so a unit is 0.19 mm and 15.5
/// units make 8.4 pt.
pub const FULL_WIDTH: u32 = 1000;
/// Width of a chart in a half-page column (92 mm printed): the same
/// millimetres per unit as a full-width chart, so type prints the same size.
pub const HALF_WIDTH: u32 = 484;
/// Printed millimetres per chart unit.
pub const MM_PER_UNIT: f64 = 0.19;
/// The months a trend shows.
pub const TREND_MONTHS: i32 = 13;

/// Rows of one table grouped by product, in their original (sorted) order.
type ByProject<'a, T> = BTreeMap<&'a str, Vec<&'a T>>;

fn group<'a, T>(rows: &'a [T], project: impl Fn(&T) -> &str, keep: impl Fn(&T) -> bool) -> ByProject<'a, T> {
    let mut map: ByProject<'a, T> = BTreeMap::new();
    for row in rows.iter().filter(|r| keep(r)) {
        map.entry(project(row)).or_default().push(row);
    }
    map
}

/// The input plus indexes, shared by the section builders.
pub struct Ctx<'a> {
    pub input: &'a ReportInput<'a>,
    pub lang: Lang,
    pub t: &'static Labels,
    /// The mark of a suppressed value, `< k`.
    pub mark: String,
    kpis: BTreeMap<(&'a str, Kpi, i32), &'a KpiRow>,
    first_month: BTreeMap<&'a str, i32>,
    pub retention: ByProject<'a, RetentionRow>,
    pub funnel: ByProject<'a, FunnelRow>,
    pub outcomes: ByProject<'a, OutcomeRow>,
    pub survival: ByProject<'a, SurvivalRow>,
    pub survival_summary: ByProject<'a, SurvivalSummaryRow>,
    pub impact: ByProject<'a, ImpactRow>,
    /// Possible tracking outages of products that are not stopped (SPEC 7.6).
    pub outages: Vec<(&'a str, i32)>,
    names: BTreeMap<&'a str, &'a str>,
    projects: BTreeMap<&'a str, &'a ProjectInfo>,
    stems: BTreeMap<&'a str, String>,
    north_stars: BTreeMap<&'a str, &'a NorthStar>,
}

impl<'a> Ctx<'a> {
    pub fn new(input: &'a ReportInput<'a>) -> Ctx<'a> {
        let tables = input.tables;
        let mut kpis = BTreeMap::new();
        let mut first_month: BTreeMap<&str, i32> = BTreeMap::new();
        for row in tables.kpis.iter().filter(|r| r.segment == ALL) {
            kpis.insert((row.project_id.as_str(), row.kpi, row.month), row);
            let first = first_month.entry(row.project_id.as_str()).or_insert(row.month);
            *first = (*first).min(row.month);
        }
        Ctx {
            input,
            lang: input.lang,
            t: i18n::labels(input.lang),
            mark: format::suppressed(input.lang, input.min_cell),
            kpis,
            first_month,
            retention: group(&tables.retention, |r| &r.project_id, |r| r.segment == ALL),
            funnel: group(&tables.funnel, |r| &r.project_id, |_| true),
            outcomes: group(&tables.outcomes, |r| &r.project_id, |r| r.segment == ALL),
            survival: group(&tables.survival, |r| &r.project_id, |_| true),
            survival_summary: group(&tables.survival_summary, |r| &r.project_id, |_| true),
            impact: group(&tables.impact, |r| &r.project_id, |_| true),
            outages: outages(input),
            names: input.projects.iter().map(|p| (p.id.as_str(), p.name.as_str())).collect(),
            projects: input.projects.iter().map(|p| (p.id.as_str(), p)).collect(),
            stems: unique_stems(input.projects.iter().map(|p| p.id.as_str())),
            north_stars: input.north_stars.iter().map(|n| (n.project_id.as_str(), n)).collect(),
        }
    }

    /// A product's name (its id when the catalog has none).
    pub fn name<'s>(&'s self, project: &'s str) -> &'s str {
        self.names.get(project).copied().filter(|n| !n.is_empty()).unwrap_or(project)
    }

    pub fn project(&self, id: &str) -> Option<&'a ProjectInfo> {
        self.projects.get(id).copied()
    }

    /// An outcome code in words (`[labels.outcomes]`), else the code.
    pub fn outcome(&self, code: &str) -> String {
        self.input.labels.outcome(self.lang, code).to_string()
    }

    /// Words in quotation marks: «\u{A0}…\u{A0}» / “…”.
    pub fn quoted(&self, words: &str) -> String {
        match self.lang {
            Lang::Fr => format!("«\u{A0}{words}\u{A0}»"),
            Lang::En => format!("“{words}”"),
        }
    }

    /// An event code in words (`[labels.events]`), else the code.
    pub fn event(&self, code: &str) -> String {
        self.input.labels.event(self.lang, code).to_string()
    }

    /// Who a product's users are, in a sentence: "job seekers", "users".
    pub fn people(&self, project: &str) -> &'static str {
        let audience = self.project(project).and_then(|p| p.audience.as_deref());
        i18n::people(self.lang, audience)
    }

    /// A product's file-safe, unique stem for chart names and anchors.
    pub fn stem(&self, project: &str) -> String {
        self.stems.get(project).cloned().unwrap_or_else(|| charts::file_stem(project))
    }

    pub fn north_star(&self, project: &str) -> Option<&'a NorthStar> {
        self.north_stars.get(project).copied()
    }

    /// The `all`-segment figure of `kpi` for `project` in `month`.
    pub fn kpi(&self, project: &str, kpi: Kpi, month: i32) -> Option<&'a KpiRow> {
        self.kpis.get(&(project, kpi, month)).copied()
    }

    /// The months shown in a trend: up to `n` ending with the reporting
    /// month, none before the product's first data month.
    pub fn trend_months(&self, project: &str, n: i32) -> Vec<i32> {
        let month = self.input.month;
        let first = self.first_month.get(project).copied().unwrap_or(month);
        (0..n).rev().map(|i| tz::add_months(month, -i)).filter(|&m| m >= first).collect()
    }

    /// A KPI's values over `months` (`None` where absent or suppressed) and
    /// whether any was suppressed.
    pub fn kpi_series(&self, project: &str, kpi: Kpi, months: &[i32]) -> (Vec<Option<f64>>, bool) {
        let rows: Vec<Option<&KpiRow>> = months.iter().map(|&m| self.kpi(project, kpi, m)).collect();
        let suppressed = rows.iter().flatten().any(|r| r.suppressed);
        (rows.iter().map(|r| r.and_then(|r| if r.suppressed { None } else { r.value })).collect(), suppressed)
    }

    /// A KPI value formatted by the unit the registry gives it.
    pub fn format_kpi(&self, kpi: Kpi, value: f64) -> String {
        kpi.info().unit.write(self.lang, value)
    }

    /// A north star value or target in its unit.
    pub fn format_north_star(&self, ns: &NorthStar, value: f64) -> String {
        match &ns.kpi {
            NorthStarKpi::Kpi(kpi) => self.format_kpi(*kpi, value),
            NorthStarKpi::OutcomeRate { .. } => format::percent(self.lang, value),
        }
    }

    /// The cell of one KPI figure.
    pub fn kpi_cell(&self, project: &str, kpi: Kpi, month: i32) -> Cell {
        match self.kpi(project, kpi, month) {
            Some(row) if row.suppressed => Cell::suppressed(&self.mark),
            Some(KpiRow { value: Some(v), .. }) => Cell::number(self.format_kpi(kpi, *v)),
            _ => Cell::missing(),
        }
    }

    /// A count cell: `< k` when suppressed, `—` when absent.
    pub fn count_cell(&self, value: Option<u64>, suppressed: bool) -> Cell {
        match value {
            Some(v) => Cell::number(format::count(self.lang, v)),
            None if suppressed => Cell::suppressed(&self.mark),
            None => Cell::missing(),
        }
    }

    /// A formatted figure, or the suppressed mark, or `—`.
    pub fn figure(&self, value: Option<f64>, suppressed: bool, fmt: impl Fn(f64) -> String) -> Cell {
        match value {
            _ if suppressed => Cell::suppressed(&self.mark),
            Some(v) => Cell::number(fmt(v)),
            None => Cell::missing(),
        }
    }

    /// A formatted text, or the suppressed mark, or `—`.
    pub fn text_figure(&self, text: Option<String>, suppressed: bool) -> Cell {
        match text {
            _ if suppressed => Cell::suppressed(&self.mark),
            Some(s) => Cell::number(s),
            None => Cell::missing(),
        }
    }

    /// An estimate, interval, p- or q-value, formatted: "masked" when
    /// hidden (it is not a count, so never `< k`), `—` when absent.
    pub fn estimate(&self, text: Option<String>, suppressed: bool) -> Cell {
        match text {
            _ if suppressed => Cell::suppressed(format::masked(self.lang)),
            Some(s) => Cell::number(s),
            None => Cell::missing(),
        }
    }

    /// `[a ; b]` (fr) or `[a, b]` (en), with no-break spaces so that a
    /// narrow column wraps before the interval, never inside it.
    pub fn interval(&self, low: String, high: String) -> String {
        match self.lang {
            Lang::Fr => format!("[{low}\u{202F};\u{A0}{high}]"),
            Lang::En => format!("[{low},\u{A0}{high}]"),
        }
    }

    /// The `label: value` separator (French: a no-break space before `:`).
    pub fn colon(&self) -> &'static str {
        match self.lang {
            Lang::Fr => "\u{A0}:",
            Lang::En => ":",
        }
    }

    /// "A gap in a line is a hidden value (< k)."
    pub fn gap_note(&self) -> String {
        i18n::fill(self.t.gap_note, &[("s", &self.mark)])
    }
}

/// The outages the report shows: none for a stopped product, whose events
/// are expected to fall.
fn outages<'a>(input: &'a ReportInput<'a>) -> Vec<(&'a str, i32)> {
    let stopped = |id: &str| input.projects.iter().any(|p| p.id == id && p.phase.as_deref() == Some("stopped"));
    input.outages.iter().filter(|(p, _)| !stopped(p)).map(|(p, m)| (p.as_str(), *m)).collect()
}

/// Queues a chart for rendering and returns the block that shows it.
pub fn chart(jobs: &mut Vec<Job>, name: String, figure: impl Into<AnyFigure>, alt: &str) -> Block {
    let block = Block::Chart { name: name.clone(), alt: alt.to_string() };
    jobs.push(Job { name, figure: figure.into() });
    block
}

/// File stems for every id, unique even when two ids clean up alike, when
/// a suffixed stem is itself an id, or when two differ only by case (one
/// folder on macOS and Windows: the public pages are folders).
fn unique_stems<'a>(ids: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, String> {
    let mut used = BTreeSet::new();
    let mut out = BTreeMap::new();
    for (i, id) in ids.enumerate() {
        let clean = charts::file_stem(id);
        let mut stem = clean.clone();
        // A suffixed stem may be another id's own stem (`a!` and `a!-3`),
        // or differ from one only by case: count up until it is free.
        let mut suffix = i + 1;
        while !used.insert(stem.to_ascii_lowercase()) {
            stem = format!("{clean}-{suffix}");
            suffix += 1;
        }
        out.insert(id, stem);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_stay_unique() {
        let stems = unique_stems(["a b", "a_b", "c"].into_iter());
        assert_eq!(stems["a b"], "a_b");
        assert_eq!(stems["a_b"], "a_b-2");
        assert_eq!(stems["c"], "c");
        let stems = unique_stems(["a_b-3", "a b", "a_b", "Alpha", "alpha"].into_iter());
        assert_eq!(stems["a_b"], "a_b-4", "a_b-3 is taken by an id");
        assert_eq!(stems["alpha"], "alpha-5", "Alpha and alpha are one folder on macOS");
    }

    #[test]
    fn a_suffix_never_takes_another_ids_stem() {
        // Sorted as the catalog is: `a!` → a_, `a!-3` → a_-3, then `a?`
        // (third, so first suffixed a_-3) must move on.
        let stems = unique_stems(["a!", "a!-3", "a?"].into_iter());
        assert_eq!(stems["a!"], "a_");
        assert_eq!(stems["a!-3"], "a_-3");
        assert_eq!(stems["a?"], "a_-4");
        let distinct: BTreeSet<&String> = stems.values().collect();
        assert_eq!(distinct.len(), 3);
    }
}
