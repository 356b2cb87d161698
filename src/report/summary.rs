//! Part 1 of the report, the portfolio summary: the portfolio's key
//! figures, its users and outcome rate over 13 months, the north star
//! statuses, and the products by origin and phase.
//!
//! Responsible for choosing and wording that content. Not responsible for
//! drawing (charts) or markup (renderers).

use std::collections::{BTreeMap, BTreeSet};

use super::context::{Ctx, chart};
use super::doc::{Block, Cell, CellKind, Row, RowKind, Section, Table};
use super::i18n;
use super::model::NorthStarStatus;
use crate::charts::frame::Mark;
use crate::charts::trend::{Trend, TrendSeries};
use crate::charts::{Job, palette};
use crate::format;
use crate::format::Lang;
use crate::registry::Kpi;
use crate::tables::PORTFOLIO;
use crate::tz;

/// Width of a chart that spans the page, in chart units.
pub const FULL_WIDTH: u32 = 1000;
/// Width of a chart that sits in a half-page column.
pub const HALF_WIDTH: u32 = 640;
/// The months a trend shows.
pub const TREND_MONTHS: i32 = 13;

const KEY_KPIS: [Kpi; 4] = [Kpi::ActiveUsers, Kpi::NewUsers, Kpi::CumulativeUsers, Kpi::Events];

pub fn section(ctx: &Ctx, number: usize, jobs: &mut Vec<Job>) -> Section {
    let t = ctx.t;
    let mut blocks =
        vec![Block::Heading(t.key_figures.to_string()), Block::Table(kpi_table(ctx, PORTFOLIO, &KEY_KPIS))];
    let users = users_trend(ctx, PORTFOLIO, t.users_chart.into(), Some(t.users_chart_sub.into()), FULL_WIDTH);
    blocks.push(chart(jobs, "portfolio_users".into(), users, t.users_chart));
    match outcome_trend(ctx) {
        Some(trend) => {
            let alt = trend.title.clone();
            blocks.push(chart(jobs, "portfolio_outcome_rate".into(), trend, &alt));
        }
        None => blocks.push(Block::Note(t.no_outcome_chart.to_string())),
    }
    blocks.push(Block::Heading(t.statuses.to_string()));
    blocks.push(Block::Table(status_table(ctx)));
    blocks.push(Block::Heading(t.origin_phase.to_string()));
    blocks.push(Block::Table(origin_phase_table(ctx)));
    blocks.push(Block::Heading(t.portfolio_table.to_string()));
    blocks.push(Block::Table(products_table(ctx)));
    Section { anchor: "summary".into(), title: format!("{number}. {}", t.summary), level: 1, page_break: false, blocks }
}

/// KPIs of one product (or the portfolio) for the month, the month before
/// and the same month a year before.
pub fn kpi_table(ctx: &Ctx, project: &str, kpis: &[Kpi]) -> Table {
    let months = [ctx.input.month, tz::add_months(ctx.input.month, -1), tz::add_months(ctx.input.month, -12)];
    let mut head = vec![ctx.t.indicator.to_string()];
    head.extend(months.iter().map(|&m| format::month(ctx.lang, m)));
    let rows = kpis
        .iter()
        .map(|kpi| {
            let mut cells = vec![Cell::text(i18n::kpi_name(ctx.lang, *kpi))];
            cells.extend(months.iter().map(|&m| ctx.kpi_cell(project, *kpi, m)));
            Row::new(cells)
        })
        .collect();
    Table { head, rows }
}

/// Monthly active and new users of `project` over the last 13 months.
pub fn users_trend(ctx: &Ctx, project: &str, title: String, subtitle: Option<String>, width: u32) -> Trend {
    let months = ctx.trend_months(project, TREND_MONTHS);
    let (active, hidden_a) = ctx.kpi_series(project, Kpi::ActiveUsers, &months);
    let (new, hidden_n) = ctx.kpi_series(project, Kpi::NewUsers, &months);
    let n = months.len();
    let series = |label: &str, colour, values| TrendSeries {
        label: label.into(),
        colour,
        values,
        dashed: vec![false; n],
        band: vec![],
    };
    Trend {
        title,
        subtitle,
        lang: ctx.lang,
        series: vec![series(ctx.t.active_users, palette::BLUE, active), series(ctx.t.new_users, palette::ORANGE, new)],
        months,
        rate: false,
        extra_legend: vec![],
        footnote: (hidden_a || hidden_n).then(|| ctx.gap_note()),
        width,
        height: if width == FULL_WIDTH { 380 } else { 400 },
    }
}

/// The portfolio rate of the first default outcome at the shortest window,
/// by cohort month; incomplete cohorts dashed, with the Wilson band.
fn outcome_trend(ctx: &Ctx) -> Option<Trend> {
    let outcome = ctx.input.default_outcome.as_deref()?;
    let window = ctx.input.shortest_window?;
    let rows = ctx.outcomes.get(PORTFOLIO)?;
    let rows: Vec<_> = rows.iter().filter(|r| r.outcome == outcome && r.window_days == window).collect();
    let months = ctx.trend_months(PORTFOLIO, TREND_MONTHS);
    let by_month: BTreeMap<i32, _> = rows.iter().map(|r| (r.cohort_month, **r)).collect();
    if !months.iter().any(|m| by_month.contains_key(m)) {
        return None;
    }
    let published = |m: &i32| by_month.get(m).filter(|r| !r.suppressed);
    let values = months.iter().map(|m| published(m).and_then(|r| r.rate)).collect();
    let band = months.iter().map(|m| published(m).and_then(|r| r.ci_low.zip(r.ci_high))).collect();
    let dashed = months.iter().map(|m| by_month.get(m).is_some_and(|r| !r.complete)).collect();
    let hidden = months.iter().any(|m| by_month.get(m).is_some_and(|r| r.suppressed));
    let title = i18n::fill(ctx.t.rate_chart, &[("outcome", outcome), ("window", &format::days(ctx.lang, window))]);
    Some(Trend {
        title,
        subtitle: Some(ctx.t.rate_chart_sub.into()),
        lang: ctx.lang,
        months,
        series: vec![TrendSeries { label: outcome.to_string(), colour: palette::GREEN, values, dashed, band }],
        rate: true,
        extra_legend: vec![
            (Mark::Dashed(palette::GREEN), ctx.t.incomplete_cohort.into()),
            (Mark::Band(palette::GREEN), ctx.t.ci95.into()),
        ],
        footnote: hidden.then(|| ctx.gap_note()),
        width: FULL_WIDTH,
        height: 380,
    })
}

/// The status of each catalog product: its north star's, or `not_set`.
pub fn status_of(ctx: &Ctx, project: &str) -> NorthStarStatus {
    ctx.north_star(project).map_or(NorthStarStatus::NotSet, |n| n.status)
}

fn status_table(ctx: &Ctx) -> Table {
    let rows = NorthStarStatus::ALL
        .iter()
        .map(|&s| {
            let n = ctx.input.projects.iter().filter(|p| status_of(ctx, &p.id) == s).count();
            let label = Cell { text: i18n::status(ctx.lang, s).to_string(), kind: CellKind::Status(s) };
            Row::new(vec![label, Cell::number(format::count(ctx.lang, n as u64))])
        })
        .collect();
    Table { head: vec![ctx.t.status.into(), ctx.t.count_products.into()], rows }
}

/// A catalog code ranked in its vocabulary's order (unknown codes after,
/// alphabetically); `None`, "not given", last.
type Ranked = (usize, String);

fn ranked(code: Option<&str>, rank: fn(&str) -> usize) -> Ranked {
    code.map_or((usize::MAX, String::new()), |c| (rank(c), c.to_string()))
}

/// Origins down, phases across, with totals.
fn origin_phase_table(ctx: &Ctx) -> Table {
    let mut counts: BTreeMap<(Ranked, Ranked), u64> = BTreeMap::new();
    for p in &ctx.input.projects {
        let key = (ranked(p.origin.as_deref(), i18n::origin_rank), ranked(p.phase.as_deref(), i18n::phase_rank));
        *counts.entry(key).or_default() += 1;
    }
    let origins: BTreeSet<&Ranked> = counts.keys().map(|k| &k.0).collect();
    let phases: BTreeSet<&Ranked> = counts.keys().map(|k| &k.1).collect();
    let name = |k: &Ranked, translate: fn(Lang, &str) -> String| {
        if k.0 == usize::MAX { ctx.t.not_given.to_string() } else { translate(ctx.lang, &k.1) }
    };
    let sum =
        |keep: &dyn Fn(&(Ranked, Ranked)) -> bool| counts.iter().filter(|(k, _)| keep(k)).map(|(_, n)| n).sum::<u64>();
    let cell = |n: u64| if n == 0 { Cell::missing() } else { Cell::number(format::count(ctx.lang, n)) };
    let mut head = vec![ctx.t.origin.to_string()];
    head.extend(phases.iter().map(|p| name(p, i18n::phase)));
    head.push(ctx.t.total.into());
    let mut rows: Vec<Row> = origins
        .iter()
        .map(|&o| {
            let mut cells = vec![Cell::text(name(o, i18n::origin))];
            cells.extend(phases.iter().map(|&p| cell(sum(&|k| &k.0 == o && &k.1 == p))));
            cells.push(cell(sum(&|k| &k.0 == o)));
            Row::new(cells)
        })
        .collect();
    let mut total = vec![Cell::text(ctx.t.total)];
    total.extend(phases.iter().map(|&p| cell(sum(&|k| &k.1 == p))));
    total.push(cell(ctx.input.projects.len() as u64));
    rows.push(Row::with_kind(total, RowKind::Total));
    Table { head, rows }
}

fn products_table(ctx: &Ctx) -> Table {
    let t = ctx.t;
    let head = [t.product, t.phase, t.north_star, t.value, t.target, t.status].map(String::from).to_vec();
    let rows = ctx
        .input
        .projects
        .iter()
        .map(|p| {
            let phase = p.phase.as_deref().map_or_else(Cell::missing, |ph| Cell::text(i18n::phase(ctx.lang, ph)));
            let status = status_of(ctx, &p.id);
            let status_cell = Cell { text: i18n::status(ctx.lang, status).into(), kind: CellKind::Status(status) };
            let (kpi, value, target) = match ctx.north_star(&p.id) {
                Some(ns) => (
                    Cell::text(i18n::north_star_name(ctx.lang, &ns.kpi)),
                    ctx.figure(ns.value, ns.suppressed, |v| ctx.format_north_star(ns, v)),
                    Cell::number(ctx.format_north_star(ns, ns.target)),
                ),
                None => (Cell::missing(), Cell::missing(), Cell::missing()),
            };
            Row::new(vec![Cell::text(p.name.clone()), phase, kpi, value, target, status_cell])
        })
        .collect();
    Table { head, rows }
}
